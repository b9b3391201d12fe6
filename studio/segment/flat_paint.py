"""White paint the network left transparent, told from the paper by its grain.

Emojich's paper at 512 px has a noise of 1-3 levels per channel (`paper_gaps`); flat paint does
not. A pale part of the figure with no outline between it and the paper (a cloud, the inside of
a power symbol drawn white, a rolled newspaper's pale sheet) has nearly the paper's colour, and
the network sometimes drops it whole. Where the paper is grainy, such a part still shows as a
smooth stretch leaning on the figure: pixels whose neighbourhood varies far less than the paper
does. Those stretches are made opaque.

The rule abstains where the paper is not grainy (`paper_gaps.Paper.telling`): clean white or
tinted paper is as smooth as paint, and only the shape tells them apart there.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import contour, paper_gaps
from studio.segment.channels import channel_max, channel_sum

# Transparent in the cut-out: below this opacity (0..255).
CLEAR_ALPHA = 128
# The grain of a pixel's neighbourhood: the mean difference from its 3x3 median over a window
# this wide (pixels at 512 px) ...
WINDOW = 7
# ... is smooth when at most this share of the paper's (the same measure on the border ring).
FLAT_SHARE = 0.4
# The rule holds only where the paper itself is seldom that smooth: at most this share of the
# ring's paper pixels may be. Pure white clips the paper's noise away, and JPEG flattens it in
# whole blocks; there a smooth stretch may as well be the paper.
MAX_SMOOTH_PAPER = 0.02
# A smooth stretch counts when it covers at least this many pixels (at 512 px) ...
MIN_AREA = 200
# ... and this share of the pixels just outside it are the figure (opaque in the cut-out), so
# that a smooth patch of the paper on its own is never taken.
MIN_CONTACT = 0.1
# ... and it is no larger than this many times the figure: paper that happens to be smooth
# round a small figure is not paint.
MAX_FIGURE_RATIO = 3.0


def _local_grain(rgb: np.ndarray, window: int) -> np.ndarray:
    """(H,W) float32: the mean absolute difference from the 3x3 median, averaged over a square
    `window` wide: near 0 on flat paint, about the noise's size on grainy paper."""
    smooth = cv2.medianBlur(np.ascontiguousarray(rgb), 3).astype(np.float32)
    residual = channel_sum(np.abs(rgb.astype(np.float32) - smooth)) / 3  # the channels' mean
    return cv2.blur(residual, (window, window))


def flat_paint(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(H,W) bool: the smooth, paper-coloured stretches that cut-out `mask` (H,W uint8) leaves
    transparent on picture `rgb` (H,W,3 uint8) where they lean on the figure (module docstring)."""
    height, width = rgb.shape[:2]
    none = np.zeros((height, width), dtype=bool)
    paper = paper_gaps.Paper.measure(rgb)
    if not paper.telling():
        return none
    scale = max(height, width) / 512.0
    window = max(3, round(WINDOW * scale) | 1)
    grain = _local_grain(rgb, window)
    # The paper's grain by the same measure, on a ring just inside the border (every window
    # wholly on the picture).
    inner = window // 2 + 1
    outer = inner + paper_gaps.BORDER_RING
    ring = np.zeros((height, width), dtype=bool)
    ring[inner:-inner, inner:-inner] = True
    ring[outer:-outer, outer:-outer] = False
    offsets = rgb.astype(np.float32) - paper.field
    near = channel_max(np.abs(offsets)) <= paper_gaps.NEAR_PAPER_LEVELS
    if (ring & near).sum() < paper_gaps.MIN_CORE:
        return none
    paper_grain = float(np.median(grain[ring & near]))
    flat = grain <= FLAT_SHARE * paper_grain
    if flat[ring & near].mean() > MAX_SMOOTH_PAPER:
        return none
    figure = mask >= CLEAR_ALPHA
    smooth = (~figure & near & flat).astype(np.uint8)
    square = np.ones((3, 3), np.uint8)
    smooth = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, square)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(smooth, connectivity=4)
    if count <= 1:
        return none
    area = stats[:, cv2.CC_STAT_AREA]
    keep = (
        (area >= max(16, round(MIN_AREA * scale * scale)))
        & contour.leans_on(smooth, labels, count, figure, MIN_CONTACT)
        & (area <= MAX_FIGURE_RATIO * max(1, int(figure.sum())))
    )
    keep[0] = False
    found = keep[labels]
    # One pixel wider: the window's average leaves the stretch's last pixel out.
    return (cv2.dilate(found.astype(np.uint8), square) > 0) & ~figure & near
