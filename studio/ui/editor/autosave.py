"""Crash safety for the mask being edited: a periodic atomic copy in the cache folder.

One PNG per candidate under `<cache>/editor-autosave/`, with the cut-out version it started from
and the time in PNG text chunks, so the mask and its metadata are written (and replaced) as one
file. Loading a candidate with such a file recovers the unsaved edits; saving or discarding
deletes it. Qt-free; the panel calls `write` from a worker thread.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from studio.fileio import atomic_write_bytes
from studio.paths import studio_paths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AutosavedMask:
    candidate_id: int
    mask: np.ndarray  # (H, W) uint8
    base_cutout_id: int | None  # the saved version the edits started from
    saved_at: float


class AutosaveStore:
    """Autosave files for the mask editor."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or studio_paths().cache / "editor-autosave"

    def path(self, candidate_id: int) -> Path:
        return self.folder / f"candidate-{int(candidate_id)}.png"

    def write(self, candidate_id: int, mask: np.ndarray, base_cutout_id: int | None) -> Path:
        """Write the working mask atomically (fast PNG compression: it runs every few seconds)."""
        info = PngImagePlugin.PngInfo()
        info.add_text("candidate_id", str(int(candidate_id)))
        info.add_text("base_cutout_id", "" if base_cutout_id is None else str(base_cutout_id))
        info.add_text("saved_at", repr(time.time()))
        buffer = io.BytesIO()
        Image.fromarray(mask, "L").save(buffer, format="PNG", pnginfo=info, compress_level=1)
        path = self.path(candidate_id)
        atomic_write_bytes(path, buffer.getvalue())
        return path

    def read(self, candidate_id: int) -> AutosavedMask | None:
        """The autosaved mask of this candidate, or None (a damaged file is removed)."""
        path = self.path(candidate_id)
        if not path.exists():
            return None
        try:
            with Image.open(path) as image:
                image.load()
                text = dict(image.text)
                mask = np.asarray(image.convert("L")).copy()
            base = text.get("base_cutout_id") or None
            return AutosavedMask(
                candidate_id=int(text.get("candidate_id", candidate_id)),
                mask=mask,
                base_cutout_id=int(base) if base is not None else None,
                saved_at=float(text.get("saved_at", path.stat().st_mtime)),
            )
        except (OSError, ValueError, SyntaxError) as exc:
            log.warning("unreadable autosave %s (%s); removing it", path, exc)
            self.clear(candidate_id)
            return None

    def clear(self, candidate_id: int) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(candidate_id).unlink()
