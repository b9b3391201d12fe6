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
# The wand's soft edge (`_soft_edge`): the other colour of an anti-aliased edge pixel is looked
# for this far from it (pixels), past the edge, ...
_EDGE_REACH = 3
# ... and an edge pixel counts as a mix of the two colours when it lies within the wand's
# tolerance, and at least this many levels, of the line between them (JPEG noise).
_MIX_TOLERANCE = 12
# Pixel indices below this fit under the distance in one float64 key (`_soft_edge`).
_INDEX_SPAN = 1 << 24


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
    antialias: bool = True,
) -> np.ndarray:
    """A new mask with the wand's colour selection added (or subtracted); `antialias`: with its
    soft edge (`_soft_edge`), so that taking out a filled hole leaves no light rim."""
    check_mask(mask)
    check_same_size(mask, image)
    selection = wand_selection(image, point, tolerance, contiguous)
    if antialias:
        rgb = check_rgb(image)
        x, y = point_in_mask(rgb[:, :, 0], point)
        selection = _soft_edge(rgb, selection, rgb[y, x], tolerance)
    return combine(mask, selection, how)


def _soft_edge(
    rgb: np.ndarray, selection: np.ndarray, seed: np.ndarray, tolerance: int
) -> np.ndarray:
    """`selection` (H,W uint8 0/255) with its edge, one pixel either side, selected by how much
    of the clicked colour `seed` each edge pixel holds.

    A drawn outline is anti-aliased: the pixels between a white hole and its black outline are
    greys, most too far from white for the wand, and a hole taken out with a hard wand keeps
    them as a light ring on a dark chat. Each edge pixel is read as a mix of the seed colour and
    the most different colour up to `_EDGE_REACH` px away beyond the edge,
    I = s * seed + (1 - s) * other, and selected s * 255. An edge pixel that is no such mix (a
    shade of its own) keeps the hard selection."""
    square = np.ones((3, 3), np.uint8)
    inside = (selection > 0).astype(np.uint8)
    grown = cv2.dilate(inside, square) > 0
    edge = grown & ~(cv2.erode(inside, square, borderType=cv2.BORDER_REPLICATE) > 0)
    ys, xs = np.nonzero(edge)
    if len(ys) == 0 or edge.size >= _INDEX_SPAN:  # over 16 megapixels: the hard edge
        return selection
    colours = rgb.reshape(-1, 3).astype(np.float32)
    seed = seed.astype(np.float32)
    distance = np.abs(rgb.astype(np.int16) - seed.astype(np.int16)).max(axis=2)
    # The farthest colour beyond the edge within reach, found by one dilation of a key that
    # holds the distance above the pixel's index (exact in float64).
    key = np.where(
        grown,
        -1.0,
        distance * float(_INDEX_SPAN) + np.arange(distance.size).reshape(distance.shape),
    )
    width = 2 * _EDGE_REACH + 1
    farthest_key = cv2.dilate(key, np.ones((width, width), np.uint8))[ys, xs]
    found = farthest_key >= 0
    farthest = np.where(found, np.floor(farthest_key / _INDEX_SPAN), -1.0)
    other = colours[np.where(found, farthest_key % _INDEX_SPAN, 0).astype(np.int64)]
    line = other - seed
    offset = colours[ys * rgb.shape[1] + xs] - seed
    other_share = (offset * line).sum(axis=1) / np.maximum((line * line).sum(axis=1), 1.0)
    off_line = np.abs(offset - other_share[:, None] * line).max(axis=1)
    mixed = (
        (farthest > tolerance)
        & (off_line <= max(tolerance, _MIX_TOLERANCE))
        & (other_share > 0.0)
        & (other_share < 1.0)
    )
    soft = selection.copy()
    soft[ys[mixed], xs[mixed]] = np.round(255.0 * (1.0 - other_share[mixed])).astype(np.uint8)
    return soft
