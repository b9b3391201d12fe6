"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half.

The pattern: write a temporary file in the same folder, flush and fsync it, `os.replace` it over
the target, then fsync the folder so the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def _read_umask() -> int:
    # Python has no way to read the umask without setting it; read it once, at import, before
    # any worker threads exist, so no other thread creates a file while it is briefly 0.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _final_mode(target: Path) -> int:
    """The permissions the written file should have: those of the file it replaces, or those a
    plain `open()` would give a new file. (The temporary file is created private, 0600.)"""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (POSIX only: Windows cannot open folders)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on a clean exit it replaces `path` atomically.

    On an exception the temporary file is removed and `path` is left as it was.
    """
    if mode not in ("wb", "w"):
        raise ValueError("atomic_open writes only ('wb' or 'w')")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _final_mode(target))
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    with atomic_open(path, "w") as handle:
        handle.write(text)


def atomic_write_json(path: str | os.PathLike[str], value: Any) -> None:
    atomic_write_text(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def atomic_save_image(
    path: str | os.PathLike[str], image: Any, format: str = "PNG", **params: Any
) -> None:
    """Encode a PIL image in memory, then write it atomically."""
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    atomic_write_bytes(path, buffer.getvalue())
