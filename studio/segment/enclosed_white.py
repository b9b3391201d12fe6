"""White regions the figure encloses: kept whole, and flagged for review when the network was
unsure of one it kept.

A flat region of the paper's colour inside the figure (`contour.enclosed_paper`) is all paint or
all hole, never half of each: an eye, a tooth, a highlight, or a ring's hole, the paper between
a ladder's rungs. The network decides which, and the region is made wholly opaque when it mostly
keeps it; a half-kept eye is the worst cut-out there is, and the network alone is least sure
exactly there, on white paint the very colour of the paper. Regions it mostly drops stay as cut:
making them wholly transparent too measured no better on the validation sample (it cost
OpenMoji white recall). Two regions it drops are kept whole all the same, by where they lie in
the figure (the model card, "White the figure floats in or a thin outline frames"): one that
walls in part of the figure (a clock's face holds its hands, a coconut's white flesh its water;
figure floating inside a hole is rare), and one that is most of the figure inside a thin frame
(a cloud's white inside its outline; a figure that is mostly a hole in a thin frame is rare).

Where the paper is clean, nothing in the picture tells a hole from white paint (the model card,
"White the figure and the border enclose"): the two overlap in colour, grain, shape and in the
network's own opacity. A large region kept with an opacity short of `UNSURE_OPACITY` is where
most filled holes are (the zeros of a "100", a ring's inside), so the cut-out is flagged for a
person to look at once; the editor's magic wand takes a filled hole out in one click. A region
whiter than the paper is paint whatever the network thought (`whiter_paint.whiter_than_paper`:
nothing showing the paper is whiter than it) and is not flagged. That holds on flat paper too
at this size: the decoder's ringing that lifts a small hole's pixels is at its rim, and the
region is measured inside it.

A large region the finished cut-out leaves half opaque (`HALF_CUT`) is wrong whichever it is,
so that cut-out is flagged too: the network dropped it mottled and no rule decided it (a
no-smoking sign's white field), or a later step cleared part of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.enclosed_classifier import EnclosedClassifier
from studio.segment.enclosed_features import (
    MIN_AREA,
    Surround,
    band_width,
    region_boxes,
    region_features,
    region_opacity,
    roundness,
    walled_in,
)
from studio.segment.paper_gaps import Paper, region_core
from studio.segment.whiter_paint import whiter_than_paper

# A region is kept whole when the network's mean opacity over it is at least this ...
KEEP_OPACITY = 0.5
# ... or when at least this share of what it walls in (itself included) is figure inside it
# (`enclosed_features.walled_in`), and it is at least `enclosed_features.MIN_AREA` large. On
# training-split pictures (11,511 regions), of the regions the network drops 30 wall in this
# much (every piece counted); 29 are paint.
WALLED_IN_SHARE = 0.05
# ... or when it is at least this share of the figure (the regions it encloses included) and
# the figure between it and the open paper is at most `FRAME_WIDTH` pixels wide (at 512 px,
# median along its outline): a cloud's inside in its outline. A figure that is mostly a hole
# in a thin frame is rare. On the training-split regions, 7 the network drops are so, all paint.
FRAMED_SHARE = 0.3
FRAME_WIDTH = 20.0
# A kept region is flagged when the network's mean opacity over it is below this, it is at
# least `UNSURE_AREA` pixels (at 512 px), and it is round enough (`roundness`): the filled holes
# measured were mostly insides of rings and loops, while much of the white paint the network
# doubts is long or ragged (a collar, a highlight along an edge). Measured in the model card,
# "White regions the network was unsure of".
UNSURE_OPACITY = 0.85
UNSURE_AREA = 1000
MIN_ROUNDNESS = 0.5
# How the review notes end; the mask editor looks for them to say how to fix such a region.
MAY_BE_SEE_THROUGH = "that may be see-through"
HALF_CUT_OUT = "half cut out"
# Still counted as kept at the end when this share of the region is opaque in the cut-out (a
# later step, the paper-gap rule, may clear it).
STILL_KEPT = 0.5
# A region of at least `UNSURE_AREA` pixels with this share of it opaque in the finished
# cut-out is half cut, and the cut-out is flagged. On the five validation samples (4,500
# pictures, the model card's "Enclosed white left half cut out") such regions were 21-49% opaque
# and wrong by that much or more whichever they were: 7 cut-outs, 3 of them failures no other
# note flagged.
HALF_CUT = (0.2, 0.8)


@dataclass(frozen=True)
class EnclosedWhite:
    """The enclosed white regions of one picture as the network decided them."""

    paint: np.ndarray  # (H,W) bool: regions kept whole, and their rims, to be made opaque
    unsure: np.ndarray  # (H,W) int32: each kept region the network was unsure of, 0 elsewhere
    large: np.ndarray  # (H,W) int32: each region of at least `UNSURE_AREA` px, 0 elsewhere

    def review(self, mask: np.ndarray) -> str | None:
        """A note for review when an unsure region is still opaque in the finished cut-out
        `mask` (H,W uint8), or a large region is half cut in it; None when neither."""
        opaque = mask >= 128
        unsure = _opaque_shares(self.unsure, opaque)
        kept = int((unsure >= STILL_KEPT).sum())
        # A region already noted as kept unsure is not counted again as half cut.
        half = _opaque_shares(np.where(self.unsure > 0, 0, self.large), opaque)
        halved = int(((half >= HALF_CUT[0]) & (half <= HALF_CUT[1])).sum())
        notes = []
        if kept:
            noun = "region" if kept == 1 else "regions"
            notes.append(f"kept {kept} enclosed white {noun} {MAY_BE_SEE_THROUGH}")
        if halved:
            noun = "region" if halved == 1 else "regions"
            notes.append(f"left {halved} enclosed white {noun} {HALF_CUT_OUT}")
        return "; ".join(notes) or None


def _opaque_shares(labels: np.ndarray, opaque: np.ndarray) -> np.ndarray:
    """The share of each region of `labels` (H,W int32, 0: none; numbers may be missing) that
    is `opaque` (H,W bool), one per region present."""
    area, share = region_opacity(labels, int(labels.max()) + 1, opaque)
    return share[1:][area[1:] > 0]


def enclosed_white(
    rgb: np.ndarray,
    probability: np.ndarray,
    tolerance: int,
    classifier: EnclosedClassifier | None = None,
    by_place: bool = True,
) -> EnclosedWhite:
    """Decide the enclosed white regions of picture `rgb` (H,W,3 uint8) from the network's
    opacity `probability` (H,W float, at the picture's size), `tolerance`: how near the paper's
    colour a region is (`contour.enclosed_paper`). Enclosed counts regions the figure walls
    off together with the picture's border that cuts it (a white star whose tip reaches the
    border): the network's prior calls those paper, and it half keeps them. `classifier`,
    when the model file has one, may keep whole a region large enough to measure
    (`enclosed_features`) that the network drops. `by_place`: keep whole regions the network
    drops that wall in part of the figure or are most of it in a thin frame (off: measuring)."""
    height, width = rgb.shape[:2]
    count, labels = contour.enclosed_paper(rgb, tolerance)
    if count <= 1:
        nothing = np.zeros((height, width), dtype=np.int32)
        return EnclosedWhite(paint=nothing.astype(bool), unsure=nothing, large=nothing)
    scale = max(height, width) / 512.0
    area, opacity = region_opacity(labels, count, probability)
    # Large enough to flag, kept unsure or half cut in the end.
    reviewable = area >= UNSURE_AREA * scale * scale
    reviewable[0] = False
    kept = opacity >= KEEP_OPACITY
    if by_place:
        measurable = area >= MIN_AREA * scale * scale
        kept |= _walls_in_figure(labels, ~kept & measurable, probability, scale)
        kept |= _framed(rgb, labels, ~kept, area, scale)
    if classifier is not None:
        features, measured = region_features(rgb, labels, area, opacity)
        # It only adds: a region the network keeps stays kept whole, since one it leaves as cut
        # would be half kept (measured in the model card, "Enclosed white decided by a
        # classifier").
        kept[measured] |= classifier.paint_probability(features) >= classifier.threshold
    kept[0] = False
    # One pixel wider: the anti-aliased rim between such a region and the figure around it is
    # figure too, and left to the edge refinement it would stay a faint see-through ring.
    paint = cv2.dilate(kept[labels].astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    candidates = kept & (opacity < UNSURE_OPACITY) & reviewable
    numbers = np.zeros(count, dtype=np.int32)
    flagged = 0
    for label in np.flatnonzero(candidates):
        region = labels == label
        if roundness(region) >= MIN_ROUNDNESS and not _whiter_than_paper(rgb, region, scale):
            flagged += 1
            numbers[label] = flagged
    large = np.where(reviewable[labels], labels, 0).astype(np.int32)
    return EnclosedWhite(paint=paint, unsure=numbers[labels], large=large)


def _walls_in_figure(
    labels: np.ndarray, candidates: np.ndarray, probability: np.ndarray, scale: float
) -> np.ndarray:
    """(count,) bool: which `candidates` (count,) bool among the regions of `labels` (H,W
    int32) wall in part of the figure the network keeps firmly (`WALLED_IN_SHARE`; its opacity
    `probability` (H,W))."""
    found = np.zeros(len(candidates), dtype=bool)
    wanted = np.flatnonzero(candidates)
    wanted = wanted[wanted > 0]
    for label, box in zip(wanted, region_boxes(labels, wanted, 2), strict=True):
        share = walled_in(labels[box] == label, scale, probability[box])[1]
        found[label] = share >= WALLED_IN_SHARE
    return found


def _framed(
    rgb: np.ndarray, labels: np.ndarray, candidates: np.ndarray, area: np.ndarray, scale: float
) -> np.ndarray:
    """(count,) bool: which `candidates` (count,) bool among the regions of `labels` (H,W
    int32), of `area` pixels each, are most of the figure in a thin frame (`FRAMED_SHARE`)."""
    found = np.zeros(len(candidates), dtype=bool)
    wanted = np.flatnonzero(candidates)
    wanted = wanted[wanted > 0]
    # Most of the figure, by a bound on the figure first, cheap beside `Surround.measure`: the
    # open paper is near the paper's colour and in no enclosed region.
    least = int((~contour.near_background(rgb) | (labels > 0)).sum())
    wanted = wanted[area[wanted] >= FRAMED_SHARE * least]
    if len(wanted) == 0:
        return found
    surround = Surround.measure(rgb, labels)
    for label, box in zip(wanted, region_boxes(labels, wanted, 2), strict=True):
        if area[label] >= FRAMED_SHARE * surround.figure_area:
            width = band_width(labels[box] == label, surround.to_open[box])
            found[label] = width <= FRAME_WIDTH * scale
    return found


def _whiter_than_paper(rgb: np.ndarray, region: np.ndarray, scale: float) -> bool:
    """Whether `region` (H,W bool) of picture `rgb` is white paint by its colour, measured
    inside its rim, where the figure's colour and the decoder's ringing are."""
    core = region_core(region, scale)
    if core is None:
        return False
    paper = Paper.measure(rgb)
    return whiter_than_paper(paper, rgb[core], paper.field[core])
