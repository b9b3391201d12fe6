"""Giving a memory-mapped weight file's pages back once their tensors have been converted.

`torch.load(mmap=True)` maps the whole file privately. Loading in another precision (bf16,
fp16) or onto a GPU makes a converted copy of every tensor; the file's pages it read stay
resident in this process until the mapping goes, so the peak was the file plus the converted
copy (8.2 GB for Emojich in bf16 instead of 2.6 GB). After each tensor is converted its pages
are dropped from the mapping (`madvise(MADV_DONTNEED)`): they were never written, so dropping
them loses nothing, and a later read would only fetch them from the file again.

Linux only (it reads `/proc/self/maps`); elsewhere `release` does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import mmap
import os
import sys
from pathlib import Path

import torch

log = logging.getLogger(__name__)
_MADV_DONTNEED = 4


def _file_ranges(path: Path) -> list[tuple[int, int]]:
    """Address ranges where this process maps `path` (empty when not mapped or not Linux)."""
    try:
        target = os.stat(path)
        lines = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return []
    ranges = []
    for line in lines:
        # "start-end perms offset dev inode pathname"
        parts = line.split(maxsplit=5)
        if len(parts) < 6 or int(parts[4]) != target.st_ino:
            continue
        major, minor = (int(x, 16) for x in parts[3].split(":"))
        if os.makedev(major, minor) != target.st_dev:
            continue
        start, end = (int(x, 16) for x in parts[0].split("-"))
        ranges.append((start, end))
    return ranges


class MappedWeights:
    """The mapping of one weight file, released tensor by tensor."""

    def __init__(self, path: str | Path) -> None:
        self._ranges = _file_ranges(Path(path)) if sys.platform.startswith("linux") else []
        self._madvise = None
        if self._ranges:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            libc.madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
            self._madvise = libc.madvise

    def release(self, source: torch.Tensor, converted: torch.Tensor) -> None:
        """Drop `source`'s pages if it lies in the mapping and `converted` is a separate copy."""
        if self._madvise is None or source.device.type != "cpu":
            return
        if converted.device == source.device and converted.data_ptr() == source.data_ptr():
            return  # no conversion happened: the model uses the mapped pages themselves
        storage = source.untyped_storage()
        start = storage.data_ptr()
        end = start + storage.nbytes()
        for low, high in self._ranges:
            # Whole pages, within the file's mapping: a page shared with the next tensor is
            # read from the file again when that tensor is converted.
            first = max(low, start - start % mmap.PAGESIZE)
            last = min(high, -(-end // mmap.PAGESIZE) * mmap.PAGESIZE)
            if first < last and self._madvise(first, last - first, _MADV_DONTNEED) != 0:
                log.debug("madvise failed: %s", os.strerror(ctypes.get_errno()))
