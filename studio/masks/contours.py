"""Contours of a mask at a threshold, with their hierarchy, and one-click keep / drop.

Depth 0 contours are the outlines of shapes, depth 1 the holes in them, depth 2 islands inside
those holes, and so on: even depth = shape, odd depth = hole. Dropping a shape clears its pixels
(with their soft rim); dropping a hole fills it. Keeping a shape clears every other shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from studio.masks.errors import MaskError
from studio.masks.geometry import DEFAULT_THRESHOLD, Box, check_mask

# How far (px) the soft rim of a shape reaches past its thresholded pixels.
_RIM = 2


@dataclass(frozen=True)
class Contour:
    """One outline. `points` is (N, 2) int32 of (x, y) pixel indices, in order along it."""

    index: int
    points: np.ndarray
    parent: int | None
    children: tuple[int, ...]
    depth: int
    area: float
    box: Box

    @property
    def is_hole(self) -> bool:
        return self.depth % 2 == 1

    def contains(self, point: tuple[float, float]) -> bool:
        """Whether an image point (pixel centres at +0.5) lies inside or on this outline."""
        pts = self.points.reshape(-1, 1, 2)
        inside = cv2.pointPolygonTest(pts, (point[0] - 0.5, point[1] - 0.5), False)
        return inside >= 0


def binarize(mask: np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """(H, W) uint8 of 0/1: pixels at or above `threshold`."""
    check_mask(mask)
    if not (1 <= int(threshold) <= 255):
        raise MaskError(f"The contour threshold must be between 1 and 255, not {threshold}.")
    return (mask >= threshold).astype(np.uint8)


def find_contours(mask: np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> list[Contour]:
    """Every outline of the mask thresholded at `threshold`, with parents and depths."""
    binary = binarize(mask, threshold)
    found, hierarchy = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None or not found:
        return []
    links = hierarchy.reshape(-1, 4)  # (N, [next, previous, first_child, parent])
    depths: list[int] = []
    for i in range(len(found)):
        depth, parent = 0, int(links[i, 3])
        while parent >= 0:
            depth += 1
            parent = int(links[parent, 3])
        depths.append(depth)
    children: dict[int, list[int]] = {i: [] for i in range(len(found))}
    for i in range(len(found)):
        if links[i, 3] >= 0:
            children[int(links[i, 3])].append(i)
    contours = []
    for i, pts in enumerate(found):
        x, y, w, h = cv2.boundingRect(pts)
        contours.append(
            Contour(
                index=i,
                points=pts.reshape(-1, 2).astype(np.int32),
                parent=int(links[i, 3]) if links[i, 3] >= 0 else None,
                children=tuple(children[i]),
                depth=depths[i],
                area=float(cv2.contourArea(pts)),
                box=Box(x, y, x + w, y + h),
            )
        )
    return contours


def contour_at(contours: list[Contour], point: tuple[float, float]) -> Contour | None:
    """The innermost contour around `point` (a hole wins over the shape around it)."""
    best: Contour | None = None
    for contour in contours:
        box = contour.box.grown(1)
        if not (box.x0 <= point[0] <= box.x1 and box.y0 <= point[1] <= box.y1):
            continue  # cheap rejection before the polygon test
        if contour.contains(point) and (best is None or contour.depth > best.depth):
            best = contour
    return best


def _filled(shape: tuple[int, int], contour: Contour) -> np.ndarray:
    region = np.zeros(shape, dtype=np.uint8)
    cv2.drawContours(region, [contour.points.reshape(-1, 1, 2)], -1, 1, thickness=cv2.FILLED)
    return region


def _dilate(region: np.ndarray, px: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * px + 1, 2 * px + 1))
    return cv2.dilate(region, kernel)


def _drop_shape(mask: np.ndarray, contour: Contour, threshold: int) -> np.ndarray:
    binary = binarize(mask, threshold)
    # findContours follows 8-connected shapes, so the shape is its 8-connected component.
    _, labels = cv2.connectedComponents(binary, connectivity=8)
    x, y = contour.points[0]
    component = (labels == labels[y, x]).astype(np.uint8)
    others = binary & (1 - component)
    # The rim: soft pixels below the threshold next to this shape but not next to another one.
    rim = _dilate(component, _RIM) & (1 - binary) & (1 - _dilate(others, _RIM))
    out = mask.copy()
    out[(component | rim).astype(bool)] = 0
    return out


def _fill_hole(mask: np.ndarray, contour: Contour) -> np.ndarray:
    out = mask.copy()
    out[_filled(mask.shape, contour).astype(bool)] = 255
    return out


def drop_contour(
    mask: np.ndarray, contour: Contour, threshold: int = DEFAULT_THRESHOLD
) -> np.ndarray:
    """A new mask without the contour: a shape is cleared (rim included), a hole is filled.

    `contour` must come from `find_contours(mask, threshold)` with the same mask and threshold.
    """
    check_mask(mask)
    if contour.is_hole:
        return _fill_hole(mask, contour)
    return _drop_shape(mask, contour, threshold)


def keep_contour(mask: np.ndarray, contours: list[Contour], contour: Contour) -> np.ndarray:
    """A new mask with only this shape (and whatever lies inside its outline); a hole keeps the
    shape around it."""
    check_mask(mask)
    while contour.is_hole and contour.parent is not None:
        contour = contours[contour.parent]
    keep = _dilate(_filled(mask.shape, contour), _RIM)
    return mask * keep


def contour_polylines(contours: list[Contour]) -> list[np.ndarray]:
    """Each contour as a closed (N, 2) float32 polyline through pixel centres, for drawing."""
    return [c.points.astype(np.float32) + 0.5 for c in contours]


def drop_contour_at(
    mask: np.ndarray, point: tuple[float, float], threshold: int = DEFAULT_THRESHOLD
) -> np.ndarray | None:
    """One click: drop the innermost shape (or fill the hole) under `point`; None when the
    point is on no contour."""
    contour = contour_at(find_contours(mask, threshold), point)
    return None if contour is None else drop_contour(mask, contour, threshold)


def keep_contour_at(
    mask: np.ndarray, point: tuple[float, float], threshold: int = DEFAULT_THRESHOLD
) -> np.ndarray | None:
    """One click: keep only the shape under `point`; None when the point is on no contour."""
    contours = find_contours(mask, threshold)
    contour = contour_at(contours, point)
    return None if contour is None else keep_contour(mask, contours, contour)
