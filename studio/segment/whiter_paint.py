"""White paint the cut-out dropped, told from grainy paper by being whiter than it.

White paint on Emojich's paper (253, 252, 252) is 2-3 levels whiter than the paper in every
channel. Where a flat stretch of it has no outline of its own against the paper colour (an
OpenMoji flag's white field inside its black outline, the white of a figure cut by the
picture's border), the network cannot see the difference and often drops it, wholly or in
part. Per pixel a difference of two levels drowns in the paper's grain, so `paint_holes` asks
for 6; over a whole region the median is precise to a fraction of a level. A region of paper
colour whose median is whiter than the paper in every channel by more than `paper_gaps` allows
a gap showing the paper to differ is therefore paint, and is made wholly opaque.
It is the same measurement as `paper_gaps`, read the other way round: nothing that shows the
paper is whiter than the paper (a cast shadow darkens it, Emojich's faint blotches take red
away).

Paper within a level or two of pure white leaves no room for that margin: white paint is at
255, where a pixel cannot be whiter, so it is less than the margin above the paper. A region
whose median is 255 in every channel, on paper at least `CLIPPED_MARGIN` below it, is paint
too: the paper's own grain puts a majority of a region's pixels at 255 in every channel only
where the paper is within about half a level of white.

Like `paper_gaps`, the rule acts only on paper grainy enough to measure (`Paper.telling`): on
flat paper the decoder's ringing next to an outline lifts a small hole's pixels by a few
levels, which a flat paper cannot tell from paint. There the network's decision stands.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.paper_gaps import Paper, border_ring, region_cores

# Paper at least this far (levels, in every channel) below pure white, where white paint is
# told from it by reaching 255 rather than by the full margin.
CLIPPED_MARGIN = 0.75
WHITEST = 255.0


def whiter_paint(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(H,W) bool: the paper-coloured regions of picture `rgb` (H,W,3 uint8) that are whiter
    than the paper (module docstring), with a one-pixel rim, where cut-out `mask` (H,W uint8)
    leaves any of them transparent."""
    height, width = rgb.shape[:2]
    none = np.zeros((height, width), dtype=bool)
    paper = Paper.measure(rgb)
    if not paper.telling():
        return none
    near = contour.near_background(rgb, contour.DEFAULT_TOLERANCE).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(near, connectivity=4)
    if count <= 2:  # at most the open paper
        return none
    on_ring = np.bincount(labels[border_ring((height, width))], minlength=count)
    on_ring[0] = 0
    open_paper = int(on_ring.argmax())  # the region holding most of the border's paper
    clear = np.bincount(labels.ravel(), weights=(mask < 255).ravel(), minlength=count)
    scale = max(height, width) / 512.0
    wanted = clear > 0  # left transparent somewhere by the cut-out
    wanted[open_paper] = False
    paint = np.zeros(count, dtype=bool)
    for label, box, core in region_cores(labels, stats, scale, wanted):
        paint[label] = whiter_than_paper(paper, rgb[box][core], paper.field[box][core])
    if not paint.any():
        return none
    found = paint[labels].astype(np.uint8)
    return cv2.dilate(found, np.ones((3, 3), np.uint8)).astype(bool)


def whiter_than_paper(paper: Paper, colours: np.ndarray, field: np.ndarray) -> bool:
    """Whether a region whose core has colours `colours` (N,3 uint8) over `paper`, whose fitted
    colour there is `field` (N,3), is white paint by its colour: its median whiter than the
    paper in every channel by more than `paper_gaps` lets a gap differ from it, or at 255 in
    every channel on paper clearly below that. Nothing showing the paper is whiter than it."""
    colours = colours.astype(np.float32)
    whiter = float(np.median(colours - field, axis=0).min()) >= paper.colour_tolerance()
    # As white as a pixel can be, on paper clearly below it.
    clipped = (
        float(np.median(colours, axis=0).min()) >= WHITEST
        and float(np.median(field, axis=0).max()) <= WHITEST - CLIPPED_MARGIN
    )
    return whiter or clipped
