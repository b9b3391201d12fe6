"""Whole-mask clean-ups: fill holes, remove islands, grow / shrink, smooth, feather.

Each returns a new mask; soft edges stay soft (grey-level morphology moves the rim as a whole,
and the hard decisions about holes and islands are made at a threshold but keep the rim).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from studio.masks.errors import MaskError
from studio.masks.geometry import DEFAULT_THRESHOLD, check_mask

_RIM = 2


def _check_px(value: float, what: str, allow_zero: bool = True) -> None:
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise MaskError(f"The {what} must be a positive number of pixels, not {value}.")


def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def fill_holes(
    mask: np.ndarray, threshold: int = DEFAULT_THRESHOLD, max_area: int | None = None
) -> np.ndarray:
    """Make opaque every background region the image border cannot reach.

    `max_area` limits filling to holes of at most that many pixels (None: all holes).
    """
    check_mask(mask)
    background = (mask < threshold).astype(np.uint8)
    # Holes are 4-connected background (the dual of 8-connected shapes, as findContours sees it).
    count, labels, stats, _ = cv2.connectedComponentsWithStats(background, connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    is_hole = np.ones(count, dtype=bool)
    is_hole[0] = False  # label 0 is the foreground
    is_hole[border] = False
    if max_area is not None:
        is_hole &= stats[:, cv2.CC_STAT_AREA] <= max_area
    out = mask.copy()
    out[is_hole[labels]] = 255
    return out


def remove_islands(
    mask: np.ndarray, min_area: int, threshold: int = DEFAULT_THRESHOLD
) -> np.ndarray:
    """Clear every separate shape smaller than `min_area` pixels, with its soft rim."""
    check_mask(mask)
    if min_area < 0:
        raise MaskError(f"The smallest island to keep must be 0 px or more, not {min_area}.")
    binary = (mask >= threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = False
    if not small[1:].any():
        return mask.copy()
    islands = small[labels].astype(np.uint8)
    kept = binary & (1 - islands)
    rim = cv2.dilate(islands, _disc(_RIM)) & (1 - binary) & (1 - cv2.dilate(kept, _disc(_RIM)))
    out = mask.copy()
    out[(islands | rim).astype(bool)] = 0
    return out


def grow(mask: np.ndarray, px: int) -> np.ndarray:
    """Move the edge outwards by `px` pixels (grey-level dilation keeps the soft rim)."""
    check_mask(mask)
    _check_px(px, "grow amount")
    if px == 0:
        return mask.copy()
    return cv2.dilate(mask, _disc(int(px)))


def shrink(mask: np.ndarray, px: int) -> np.ndarray:
    """Move the edge inwards by `px` pixels."""
    check_mask(mask)
    _check_px(px, "shrink amount")
    if px == 0:
        return mask.copy()
    return cv2.erode(mask, _disc(int(px)), borderType=cv2.BORDER_REPLICATE)


def _blur(mask: np.ndarray, sigma: float) -> np.ndarray:
    size = 2 * int(math.ceil(3 * sigma)) + 1
    return cv2.GaussianBlur(mask, (size, size), sigma, borderType=cv2.BORDER_REPLICATE)


def feather(mask: np.ndarray, radius: float) -> np.ndarray:
    """Soften the edge over about `radius` pixels (a Gaussian blur of the mask)."""
    check_mask(mask)
    _check_px(radius, "feather radius")
    if radius == 0:
        return mask.copy()
    return _blur(mask, radius / 2.0)


def smooth(mask: np.ndarray, radius: float) -> np.ndarray:
    """Round off jagged outlines and specks smaller than about `radius`, keeping a crisp
    (about 1.5 px, anti-aliased) edge: blur, then steepen the ramp back around the midpoint."""
    check_mask(mask)
    _check_px(radius, "smoothing radius")
    if radius == 0:
        return mask.copy()
    sigma = radius / 2.0
    blurred = _blur(mask, sigma).astype(np.float32)
    # After a blur of sigma the edge ramp is about 2.5 sigma wide; bring it back to ~1.5 px.
    gain = max(1.0, 2.5 * sigma / 1.5)
    out = (blurred - 127.5) * gain + 127.5
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
