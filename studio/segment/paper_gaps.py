"""Paper the figure encloses or half encloses, told from white paint by its colour and grain.

The network fills some gaps of the paper the figure surrounds: a lifebuoy's hole, the paper
between a ladder's rungs or a shrimp's legs. The contour method never does (it calls every
near-paper pixel joined to the border background, and no more), but it cannot tell an eye's
white from a hole either. What can tell them apart is the paper itself, measured on the
picture's border: its colour (Emojich's is (253, 252, 252), not white) and its grain (Emojich's
paper at 512 px has a noise of 1-3 levels per channel that flat paint does not have). A region
the cut-out keeps opaque whose median colour and grain match the border's paper is a gap
showing the paper, whatever its shape; white paint differs from the paper in one or the other.
The faint cyan blotches of Emojich's paper (red a few levels lower) count as paper too.

On paper without grain (a flat tint, or Emojich's paper smoothed by the decoder and
compression) grain tells nothing, but colour tells more: a region showing flat paper has the
paper's very level in every channel (the median of whole levels), while paint that comes close
to it is a level or more off somewhere, so there the region's median must be within
`FLAT_COLOUR_LEVELS` of the paper. That holds only where the paper is not the picture's white:
a picture tinted as a whole (a colour filter, a white balance) turns white paper and white
paint into the same flat off-white, so on flat paper the rule acts only when the picture shows
white above the paper (`shows_white_above`).

The rule abstains on paper within `OFF_WHITE_LEVELS` of white (white paint a little darkened by
the picture's own noise and compression matches it, and on clean white paper a hole and white
paint are the same pixels). There the network's decision stands.

It abstains too where the network is sure of the region (`SURE_PROBABILITY`): white paint a
level or two off grainy paper matches it in colour and grain (Noto's (250, 250, 250) white on
Emojich-like paper of (253, 251, 251), its red as low as a cyan blotch's), and only the figure's
shape tells them apart, which the network reads and the rule does not. The gaps the network
fills it is seldom sure of. Except one kind: paper seen through a broken outline (a dashed
frame, a line drawing's open strokes), which the network takes for a white card inside it.
Such a region meets the open paper only through the outline's narrow breaks
(`_Breaks.walled_off`), while white paint the network is sure of is either walled in whole (a
bar across a sign) or meets the paper along a whole side (a flag's white band at its edge); so
the rule does not abstain there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.channels import channel_max
from studio.segment.memo import per_picture

# A candidate pixel is opaque in the cut-out (alpha >= this) ...
OPAQUE_ALPHA = 128
# ... and within this many levels of the fitted paper (largest over RGB, after a 3x3 median).
NEAR_PAPER_LEVELS = float(contour.DEFAULT_TOLERANCE)
# Regions smaller than this (pixels at 512 px) carry too few pixels for their statistics, and
# their anti-aliased rim is most of them.
MIN_AREA = 60
# The statistics are measured on the region shrunk by this many pixels (at 512 px): its rim
# mixes in the figure's colour.
CORE_MARGIN = 2
MIN_CORE = 24
# The region's median colour is within this many levels of the paper's in every channel, or
# this many times the paper's noise when that is larger (the median of a few dozen noisy pixels
# is that precise; white paint on Emojich's paper is 2-3 levels off it) ...
COLOUR_LEVELS = 1.5
COLOUR_NOISE_FACTOR = 0.3
# ... and its grain (robust standard deviation, mean over RGB) is within this factor of the
# paper's, or this many levels of it when the paper is nearly clean.
GRAIN_FACTOR = 1.3
GRAIN_LEVELS = 0.4
# Paper next to the figure may be grainier than on the border (faint blotches, the decoder's
# ringing), up to this factor; paint is seldom grainier than the paper.
GRAIN_ABOVE_FACTOR = 2.5
# Inside a gap, a pixel is cleared when its colour (after a 3x3 median) is within this many
# times the paper's grain of the paper's, or this many levels: the rest is paint it joins.
PIXEL_GRAINS = 3.0
PIXEL_LEVELS = 4.0
# Emojich's paper has faint cyan streaks and blotches (`synth.EMOJICH_PAPER`): red up to this
# many levels below the paper, green and blue within `COLOUR_LEVELS` of it. A region of that
# colour with the paper's grain is the paper too.
BLOTCH_RED_LEVELS = 12.0
# Paper at least this grainy (levels) is told from flat paint by its grain, and a region's
# colour may be `COLOUR_LEVELS` off it. Below it, flat paint that comes within a level or two
# of the paper matches it in grain too (generated art tints both alike), so the colour must
# match closer (`FLAT_COLOUR_LEVELS`). (0.7 until the paper's plane was fitted past bright
# parts of the figure on the border: the grain measured round a tilted plane had been larger,
# and Emojich-like paper of 0.6-0.7 then fell below the line.)
TELLING_GRAIN = 0.6
# On paper below `TELLING_GRAIN`, a region's median colour is within this many levels of the
# paper's in green and blue (red as `BLOTCH_RED_LEVELS` allows). The paper seen through a gap
# is the paper's own level: 18 of the 26 gaps on flat paper in the validation samples were
# within 0.61 of it, most exactly on it (the other 8, cyan blotches a level darker, are left to
# the network), while a Fluent 3D flag's white band was a level whiter in green (model card,
# "Gaps on flat paper").
FLAT_COLOUR_LEVELS = 0.75
# ... and only in a picture with at least this many pixels (at 512 px, after a 3x3 median)
# this many levels above the paper in every channel (or at 255 where the paper is closer to
# it): its white point is above the paper. Pictures tinted as a whole have none; Emojich's
# white paint is 2-3 levels above its paper.
WHITE_ABOVE_LEVELS = 2.0
WHITE_ABOVE_PIXELS = 50
# The rule acts only on paper at least this far (levels, in some channel) from pure white, so
# that white paint, which the picture's own noise makes as grainy as the paper, differs from it
# in colour. Paper a level or two below white is matched by white paint a little darkened (a
# JPEG, a brightness shift) far too often; Emojich's measured paper (253, 252, 252) is 3 levels
# off it.
OFF_WHITE_LEVELS = 2.5
# A region whose core's mean network probability (upsampled to the picture) is at least this is
# left as the network keeps it. On the training split (seed 4300, 300 pictures per style, stage
# 18) the rule cleared 96 regions, 57,600 px of paint and 109,200 of paper. The 13 at 0.79 or
# more were 41,400 px of paint and 340 of paper (12 of them white paint at 0.80-0.91); all the
# other paper was below 0.79 (model card, "Gaps the network is sure of").
SURE_PROBABILITY = 0.79
# A region the network is sure of is a gap all the same when the figure's paint, grown by a disc
# of this radius (pixels at 512 px), walls it off from the open paper it touches: it opens onto
# the paper only through breaks at most twice as wide (a dashed frame's are 6-12 px) ...
BREAK_RADIUS = 7
# ... and it touches the open paper (transparent, paper-coloured, joined to the border) along at
# least this many pixels (at 512 px).
MIN_OPENING = 8
# The paper's grain is measured on a ring this wide (pixels) round the picture.
BORDER_RING = 3
# The mean of the closest 90% of |x| for Gaussian noise x is 0.651 of its standard deviation.
GAUSSIAN_SCALE = 1 / 0.651


def grain(offsets: np.ndarray) -> float:
    """The grain of pixels whose offsets from the paper are `offsets` (K,3): a robust standard
    deviation (the mean absolute deviation from the median over the closest 90%, scaled to a
    Gaussian's standard deviation), averaged over RGB. Unlike the median absolute deviation it
    still sees noise of one level on pixels quantised to whole levels."""
    deviation = np.abs(offsets - np.median(offsets, axis=0))
    kept = np.sort(deviation, axis=0)[: max(1, int(0.9 * len(deviation)))]
    return float(GAUSSIAN_SCALE * kept.mean())


@dataclass(frozen=True)
class Paper:
    """The paper's colour and grain, measured on the picture's border."""

    field: np.ndarray  # (H,W,3) float32: the fitted paper colour (`contour.background_field`)
    noise: float  # its grain (`grain`) on the border ring's paper pixels

    @classmethod
    def measure(cls, rgb: np.ndarray) -> Paper:
        """The paper of picture `rgb` (H,W,3 uint8): the fitted field, centred on the median of
        the paper pixels (within `NEAR_PAPER_LEVELS`) of a ring round the picture, and their
        grain."""
        return _measure(rgb)

    def colour_tolerance(self) -> float:
        """How far (levels) a region's median colour may be from this paper's and still be
        it: `COLOUR_LEVELS`, or `COLOUR_NOISE_FACTOR` times its grain when larger."""
        return max(COLOUR_LEVELS, COLOUR_NOISE_FACTOR * self.noise)

    def telling(self) -> bool:
        """Whether this paper is grainy enough to be told from flat paint of its colour."""
        return self.noise >= TELLING_GRAIN

    def looks_like(self, smooth_offsets: np.ndarray) -> np.ndarray:
        """(H,W) bool: pixels whose offsets from the field after a 3x3 median (H,W,3) put them
        within `PIXEL_GRAINS` times the paper's grain (at least `PIXEL_LEVELS`) of its colour,
        or of a blotch's."""
        tolerance = max(PIXEL_LEVELS, PIXEL_GRAINS * self.noise)
        red = smooth_offsets[..., 0]
        red_ok = (red >= -BLOTCH_RED_LEVELS - tolerance) & (red <= tolerance)
        return red_ok & (channel_max(np.abs(smooth_offsets[..., 1:])) <= tolerance)

    def matches(self, offset: np.ndarray, region_grain: float, paper: np.ndarray) -> bool:
        """Whether a region whose median colour is `offset` (3,) from the field and whose grain
        is `region_grain` levels looks like this paper, or like its faint cyan blotches, where
        the paper there is of colour `paper` (3,), far enough from white (`OFF_WHITE_LEVELS`)."""
        if float((255.0 - paper).max()) < OFF_WHITE_LEVELS:
            return False
        # Not in `colour_tolerance`, which `whiter_paint` and `enclosed_white` read on flat
        # paper too, as the margin paint must be whiter by.
        tolerance = self.colour_tolerance() if self.telling() else FLAT_COLOUR_LEVELS
        # The paper itself, or it with less red (a blotch): green and blue as the paper's.
        red_ok = -max(BLOTCH_RED_LEVELS, tolerance) <= offset[0] <= tolerance
        colour_ok = red_ok and np.abs(offset[1:]).max() <= tolerance
        low = min(self.noise / GRAIN_FACTOR, self.noise - GRAIN_LEVELS)
        high = max(self.noise * GRAIN_ABOVE_FACTOR, self.noise + GRAIN_LEVELS)
        return colour_ok and low <= region_grain <= high


def border_ring(shape: tuple[int, int]) -> np.ndarray:
    """(H,W) bool: the ring `BORDER_RING` pixels wide round a picture of `shape`, where the
    paper is measured."""
    ring = np.ones(shape, dtype=bool)
    ring[BORDER_RING:-BORDER_RING, BORDER_RING:-BORDER_RING] = False
    return ring


@per_picture()
def _measure(rgb: np.ndarray) -> Paper:
    """`Paper.measure`, kept for the next caller (`memo.per_picture`): two steps ask for it."""
    field, _ = contour.background_field(rgb)
    ring = border_ring(rgb.shape[:2])
    offsets = rgb[ring].astype(np.float32) - field[ring]  # (K,3), the ring's pixels only
    ring_offsets = offsets[np.abs(offsets).max(axis=1) <= NEAR_PAPER_LEVELS]
    if len(ring_offsets) < MIN_CORE:
        return Paper(field, 0.0)  # no paper on the border: nothing to compare with
    # The field is fitted to the brighter half of the border, so it sits above the paper's
    # middle by about its grain; centre it on the ring's median.
    centred = field + np.median(ring_offsets, axis=0).astype(np.float32)
    centred.setflags(write=False)
    return Paper(centred, grain(ring_offsets))


def region_cores(
    labels: np.ndarray, stats: np.ndarray, scale: float, wanted: np.ndarray | None = None
) -> Iterator[tuple[int, tuple[slice, slice], np.ndarray]]:
    """The regions of `labels` (H,W, with `stats` from `cv2.connectedComponentsWithStats`) that
    are `wanted` (bool per label; default all) and at least `MIN_AREA` (scaled by `scale`, the
    picture's size over 512 px), as (label, box, core): the region's bounding box one pixel
    wider, and within it the region shrunk by `CORE_MARGIN`, where its statistics are measured
    (its rim mixes in the figure's colour); regions whose core is under `MIN_CORE` pixels are
    left out."""
    min_area = max(12, round(MIN_AREA * scale * scale))
    for label in range(1, len(stats)):
        if (wanted is not None and not wanted[label]) or stats[label, cv2.CC_STAT_AREA] < min_area:
            continue
        x, y, w, h = (int(v) for v in stats[label, :4])
        box = (slice(max(0, y - 1), y + h + 1), slice(max(0, x - 1), x + w + 1))
        core = region_core(labels[box] == label, scale)
        if core is not None:
            yield label, box, core


def region_core(region: np.ndarray, scale: float) -> np.ndarray | None:
    """`region` (H,W bool) shrunk by `CORE_MARGIN` (scaled by `scale`), where its statistics
    are measured, or None when that leaves fewer than `MIN_CORE` pixels."""
    margin = max(1, round(CORE_MARGIN * scale))
    square = np.ones((3, 3), np.uint8)
    core = cv2.erode(region.astype(np.uint8), square, iterations=margin).astype(bool)
    return core if core.sum() >= MIN_CORE else None


class Gaps(NamedTuple):
    """The gaps `paper_gaps` finds in a cut-out."""

    pixels: np.ndarray  # (H,W) bool: the gaps' paper-coloured pixels, with their faint rims
    count: int  # how many gaps
    # (H,W) bool: those of them behind a broken outline (`_Breaks`), sure or not; the
    # network's edge ran round the outline, past the strokes these bare.
    behind_breaks: np.ndarray


def paper_gaps(rgb: np.ndarray, mask: np.ndarray, probability: np.ndarray | None = None) -> Gaps:
    """The regions of cut-out `mask` (H,W uint8) on picture `rgb` (H,W,3 uint8) that are kept
    opaque but show the paper (module docstring); `probability` (H,W float32): the network's,
    upsampled to the picture, where it is sure of a region the region is left
    (`SURE_PROBABILITY`) unless it shows through a broken outline."""
    height, width = rgb.shape[:2]
    none = np.zeros((height, width), dtype=bool)
    paper = Paper.measure(rgb)
    scale = max(height, width) / 512.0
    smooth = cv2.medianBlur(np.ascontiguousarray(rgb), 3).astype(np.float32) - paper.field
    if not paper.telling() and not shows_white_above(paper, smooth, scale):
        return Gaps(none, 0, none)
    offset = rgb.astype(np.float32) - paper.field
    near = channel_max(np.abs(smooth)) <= NEAR_PAPER_LEVELS
    candidate = (mask >= OPAQUE_ALPHA) & near
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidate.astype(np.uint8), 4)
    gaps = np.zeros(count, dtype=bool)
    behind = np.zeros(count, dtype=bool)  # gaps behind a broken outline
    breaks = _Breaks(mask, near, scale)
    for label, box, core in region_cores(labels, stats, scale):
        region = labels[box] == label
        sure = probability is not None and probability[box][core].mean() >= SURE_PROBABILITY
        if sure and not breaks.walled_off(region, box, core):
            continue
        values = offset[box][core]  # (K,3)
        here = np.median(paper.field[box][core], axis=0)
        gaps[label] = paper.matches(np.median(values, axis=0), grain(values), here)
        # A sure region gets this far only behind breaks; a doubted one is asked.
        behind[label] = gaps[label] and (sure or breaks.walled_off(region, box, core))
    if not gaps.any():
        return Gaps(none, 0, none)
    looks_like = paper.looks_like(smooth)

    def with_rims(regions: np.ndarray) -> np.ndarray:
        # Within a gap, only the pixels of the paper's colour: white paint that a gap's pixels
        # join (a highlight running into it) differs from the paper by more than its grain.
        found = regions & looks_like
        # With the soft rim between the gap and the figure: paper-coloured pixels beside it.
        square = np.ones((3, 3), np.uint8)
        return found | (
            cv2.dilate(found.astype(np.uint8), square, iterations=2).astype(bool) & near
        )

    behind_breaks = with_rims(behind[labels]) if behind.any() else none
    return Gaps(with_rims(gaps[labels]), int(gaps.sum()), behind_breaks)


class _Breaks:
    """Where the open paper reaches a region only through narrow breaks in the figure's paint
    (`BREAK_RADIUS`); measured once per picture, when first asked."""

    def __init__(self, mask: np.ndarray, near: np.ndarray, scale: float) -> None:
        self._mask, self._near, self._scale = mask, near, scale
        self._measured: tuple[np.ndarray, np.ndarray] | None = None

    def _measure(self) -> tuple[np.ndarray, np.ndarray]:
        if self._measured is None:
            opaque = self._mask >= OPAQUE_ALPHA
            paint = opaque & ~self._near
            radius = max(1, round(BREAK_RADIUS * self._scale))
            disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
            # Grown by the radius, the paint plugs every break up to twice as wide.
            walls = cv2.dilate(paint.astype(np.uint8), disc).astype(bool)
            open_paper = contour.border_connected(~opaque) & self._near
            self._measured = (contour.border_connected(~walls), open_paper)
        return self._measured

    def walled_off(self, region: np.ndarray, box: tuple[slice, slice], core: np.ndarray) -> bool:
        """Whether `region` (bool, within `box`) touches the open paper, along `MIN_OPENING`
        pixels or more, yet with the paint's breaks closed no pixel of its `core` is joined to
        the border."""
        outside, open_paper = self._measure()
        grown = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        opening = int((grown & open_paper[box]).sum())
        if opening < MIN_OPENING * self._scale:
            return False
        return not (core & outside[box]).any()


def shows_white_above(paper: Paper, smooth_offsets: np.ndarray, scale: float) -> bool:
    """Whether a picture whose offsets from `paper` after a 3x3 median are `smooth_offsets`
    (H,W,3), at `scale` times 512 px, has white above the paper (`WHITE_ABOVE_PIXELS`): then
    its paper is not its white tinted along with the paint, and flat paper of the paper's very
    colour is paper."""
    above = np.minimum(WHITE_ABOVE_LEVELS, 255.0 - paper.field)  # (H,W,3)
    whiter = (smooth_offsets >= above).all(axis=2)
    return int(whiter.sum()) >= WHITE_ABOVE_PIXELS * scale * scale


def clear_paper_gaps(
    rgb: np.ndarray, mask: np.ndarray, probability: np.ndarray | None = None
) -> tuple[np.ndarray, str | None, np.ndarray]:
    """`mask` with its paper gaps (`paper_gaps`, with the network's `probability`) made
    transparent, a note for review when any were (the cut-out changed where the network called
    it figure), and the pixels cleared behind a broken outline (`Gaps.behind_breaks`)."""
    gaps = paper_gaps(rgb, mask, probability)
    if gaps.count == 0:
        return mask, None, gaps.behind_breaks
    cleared = mask.copy()
    cleared[gaps.pixels] = 0
    noun = "gap" if gaps.count == 1 else "gaps"
    return cleared, f"cleared {gaps.count} {noun} showing the paper", gaps.behind_breaks
