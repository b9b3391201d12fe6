"""Flat ground shadows the cut-out kept opaque, told by their shape and made semi-transparent.

Some emoji art stands its figure on a flat, level ellipse of translucent grey: a ground shadow
drawn with a hard edge (Streamline draws one under most figures, at 15% opacity). The network
keeps it as an opaque pale-grey slab, and `shadows.soft_shadows` leaves it so on purpose: it
has a drawn edge, as a grey part of the figure has, so nothing in its colour says "shadow".

Its shape does. A drawn grey part meets the paper along whatever outline the figure has (a
keycap's rim is a band round the key's face, a pavement a strip); a ground shadow's outline on
the open paper is an arc of one wide, flat, level ellipse, and the figure stands on it: the
ellipse is at the figure's foot, the figure covers the rest of it, and the shadow is a thin
share of the cut-out. The figure's legs may cut it into several pieces, which lie on the one
ellipse. Such a shadow gets the alpha of a black shadow that darkens the paper as much (`1 -
picture / paper`, as `shadows.soft_shadows` gives soft ones).

The fit may fall short of the drawn ellipse's ends; the shadow's opaque paint joined to what
is softened, along the ellipse's rows, goes with it, or its tips would stay opaque.

While it was opaque the shadow walled in the paper between the figure's legs, which the cut-out
then kept as white the figure encloses; paper that the softened shadow opens onto the open paper
is cleared with it. White paint keeps its own outline round it, shadow or not, so it stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.channels import channel_sum
from studio.segment.islands import SOFT_EDGE_LEVELS, grey_slope
from studio.segment.shadows import (
    OPAQUE_ALPHA,
    black_shadow_alpha,
    is_grey,
    parts_touching,
    shade_of,
)

# A ground shadow darkens the paper by at least this many levels (channels' mean, or this
# many times the border's noise) and at most this many: a translucent shadow is far from black.
MIN_SHADE_LEVELS = 8.0
MIN_SHADE_NOISE_FACTOR = 4.0
MAX_SHADE_LEVELS = 80.0
# One layer of translucent paint: the pieces that join the one it is fitted from have their
# median shade within this many levels of that piece's, or this share of it when larger.
SAME_SHADE_LEVELS = 5.0
SAME_SHADE_SHARE = 0.2
# The piece a shadow is fitted from is at least this many times as wide as it is tall: the
# figure hides some of the ellipse, never enough to leave its broadest piece upright.
MIN_SEED_ELONGATION = 2.0
# Past the shadow's edge the paper is at most this share of the shadow's darkening.
PAPER_SHARE = 0.4
# Pieces smaller than this (pixels at 512 px) are not fitted from: too few edge pixels.
MIN_PIECE_AREA = 24
# The shadow's outline on the open paper lies on the fitted ellipse: 90% of its pixels within
# this many pixels of it (at 512 px; a pixel-grid outline sits about half a pixel off) ...
MAX_FIT_DISTANCE = 1.6
# ... and there are at least this many of them.
MIN_OUTLINE_PIXELS = 40
# Wide and flat: its long axis at least this many times its short one, and level: that axis
# within this many degrees of the horizontal.
MIN_ELONGATION = 3.0
MAX_TILT_DEGREES = 8.0
# A shadow is at least this tall, half its height in pixels at 512 px: a thinner level line of
# grey (a rule under a word, a seam) is drawn, and fits an ellipse of any length.
MIN_HALF_HEIGHT = 3.0
# The figure stands on it: inside the ellipse at most this share looks like the paper (the
# rest is the shadow or the figure) ...
MAX_OPEN_SHARE = 0.06
# ... the shadow shows at least this share of it ...
MIN_SHOWN_SHARE = 0.2
# ... and its outline on the paper spans at least this share of the ellipse's width.
MIN_OUTLINE_SPAN = 0.45
# A shadow is at most this share of the opaque cut-out: a larger flat grey stretch is figure.
MAX_FIGURE_SHARE = 0.25
# Paper the shadow walls in is at most this share of the opaque cut-out.
MAX_WALLED_SHARE = 0.25


@dataclass(frozen=True)
class _Ellipse:
    """An ellipse fitted to outline pixels: centre, semi-axes (long, short, in pixels) and the
    long axis's angle from the horizontal (radians)."""

    cx: float
    cy: float
    long: float
    short: float
    angle: float

    @classmethod
    def fit(cls, ys: np.ndarray, xs: np.ndarray) -> _Ellipse | None:
        """The ellipse nearest the points (`cv2.fitEllipse`, least squares; at least five),
        None when the fit is degenerate."""
        points = np.stack([xs, ys], axis=1).astype(np.float32)
        (cx, cy), (first, second), degrees = cv2.fitEllipse(points)
        if not (np.isfinite([cx, cy, first, second]).all() and min(first, second) > 0):
            return None
        angle = np.deg2rad(degrees)
        if second > first:  # the long axis is the rectangle's second side
            first, second, angle = second, first, angle + np.pi / 2
        # The long axis's tilt from the horizontal, in [-pi/2, pi/2).
        angle = (angle + np.pi / 2) % np.pi - np.pi / 2
        return cls(float(cx), float(cy), first / 2.0, second / 2.0, float(angle))

    def distance(self, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        """Each point's distance from the ellipse's outline, to first order (pixels)."""
        cos, sin = np.cos(self.angle), np.sin(self.angle)
        dx, dy = xs - self.cx, ys - self.cy
        along = dx * cos + dy * sin
        across = -dx * sin + dy * cos
        level = (along / self.long) ** 2 + (across / self.short) ** 2 - 1.0
        gradient = 2.0 * np.hypot(along / self.long**2, across / self.short**2)
        return np.abs(level) / np.maximum(gradient, 1e-6)

    def mask(self, shape: tuple[int, int]) -> np.ndarray:
        """(H,W) bool: the pixels the filled ellipse covers."""
        canvas = np.zeros(shape, dtype=np.uint8)
        cv2.ellipse(
            canvas,
            (round(self.cx), round(self.cy)),
            (max(1, round(self.long)), max(1, round(self.short))),
            float(np.rad2deg(self.angle)),
            0.0,
            360.0,
            1,
            thickness=-1,
        )
        return canvas.astype(bool)


def ground_shadows(
    rgb: np.ndarray, mask: np.ndarray, clear_walled: bool = True
) -> tuple[np.ndarray, int]:
    """The cut-out `mask` (H,W uint8) of picture `rgb` (H,W,3 uint8) with an opaque flat ground
    shadow made semi-transparent and the paper it walled in cleared (`clear_walled`; module
    docstring), and how many there were (0 or 1). The mask is returned unchanged (the same
    array) when there is none."""
    field, noise = contour.background_field(rgb)
    if field.min() < 150:  # no light paper on the border to compare with
        return mask, 0
    smooth, offsets, shade = shade_of(rgb, field)
    opaque = mask >= OPAQUE_ALPHA
    grey = is_grey(offsets, shade)
    flat_grey = (
        opaque
        & grey
        & (shade >= max(MIN_SHADE_LEVELS, MIN_SHADE_NOISE_FACTOR * noise))
        & (shade <= MAX_SHADE_LEVELS)
        & (grey_slope(channel_sum(smooth) / 3.0) <= SOFT_EDGE_LEVELS)
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        flat_grey.astype(np.uint8), connectivity=8
    )
    if count <= 1:
        return mask, 0
    height, width = mask.shape
    scale = max(height, width) / 512.0
    min_area = max(6, round(MIN_PIECE_AREA * scale * scale))
    pieces = [label for label in range(1, count) if stats[label, cv2.CC_STAT_AREA] >= min_area]
    if not pieces:
        return mask, 0
    # The largest pieces first: a ground shadow is the broadest flat grey under the figure.
    pieces.sort(key=lambda label: -int(stats[label, cv2.CC_STAT_AREA]))
    for seed in pieces[:3]:
        if stats[seed, cv2.CC_STAT_WIDTH] < MIN_SEED_ELONGATION * stats[seed, cv2.CC_STAT_HEIGHT]:
            continue  # not the wide, flat piece a ground shadow shows
        found = _shadow_from(seed, pieces, labels, stats, shade, grey, opaque, scale)
        if found is not None:
            region, paper_like = found
            softened = _soften(mask, region, shade, field)
            if clear_walled:
                softened[_walled_in_by(mask, softened, paper_like)] = 0
            return softened, 1
    return mask, 0


def _shadow_from(
    seed: int,
    pieces: list[int],
    labels: np.ndarray,
    stats: np.ndarray,
    shade: np.ndarray,
    grey: np.ndarray,
    opaque: np.ndarray,
    scale: float,
) -> tuple[np.ndarray, np.ndarray] | None:
    """(H,W bool): the pixels of the ground shadow that piece `seed` belongs to, with its
    blurred rim, when it passes every test of the module docstring, and the pixels that look
    like the paper beside it (H,W bool); None otherwise. `grey` (H,W bool) marks the pixels
    that darken the paper alike in every channel."""
    seed_pixels = labels == seed
    level = float(np.median(shade[seed_pixels]))
    tolerance = max(SAME_SHADE_LEVELS, SAME_SHADE_SHARE * level)
    # Its outline: its pixels beside the paper, opaque or not. The network's cut runs a pixel
    # or two outside the shadow's edge (its blurred rim is not flat), and may keep the paper
    # between the figure's legs above it; either way the pixels past the edge look like paper.
    paper_like = grey & (shade < PAPER_SHARE * level)
    beside_paper = _grown(paper_like)
    ellipse = _fitted(seed_pixels & beside_paper, scale)
    if ellipse is None:
        return None
    # The other pieces of its shade on the ellipse join it: pieces the figure's legs cut it into.
    on_ellipse = _grown(ellipse.mask(labels.shape))
    left, top, box_width, box_height = cv2.boundingRect(on_ellipse.astype(np.uint8))
    right, bottom = left + box_width, top + box_height
    shadow = seed_pixels.copy()
    for label in pieces:
        x, y, w, h = (int(v) for v in stats[label, :4])
        if label == seed or x < left or y < top or x + w > right or y + h > bottom:
            continue  # not inside the ellipse's box, so not on it
        box = (slice(y, y + h), slice(x, x + w))
        piece = labels[box] == label
        if (
            on_ellipse[box][piece].mean() >= 0.9
            and abs(float(np.median(shade[box][piece])) - level) <= tolerance
        ):
            shadow[box] |= piece
    if shadow.sum() > seed_pixels.sum():
        ellipse = _fitted(shadow & beside_paper, scale)
        if ellipse is None:
            return None
    # The shadow's paint, opaque or not: what the cut-out already dropped of it counts as shown.
    layer = grey & (np.abs(shade - level) <= tolerance)
    if not _stands_on(ellipse, shadow, shadow & beside_paper, layer, paper_like, opaque):
        return None
    # What to soften: inside the ellipse and its blurred rim, what darkens the paper by no more
    # than the shadow does (the figure's own paint is darker or not grey). A pixel more than
    # the rim's width: the fit is least sure of the ellipse's ends.
    region = (
        _grown(ellipse.mask(labels.shape), by=3)
        & grey
        & (shade >= 2.0)
        & (shade <= level + tolerance)
    )
    # The fit is least sure of the ellipse's ends and may fall short of the drawn ones: the
    # shadow's opaque paint joined to the region along the ellipse's rows goes with it.
    band = np.zeros(labels.shape, dtype=bool)
    reach = ellipse.short + 3.0
    band[max(0, int(ellipse.cy - reach)) : int(np.ceil(ellipse.cy + reach)) + 1] = True
    region |= parts_touching(layer & opaque & band, region)
    return region, paper_like


def _walled_in_by(before: np.ndarray, after: np.ndarray, paper_like: np.ndarray) -> np.ndarray:
    """(H,W bool): the opaque paper-like regions of the cut-out `after` (H,W uint8, the shadow
    softened) that the shadow alone walled in: shut off from the open paper in the cut-out
    `before` it was softened, and open onto it now. Opaque, the shadow walls in the paper
    between the figure's legs, which the cut-out then keeps as enclosed white; a white part
    the figure's outline walls in stays walled in by it. At most `MAX_WALLED_SHARE` of the
    cut-out."""
    candidates = (after >= OPAQUE_ALPHA) & paper_like
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        candidates.astype(np.uint8), connectivity=4
    )
    if count <= 1:
        return np.zeros(before.shape, dtype=bool)
    # The open paper: what is not opaque and joins the picture's border.
    near_open_now = _grown(contour.border_connected(after < OPAQUE_ALPHA), by=1)
    near_open_before = _grown(contour.border_connected(before < OPAQUE_ALPHA), by=1)
    opened = np.zeros(count, dtype=bool)
    opened[np.unique(labels[near_open_now & candidates])] = True
    opened[np.unique(labels[near_open_before & candidates])] = False
    opened &= stats[:, cv2.CC_STAT_AREA] <= MAX_WALLED_SHARE * (after >= OPAQUE_ALPHA).sum()
    opened[0] = False
    return opened[labels]


def _grown(region: np.ndarray, by: int = 2) -> np.ndarray:
    """(H,W bool): `region` grown by `by` pixels (default the width of a blurred edge)."""
    square = np.ones((2 * by + 1, 2 * by + 1), np.uint8)
    return cv2.dilate(region.astype(np.uint8), square).astype(bool)


def _fitted(outline: np.ndarray, scale: float) -> _Ellipse | None:
    """The ellipse fitted to the `outline` pixels (H,W bool), when they lie on it and it is
    wide, flat and level; None otherwise."""
    ys, xs = np.nonzero(outline)
    if len(ys) < MIN_OUTLINE_PIXELS * min(1.0, scale):
        return None
    ellipse = _Ellipse.fit(ys, xs)
    if ellipse is None:
        return None
    if ellipse.long < MIN_ELONGATION * ellipse.short or ellipse.short < MIN_HALF_HEIGHT * scale:
        return None
    if abs(np.rad2deg(ellipse.angle)) > MAX_TILT_DEGREES:
        return None
    distances = ellipse.distance(ys.astype(np.float64), xs.astype(np.float64))
    if float(np.percentile(distances, 90)) > MAX_FIT_DISTANCE * max(1.0, scale):
        return None
    return ellipse


def _stands_on(
    ellipse: _Ellipse,
    shadow: np.ndarray,
    outline: np.ndarray,
    layer: np.ndarray,
    paper_like: np.ndarray,
    opaque: np.ndarray,
) -> bool:
    """Whether the figure stands on the `ellipse` that the opaque `shadow` pieces (H,W bool)
    lie on: they are a thin share of the cut-out (`opaque`) and lie on the ellipse; inside it
    the shadow's paint (`layer`) shows enough and the paper (`paper_like`) hardly at all (the
    figure covers the rest); the shadow's `outline` on the paper spans most of the ellipse's width;
    and the figure is above it."""
    if shadow.sum() > MAX_FIGURE_SHARE * opaque.sum():
        return False
    inside = ellipse.mask(shadow.shape)
    if _grown(inside)[shadow].mean() < 0.95:
        return False
    covered = int(inside.sum())
    if covered == 0 or (inside & paper_like).sum() > MAX_OPEN_SHARE * covered:
        return False
    if (inside & layer).sum() < MIN_SHOWN_SHARE * covered:
        return False
    ys, xs = np.nonzero(outline)
    if xs.max() - xs.min() < MIN_OUTLINE_SPAN * 2.0 * ellipse.long:
        return False
    # The figure is above the ellipse, not round it: most of it lies above the ellipse's centre
    # and none of it below the ellipse's lowest point (and its blurred rim).
    figure_ys = np.nonzero(opaque & ~(inside & layer) & ~shadow)[0]
    if len(figure_ys) == 0 or np.median(figure_ys) >= ellipse.cy:
        return False
    return figure_ys.max() <= ellipse.cy + ellipse.short + 3.0


def _soften(
    mask: np.ndarray, region: np.ndarray, shade: np.ndarray, field: np.ndarray
) -> np.ndarray:
    """`mask` with the shadow's `region` (H,W bool) given a black shadow's alpha, where that is
    lower."""
    alpha = black_shadow_alpha(shade, field)
    out = mask.copy()
    out[region] = np.minimum(out[region], alpha[region])
    return out
