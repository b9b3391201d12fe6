"""Holes in a cut-out that cannot be the paper, because they are brighter than it.

A hole the figure encloses shows the paper it was drawn on: the paper's colour and grain,
perhaps darkened by a soft cast shadow, perhaps with less red where Emojich leaves its faint
cyan blotches. None of these is brighter than the paper in any channel. A region the cut-out
leaves transparent inside the figure whose pixels are mostly brighter than the paper in some
channel is therefore paint the network dropped: the white highlight of a ball, a pale-green
glint on tinted paper. It is made opaque.

On pure white paper nothing is brighter and the rule finds nothing; on Emojich's paper
(253, 252, 252) white paint is 2-3 levels brighter, within the margin below, which is per
pixel; `whiter_paint` measures such paint over whole regions instead, where the median is
precise enough.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.channels import channel_max

# Transparent in the cut-out: below this opacity (0..255).
CLEAR_ALPHA = 128
# Brighter than the fitted paper by at least this many levels in some channel (after a 3x3
# median), or this many times the border's noise when that is larger: the decoder's ringing
# next to an outline lifts a few pixels of the paper by about that much.
LIFT_LEVELS = 6.0
LIFT_NOISE_FACTOR = 3.0
# A hole is paint when at least this share of its pixels is that much brighter than the paper.
PAINT_SHARE = 0.5
# Holes smaller than this (pixels at 512 px) are left as they are: a few pixels between
# strokes are the outline's own anti-aliasing as often as paint.
MIN_AREA = 12


def paint_holes(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(H,W) bool: the enclosed transparent regions of cut-out `mask` (H,W uint8) on picture
    `rgb` (H,W,3 uint8) that are brighter than the paper (module docstring)."""
    height, width = rgb.shape[:2]
    none = np.zeros((height, width), dtype=bool)
    field, noise = contour.background_field(rgb)
    if field.min() < 150:  # no light paper on the border to compare with
        return none
    smooth = cv2.medianBlur(np.ascontiguousarray(rgb), 3).astype(np.float32)
    lift = channel_max(smooth - field)
    brighter = lift >= max(LIFT_LEVELS, LIFT_NOISE_FACTOR * noise)
    clear = (mask < CLEAR_ALPHA).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(clear, connectivity=4)
    if count <= 2:  # at most the open background: nothing enclosed
        return none
    on_border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    scale = max(height, width) / 512.0
    big_enough = stats[:, cv2.CC_STAT_AREA] >= max(4, round(MIN_AREA * scale * scale))
    bright_count = np.bincount(labels[brighter], minlength=count)
    paint = big_enough & (bright_count >= PAINT_SHARE * stats[:, cv2.CC_STAT_AREA])
    paint[0] = False  # label 0: the opaque figure
    paint[on_border] = False  # joined to the border: the open paper, not a hole
    return paint[labels]
