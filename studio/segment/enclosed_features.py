"""What a white region the figure encloses looks like, as numbers a small classifier reads.

The network sees a picture at 256 and 384 px through a window narrower than a large region, and
on clean paper a hole and white paint are the same pixels. What is left to tell them apart is
the region's place in the figure: a clock's face holds its hands and ticks, a cloud's white
body is most of the figure inside one thin outline, while a ring's hole sits inside a broad
band of paint and a gap between a ladder's rungs is a small part of it. `region_features`
measures those, beside the network's own opacity and what the paper tells
(`enclosed_classifier` decides from them). `enclosed_white` reads two of them itself, what a
region walls in (`walled_in`) and the band round it (`band_width`).
"""

from __future__ import annotations

from dataclasses import dataclass

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
# `walled_in`, given the network's opacity: a piece counts when its mean opacity is at least
# this. Drawn pieces (a clock's hands, a coconut's water, a flag's disc) measured 0.8-0.98 on
# the validation pictures looked at; a soft shadow cast into the gap between two lungs, 0.51.
FIRM_ISLAND = 0.75
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
    surround = Surround.measure(rgb, labels)
    open_paper, figure_area, to_open = surround.open_paper, surround.figure_area, surround.to_open
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    paper = Paper.measure(rgb)
    paper_colour = paper.field.reshape(-1, 3).mean(axis=0)
    paper_level = float((255.0 - paper_colour).max())
    paper_grain = max(paper.noise, 0.3)
    offset = rgb.astype(np.float32) - paper.field
    rows = []
    pad = max(2, round((RING + 2) * scale))
    square = np.ones((3, 3), np.uint8)
    boxes = region_boxes(labels, wanted, pad)
    for label, box in zip(wanted, boxes, strict=True):
        top, bottom, left, right = box[0].start, box[0].stop, box[1].start, box[1].stop
        region = labels[box] == label
        filled, islands = walled_in(region, scale)
        ring = cv2.dilate(region.astype(np.uint8), square, iterations=max(1, round(RING * scale)))
        ring = ring.astype(bool) & ~filled & ~open_paper[box]
        band = band_width(region, to_open[box])
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
                islands,
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


@dataclass(frozen=True)
class Surround:
    """What lies round the enclosed regions of a picture."""

    open_paper: np.ndarray  # (H,W) bool: paper joined to the border, less the enclosed regions
    figure_area: int  # pixels of everything else: the figure and the regions it encloses
    to_open: np.ndarray  # (H,W) float32: distance to the open paper (the picture's size if none)

    @classmethod
    def measure(cls, rgb: np.ndarray, labels: np.ndarray) -> Surround:
        """For picture `rgb` (H,W,3 uint8) and its enclosed regions `labels` (H,W int32)."""
        # The near-paper pixels joined to the border, less the regions the figure encloses
        # together with the border.
        open_paper = contour.background_prior(rgb) & (labels == 0)
        if open_paper.any():
            to_open = cv2.distanceTransform((~open_paper).astype(np.uint8), cv2.DIST_L2, 3)
        else:
            to_open = np.full(labels.shape, float(max(labels.shape)), np.float32)
        return cls(open_paper, max(1, int((~open_paper).sum())), to_open)


def band_width(region: np.ndarray, to_open: np.ndarray) -> float:
    """The median width (pixels) of the figure between `region` (H,W bool) and the open paper,
    from the distance to it `to_open` (H,W, `Surround.to_open` over the same box)."""
    outline = region & ~cv2.erode(region.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return float(np.median(to_open[outline])) if outline.any() else 0.0


def region_boxes(labels: np.ndarray, wanted: np.ndarray, pad: int) -> list[tuple[slice, slice]]:
    """The box of each label `wanted` of `labels` (H,W int32), `pad` pixels wider on every side
    where the picture allows: wide enough that what surrounds the region joins the box's edge."""
    height, width = labels.shape
    ys, xs = np.nonzero(labels)
    found = labels[ys, xs]
    count = int(labels.max()) + 1
    top = np.full(count, height)
    left = np.full(count, width)
    bottom = np.zeros(count, np.int64)
    right = np.zeros(count, np.int64)
    np.minimum.at(top, found, ys)
    np.minimum.at(left, found, xs)
    np.maximum.at(bottom, found, ys)
    np.maximum.at(right, found, xs)
    return [
        (
            slice(max(0, int(top[k]) - pad), min(height, int(bottom[k]) + pad + 1)),
            slice(max(0, int(left[k]) - pad), min(width, int(right[k]) + pad + 1)),
        )
        for k in wanted
    ]


def walled_in(
    region: np.ndarray, scale: float, opacity: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """(what `region` (H,W bool, in a box wider than it) walls in, itself included, (H,W) bool;
    the share of that taken by other things): figure inside it in pieces of at least
    `MIN_ISLAND` pixels (at 512 px, `scale` times the side). A clock's face holds its hands, a
    coconut's white flesh the water; a hole rarely has figure floating inside it. With the
    network's `opacity` over the same box, only pieces it keeps firmly count (mean at least
    `FIRM_ISLAND`): a soft shadow cast into a hole is a piece it doubts."""
    filled = _filled(region)
    return filled, _islands(filled & ~region, scale, opacity) / max(1, int(filled.sum()))


def _filled(region: np.ndarray) -> np.ndarray:
    """`region` (H,W bool) with its holes filled: everything its outline encloses."""
    outside = contour.border_connected(~region)
    return ~outside


def _islands(inside: np.ndarray, scale: float, opacity: np.ndarray | None = None) -> int:
    """Pixels of `inside` (H,W bool: what a region's outline encloses that is not the region)
    in pieces of at least `MIN_ISLAND` pixels (at 512 px), only those the network's `opacity`
    (H,W) keeps firmly when given (`walled_in`)."""
    if not inside.any():
        return 0
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        inside.astype(np.uint8), connectivity=8
    )
    sizes = stats[1:, cv2.CC_STAT_AREA]
    counted = sizes >= MIN_ISLAND * scale * scale
    if opacity is not None:
        total = np.bincount(labels.ravel(), weights=opacity.ravel(), minlength=count)
        counted &= total[1:] >= FIRM_ISLAND * sizes
    return int(sizes[counted].sum())


def roundness(region: np.ndarray) -> float:
    """4 pi area / perimeter^2 of `region` (H,W bool) by its outer outline: about 0.9 for a
    disc as pixels, lower for long or ragged shapes."""
    outlines, _ = cv2.findContours(
        region.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE
    )
    perimeter = sum(cv2.arcLength(outline, True) for outline in outlines)
    return float(4.0 * np.pi * region.sum() / max(perimeter, 1.0) ** 2)
