"""Selections made by shape or by colour, combined into the mask: polygon lasso and magic wand."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import cv2
import numpy as np

from studio.masks.errors import MaskError
from studio.masks.geometry import check_mask, check_rgb, check_same_size, point_in_mask

# Sub-pixel precision for cv2 polygon filling: coordinates are fixed-point with this many bits.
_SHIFT = 4


class Combine(enum.StrEnum):
    """How a selection (0..255) changes the mask."""

    ADD = "add"  # mask = max(mask, selection)
    SUBTRACT = "subtract"  # mask = min(mask, 255 - selection)
    REPLACE = "replace"  # mask = selection


def combine(mask: np.ndarray, selection: np.ndarray, how: Combine | str) -> np.ndarray:
    """A new mask: `selection` added to, cut from, or replacing `mask`."""
    check_mask(mask)
    check_mask(selection, "selection")
    check_same_size(mask, selection, "selection")
    how = Combine(how)
    if how is Combine.ADD:
        return np.maximum(mask, selection)
    if how is Combine.SUBTRACT:
        return np.minimum(mask, 255 - selection)
    return selection.copy()


def polygon_selection(
    shape: tuple[int, int], points: Sequence[tuple[float, float]], antialias: bool = True
) -> np.ndarray:
    """A (H, W) uint8 selection: 255 inside the polygon, anti-aliased along its edges.

    Points are image coordinates with pixel centres at +0.5 (as the brush uses).
    """
    if len(points) < 3:
        raise MaskError("A lasso needs at least three points to enclose an area.")
    pts = np.asarray(points, dtype=np.float64)
    if not np.isfinite(pts).all():
        raise MaskError("The lasso has a point that is not a finite number.")
    # cv2 puts pixel centres at integer coordinates: move by half a pixel, then to fixed point.
    fixed = np.round((pts - 0.5) * (1 << _SHIFT)).astype(np.int32).reshape(-1, 1, 2)
    selection = np.zeros(shape, dtype=np.uint8)
    line = cv2.LINE_AA if antialias else cv2.LINE_8
    cv2.fillPoly(selection, [fixed], 255, lineType=line, shift=_SHIFT)
    return selection


def lasso(
    mask: np.ndarray,
    points: Sequence[tuple[float, float]],
    how: Combine | str = Combine.ADD,
    antialias: bool = True,
) -> np.ndarray:
    """A new mask with the polygon added (or subtracted)."""
    check_mask(mask)
    return combine(mask, polygon_selection(mask.shape, points, antialias), how)


def wand_selection(
    image: np.ndarray,
    point: tuple[float, float],
    tolerance: int = 32,
    contiguous: bool = True,
) -> np.ndarray:
    """Pixels whose colour is within `tolerance` (per channel, 0..255) of the clicked pixel.

    `contiguous` keeps only those connected (4-neighbourhood) to the click; otherwise every
    matching pixel of the image is selected. Returns a (H, W) uint8 selection of 0 / 255.
    """
    rgb = check_rgb(image)
    if not (0 <= int(tolerance) <= 255):
        raise MaskError(f"The wand tolerance must be between 0 and 255, not {tolerance}.")
    tol = int(tolerance)
    x, y = point_in_mask(rgb[:, :, 0], point)
    if contiguous:
        h, w = rgb.shape[:2]
        flood = np.zeros((h + 2, w + 2), dtype=np.uint8)
        flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
        cv2.floodFill(rgb, flood, (x, y), (0, 0, 0), (tol,) * 3, (tol,) * 3, flags)
        return flood[1:-1, 1:-1].copy()
    seed = rgb[y, x].astype(np.int16)
    close = np.abs(rgb.astype(np.int16) - seed).max(axis=2) <= tol
    return close.astype(np.uint8) * 255


def magic_wand(
    mask: np.ndarray,
    image: np.ndarray,
    point: tuple[float, float],
    tolerance: int = 32,
    contiguous: bool = True,
    how: Combine | str = Combine.ADD,
) -> np.ndarray:
    """A new mask with the wand's colour selection added (or subtracted)."""
    check_mask(mask)
    check_same_size(mask, image)
    return combine(mask, wand_selection(image, point, tolerance, contiguous), how)
