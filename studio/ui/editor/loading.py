"""Reading a candidate's picture and saved masks from the library's files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from studio.errors import StudioError


class EditorLoadError(StudioError):
    """The candidate's picture or mask could not be read."""


def read_picture(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    """(H, W, 3) RGB and, when the file has real transparency, its (H, W) alpha."""
    try:
        with Image.open(path) as image:
            image.load()
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            rgba = np.asarray(image.convert("RGBA"))
    except OSError as exc:
        raise EditorLoadError(
            f"Cannot open the picture {path}: {exc}. The library's media folder may have been "
            "moved or damaged."
        ) from exc
    alpha = rgba[:, :, 3].copy() if has_alpha and (rgba[:, :, 3] < 255).any() else None
    return np.ascontiguousarray(rgba[:, :, :3]), alpha


def fit_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`mask` scaled to (width, height) when its size differs (an older, smaller cut-out)."""
    if (mask.shape[1], mask.shape[0]) != size:
        return cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR)
    return mask


def read_mask(path: Path, size: tuple[int, int]) -> np.ndarray:
    """A saved mask as (H, W) uint8, scaled to the picture's (width, height) if it differs."""
    try:
        with Image.open(path) as image:
            mask = np.asarray(image.convert("L")).copy()
    except OSError as exc:
        raise EditorLoadError(
            f"Cannot open the saved mask {path}: {exc}. Restore another version instead."
        ) from exc
    return fit_mask(mask, size)
