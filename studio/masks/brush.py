"""Brush and eraser: anti-aliased round strokes with a hardness, painted segment by segment.

Coordinates are image pixels as floats with pixel (i, j)'s centre at (i + 0.5, j + 0.5), the way
a canvas maps the mouse. A stroke is painted as a chain of segments (previous mouse position to
the new one); each segment is a capsule (a line swept by a disc), so a fast mouse leaves a
continuous line without gaps. Coverage combines with `max` (brush) or `min` (eraser), so a
segment painted twice does not darken: overlapping capsules of one stroke give an even line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio.masks.errors import MaskError
from studio.masks.geometry import Box, check_mask

Point = tuple[float, float]


@dataclass(frozen=True)
class Brush:
    """A round tool. `size` is the diameter in image pixels; `hardness` 1.0 is a crisp edge
    (still anti-aliased over one pixel), 0.0 fades from the centre to the rim."""

    size: float = 24.0
    hardness: float = 0.8
    erase: bool = False

    def __post_init__(self) -> None:
        if not (self.size > 0 and math.isfinite(self.size)):
            raise MaskError(f"The brush size must be a positive number of pixels, not {self.size}.")
        if not (0.0 <= self.hardness <= 1.0):
            raise MaskError(f"The brush hardness must be between 0 and 1, not {self.hardness}.")

    @property
    def radius(self) -> float:
        return self.size / 2.0

    @property
    def reach(self) -> int:
        """How far from the stroke line the brush can change a pixel (its dirty margin)."""
        return int(math.ceil(self.radius + 1.0))


def segment_box(p0: Point, p1: Point, brush: Brush) -> Box:
    """The pixels a segment may touch (before clipping to the image)."""
    reach = brush.reach
    return Box(
        int(math.floor(min(p0[0], p1[0]))) - reach,
        int(math.floor(min(p0[1], p1[1]))) - reach,
        int(math.floor(max(p0[0], p1[0]))) + reach + 1,
        int(math.floor(max(p0[1], p1[1]))) + reach + 1,
    )


def segment_coverage(box: Box, p0: Point, p1: Point, brush: Brush) -> np.ndarray:
    """Coverage 0..255 (uint8, shape (box.height, box.width)) of one capsule over `box`."""
    # Distances from each pixel centre to the segment, computed separably enough to stay cheap:
    # (h, 1) rows and (1, w) columns broadcast to (h, w) only once.
    ys = (np.arange(box.y0, box.y1, dtype=np.float32) + 0.5)[:, None] - np.float32(p0[1])
    xs = (np.arange(box.x0, box.x1, dtype=np.float32) + 0.5)[None, :] - np.float32(p0[0])
    vx, vy = np.float32(p1[0] - p0[0]), np.float32(p1[1] - p0[1])
    length2 = float(vx * vx + vy * vy)
    if length2 < 1e-12:
        dist2 = xs * xs + ys * ys
    else:
        t = (xs * vx + ys * vy) * np.float32(1.0 / length2)
        np.clip(t, 0.0, 1.0, out=t)
        dx = xs - t * vx
        dy = ys - t * vy
        dist2 = dx * dx + dy * dy
    dist = np.sqrt(dist2, out=dist2)  # (h, w)
    radius = brush.radius
    # The soft rim: at least one pixel wide (anti-aliasing), wider as hardness drops.
    rim = max(1.0, radius * (1.0 - brush.hardness))
    alpha = (np.float32(radius + 0.5) - dist) * np.float32(1.0 / rim)
    np.clip(alpha, 0.0, 1.0, out=alpha)
    if rim > 1.0:
        alpha = alpha * alpha * (3.0 - 2.0 * alpha)  # smoothstep: no visible ring at the rim
    return (alpha * 255.0 + 0.5).astype(np.uint8)


def paint_segment(mask: np.ndarray, p0: Point, p1: Point, brush: Brush) -> Box | None:
    """Paint (or erase) one stroke segment into `mask` in place.

    Returns the box of pixels that may have changed (clipped to the mask), or None when the
    segment lies wholly outside. This is the editor's hot path: it touches only that box.
    """
    check_mask(mask)
    h, w = mask.shape
    box = segment_box(p0, p1, brush).clipped(w, h)
    if box.empty:
        return None
    coverage = segment_coverage(box, p0, p1, brush)
    region = mask[box.slices]
    if brush.erase:
        np.minimum(region, 255 - coverage, out=region)
    else:
        np.maximum(region, coverage, out=region)
    return box


def paint_stroke(mask: np.ndarray, points: list[Point], brush: Brush) -> Box | None:
    """Paint a whole polyline in place (a dab when it has one point); returns the dirty box."""
    if not points:
        return None
    dirty: Box | None = None
    pairs = list(zip(points, points[1:], strict=False)) or [(points[0], points[0])]
    for a, b in pairs:
        box = paint_segment(mask, a, b, brush)
        if box is not None:
            dirty = box.union(dirty)
    return dirty
