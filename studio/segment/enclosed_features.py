"""What a white region the figure encloses looks like, as numbers a small classifier reads.

The network sees a picture at 256 and 384 px through a window narrower than a large region, and
on clean paper a hole and white paint are the same pixels. What is left to tell them apart is
the region's place in the figure: a clock's face holds its hands and ticks, a cloud's white
body is most of the figure inside one thin outline, while a ring's hole sits inside a broad
band of paint and a gap between a ladder's rungs is a small part of it. `region_features`
measures those, beside the network's own opacity and what the paper tells
(`enclosed_classifier` decides from them).
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.paper_gaps import Paper, grain, region_core

FEATURE_NAMES = (
    "opacity",  # the network's mean opacity over the region
    "log_area",  # log of the region's area, in pixels at 512 px
    "figure_share",  # its area over the figure's (everything but the open paper)
    "islands",  # share of the region's outline-filled area taken by figure inside it
    "roundness",  # 4 pi area / perimeter^2
    "band",  # log of the median width of the figure between it and the open paper (512 px)
    "outline_dark",  # how dark the figure just round it is (0 white .. 1 black)
    "offset",  # its median colour less the paper's, mean over RGB (levels; white paint > 0)
    "grain_ratio",  # its grain over the paper's
    "paper_level",  # how far the paper is from pure white (levels, largest channel)
    "paper_grain",  # the paper's grain (levels)
    "on_border",  # whether the picture's border cuts it
)
# Regions smaller than this (pixels at 512 px) are left to the network's opacity: their rim is
# most of them and they weigh little in any cut-out.
MIN_AREA = 40
# Figure inside a region counts as an island from this many pixels (at 512 px): smaller bits
# are the paper's own specks and blotches just outside the colour tolerance.
MIN_ISLAND = 12
# The figure round a region is measured on a ring this wide (pixels at 512 px).
RING = 3


def region_opacity(
    labels: np.ndarray, count: int, probability: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(area, the network's mean opacity) of each label of `labels` (H,W int32, `count`
    labels) under its opacity `probability` (H,W float at the picture's size)."""
    area = np.bincount(labels.ravel(), minlength=count)
    opacity = np.bincount(labels.ravel(), weights=probability.ravel(), minlength=count)
    return area, opacity / np.maximum(area, 1)


def region_features(
    rgb: np.ndarray, labels: np.ndarray, area: np.ndarray, opacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(numbers (K, len(FEATURE_NAMES)) float32, their labels (K,) int) for the regions of
    `labels` (H,W int32 from `contour.enclosed_paper`, 0 for the rest) at least `MIN_AREA`
    large, on picture `rgb` (H,W,3 uint8), with each label's `area` and the network's mean
    `opacity` over it (`region_opacity`)."""
    height, width = rgb.shape[:2]
    scale = max(height, width) / 512.0
    wanted = np.flatnonzero(area >= MIN_AREA * scale * scale)
    wanted = wanted[wanted > 0]
    if len(wanted) == 0:
        return np.zeros((0, len(FEATURE_NAMES)), np.float32), wanted
    # The open paper: near-paper pixels joined to the border, less the regions the figure
    # encloses together with the border.
    open_paper = contour.background_prior(rgb) & (labels == 0)
    figure_area = max(1, int((~open_paper).sum()))
    # Distance from every pixel to the open paper, through the figure and the enclosed regions
    # (the picture's size where there is none).
    if open_paper.any():
        to_open = cv2.distanceTransform((~open_paper).astype(np.uint8), cv2.DIST_L2, 3)
    else:
        to_open = np.full(labels.shape, float(max(height, width)), np.float32)
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    paper = Paper.measure(rgb)
    paper_colour = paper.field.reshape(-1, 3).mean(axis=0)
    paper_level = float((255.0 - paper_colour).max())
    paper_grain = max(paper.noise, 0.3)
    offset = rgb.astype(np.float32) - paper.field
    rows = []
    pad = max(2, round((RING + 2) * scale))
    square = np.ones((3, 3), np.uint8)
    for label in wanted:
        ys, xs = np.nonzero(labels == label)
        top, bottom = max(0, ys.min() - pad), min(height, ys.max() + pad + 1)
        left, right = max(0, xs.min() - pad), min(width, xs.max() + pad + 1)
        box = (slice(top, bottom), slice(left, right))
        region = labels[box] == label
        filled = _filled(region)
        islands = _islands(filled & ~region, scale)
        ring = cv2.dilate(region.astype(np.uint8), square, iterations=max(1, round(RING * scale)))
        ring = ring.astype(bool) & ~filled & ~open_paper[box]
        outline = region & ~cv2.erode(region.astype(np.uint8), square).astype(bool)
        band = float(np.median(to_open[box][outline])) if outline.any() else 0.0
        core = region_core(region, scale)
        values = offset[box][core] if core is not None else offset[box][region]
        on_border = (
            (top == 0 and region[0].any())
            or (bottom == height and region[-1].any())
            or (left == 0 and region[:, 0].any())
            or (right == width and region[:, -1].any())
        )
        rows.append(
            (
                opacity[label],
                np.log(area[label] / (scale * scale)),
                area[label] / figure_area,
                islands / max(1, int(filled.sum())),
                roundness(region),
                np.log1p(band / scale),
                1.0 - float(grey[box][ring].mean()) / 255.0 if ring.any() else 0.0,
                float(np.median(values, axis=0).mean()),
                grain(values) / paper_grain,
                paper_level,
                paper_grain,
                float(bool(on_border)),
            )
        )
    return np.asarray(rows, np.float32), wanted


def _filled(region: np.ndarray) -> np.ndarray:
    """`region` (H,W bool) with its holes filled: everything its outline encloses."""
    outside = contour.border_connected(~region)
    return ~outside


def _islands(inside: np.ndarray, scale: float) -> int:
    """Pixels of `inside` (H,W bool: what a region's outline encloses that is not the region)
    in pieces of at least `MIN_ISLAND` pixels (at 512 px)."""
    if not inside.any():
        return 0
    count, _, stats, _ = cv2.connectedComponentsWithStats(inside.astype(np.uint8), connectivity=8)
    sizes = stats[1:, cv2.CC_STAT_AREA]
    return int(sizes[sizes >= MIN_ISLAND * scale * scale].sum())


def roundness(region: np.ndarray) -> float:
    """4 pi area / perimeter^2 of `region` (H,W bool) by its outer outline: about 0.9 for a
    disc as pixels, lower for long or ragged shapes."""
    outlines, _ = cv2.findContours(
        region.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE
    )
    perimeter = sum(cv2.arcLength(outline, True) for outline in outlines)
    return float(4.0 * np.pi * region.sum() / max(perimeter, 1.0) ** 2)
