"""Soft cast shadows the cut-out kept opaque, made semi-transparent.

Glossy and 3D emoji art, and Emojich after it, often draws a soft grey shadow under or beside
the figure. The product keeps such a shadow semi-transparent, as the official pipeline keeps
Emojich's shadows, but the network sometimes keeps its dark core as an opaque grey slab, which
shows as a light-grey block under the sticker on a dark chat background.

A shadow darkens the paper alike in every channel and fades into it: there is no edge between
them. A drawn part, even a grey one, meets the paper at an edge, however blurred, so past the
cut-out's border the paper is clean within a pixel or two. Where the cut-out's border runs
through a soft, grey darkening that goes on beyond it and fades (lighter at that border than
in its middle or, for a broad shadow whose kept middle is flat, fading out to the paper over a
wide band further out, where a grey part the network cut short ends at its drawn edge), the
darkening is a shadow, unless parts of the figure hang from it (the shaded collar of a white
suit the network half kept joins the grey shoulders to the head; a shadow joins nothing but, at
times, paper the network kept round it). Its pixels get the alpha of a black shadow that
darkens the paper as much (`1 - picture / paper`, below 50% for every shadow the art draws),
and the fade beyond the border joins it, so it ends smoothly rather than at a line. Its colour
is black: un-blending the paper from such a pixel leaves black (the cut-out sets it so, rather
than letting `edges.decontaminate` borrow the figure edge's colour for the faintest pixels).
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.channels import channel_max, channel_min, channel_sum
from studio.segment.edges import edge_beside
from studio.segment.islands import SOFT_EDGE_LEVELS, PictureMeasures, grey_slope

# Opaque in the cut-out: at least this opacity (0..255).
OPAQUE_ALPHA = 128
# A shadow is soft by the speck rule's bound (`islands.SOFT_EDGE_LEVELS`, after a 3x3 median
# here), and a part cut off with it is paper by the speck rule's own test (`is_paper`).
# How much darker than the fitted paper a shadow is (channels' mean): at least this many levels
# or this many times the border's noise, and at most this many (a shadow the art draws is at
# most about a third opaque, grey or black: 0.35 * (250 - 60) = 67 levels at the darkest).
MIN_SHADE_LEVELS = 4.0
MIN_SHADE_NOISE_FACTOR = 3.0
MAX_SHADE_LEVELS = 90.0
# Grey: the channels' offsets from the paper differ by at most this many levels, or this share
# of the shade when larger.
GREY_LEVELS = 6.0
GREY_SHARE = 0.25
# A shadow is darkest nearest the figure and fades outwards, so the cut-out's border runs
# through its fade: the shadow's middle is darker than its rim on the open paper by at least
# this many levels (median shades; a flat drawn part is as dark at its rim as in its middle) ...
FADE_LEVELS = 1.0
# ... and the darkening goes on past the border: 3 px outside it, the paper is still at least
# this share as dark as just inside (a drawn edge leaves it clean there).
FADE_SHARE = 0.4
# A broad shadow can be as dark at the cut-out's border as in its middle: its fade lies further
# out, on the open paper. It still counts when the darkening it joins there fades out: it ends
# at least this much lighter than at the border (median shade along its outer end) ...
FADE_END_SHARE = 0.5
# ... over a wide band: its pixels between a quarter and three quarters of the border's shade
# are at least this many times as many as those at its outer end (the band's mean width in
# pixels at 512 px). A shadow is blurred by 3 px or more; a flat grey part the network cut
# short ends at its drawn edge, a ramp one or two pixels wide, however low its contrast.
MIN_FADE_WIDTH = 2.5
# Its middle is at least this much darker than the paper (median shade): fainter pieces are
# as often a pale grey part of the figure.
MIN_PIECE_SHADE = 12.0
# At least this much of a shadow's own border lies on the open background, counting where it
# runs off the picture (the rest on the figure's outline it hangs from). A shadow in a pocket of
# the figure (under an arm, beside a shoulder) meets the open paper along a fifth of its border
# or less; the fade tests still hold it to fading there.
MIN_OPEN_BORDER = 0.15
# Smaller shadows (pixels at 512 px) are left alone: too few pixels to tell a fade from an edge.
MIN_AREA = 60
# A shadow is at most this share of the opaque cut-out: a larger soft grey stretch is the figure.
MAX_FIGURE_SHARE = 0.25


def soft_shadows(rgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, int]:
    """The cut-out `mask` (H,W uint8) of picture `rgb` (H,W,3 uint8) with its opaque soft cast
    shadows made semi-transparent (module docstring), and how many shadows there were. The mask
    is returned unchanged (the same array) when there are none."""
    field, noise = contour.background_field(rgb)
    if field.min() < 150:  # no light paper on the border to compare with
        return mask, 0
    smooth, offsets, shade = shade_of(rgb, field)
    darkened = (
        is_grey(offsets, shade)
        & (shade >= max(MIN_SHADE_LEVELS, MIN_SHADE_NOISE_FACTOR * noise))
        & (shade <= MAX_SHADE_LEVELS)
        & (grey_slope(channel_sum(smooth) / 3.0) <= SOFT_EDGE_LEVELS)
    )
    opaque = mask >= OPAQUE_ALPHA
    open_paper = contour.border_connected(~opaque)
    candidates = darkened & opaque
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        candidates.astype(np.uint8), connectivity=8
    )
    if count <= 1:
        return mask, 0
    height, width = mask.shape
    scale = max(height, width) / 512.0
    min_area = max(8, round(MIN_AREA * scale * scale))
    max_area = MAX_FIGURE_SHARE * int(opaque.sum())
    measures = PictureMeasures(rgb)
    shadows = np.zeros(mask.shape, dtype=bool)
    found = 0
    parts_before = None  # parts of the opaque cut-out, counted when first needed
    darkening = _Darkening(shade, darkened, open_paper, candidates, MIN_FADE_WIDTH * scale)
    pad = 4
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if area < min_area or area > max_area:
            continue
        box = (
            slice(max(0, y - pad), min(height, y + h + pad)),
            slice(max(0, x - pad), min(width, x + w + pad)),
        )
        piece = labels[box] == label
        if not _is_shadow(piece, box, darkening):
            continue
        if parts_before is None:
            parts_before = _drawn_parts(opaque, measures, min_area)
        if _drawn_parts(opaque & (labels != label), measures, min_area) > parts_before:
            continue  # parts of the figure hang from it: it is figure
        shadows[box] |= piece
        found += 1
    if not found:
        return mask, 0
    # Opaque bits that only the shadows joined to the figure (smaller than a part, by the check
    # above) are shadow too, pixels of it that missed a test: left opaque they would be specks.
    shadows |= parts_touching(opaque, shadows, min_area)
    # The fade beyond the cut-out's border joins the shadow: the soft grey darkening on the open
    # paper that touches it.
    fade_count, fade_labels = cv2.connectedComponents(
        ((darkened & open_paper) | shadows).astype(np.uint8), connectivity=8
    )
    joined = np.zeros(fade_count, dtype=bool)
    joined[np.unique(fade_labels[shadows])] = True
    joined[0] = False
    region = joined[fade_labels]
    alpha = black_shadow_alpha(shade, field)
    out = mask.copy()
    out[region] = alpha[region]
    return out, found


def settle_edge(
    rgb: np.ndarray, mask: np.ndarray, shadow: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The cut-out `mask` (H,W uint8) after `soft_shadows`, with the figure's edge beside the
    `shadow` it made (H,W bool: the pixels it changed) re-measured against the shadow rather
    than the paper (`edges.edge_beside`), and the shadow grown by the opaque bits that
    this cuts off from the figure: pieces of the shadow's darker fringe that only the edge held,
    which left opaque would be specks. Returns the mask and the shadow."""
    out = edge_beside(rgb, mask, shadow)
    height, width = mask.shape
    scale = max(height, width) / 512.0
    cut_off = parts_touching(out >= OPAQUE_ALPHA, shadow, max(8, round(MIN_AREA * scale * scale)))
    if cut_off.any():
        field, _ = contour.background_field(rgb)
        alpha = black_shadow_alpha(shade_of(rgb, field)[2], field)
        out = out.copy() if out is mask else out
        out[cut_off] = alpha[cut_off]
        shadow = shadow | cut_off
    return out, shadow


def is_grey(offsets: np.ndarray, shade: np.ndarray) -> np.ndarray:
    """(H,W) bool: pixels whose offsets from the paper (H,W,3) differ across the channels by at
    most `GREY_LEVELS`, or `GREY_SHARE` of their shade (H,W, the channels' mean darkening) when
    larger: grey, as a shadow is."""
    spread = channel_max(offsets) - channel_min(offsets)
    return spread <= np.maximum(GREY_LEVELS, GREY_SHARE * shade)


def shade_of(rgb: np.ndarray, field: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The picture `rgb` after a 3x3 median (H,W,3 float32), its offsets from the paper `field`
    (H,W,3), and how much darker than the paper each pixel is (H,W levels, the channels' mean)."""
    smooth = cv2.medianBlur(np.ascontiguousarray(rgb), 3).astype(np.float32)
    offsets = smooth - field
    return smooth, offsets, -channel_sum(offsets) / 3.0


def black_shadow_alpha(shade: np.ndarray, field: np.ndarray) -> np.ndarray:
    """(H,W uint8): the alpha of a black shadow that darkens the paper `field` (H,W,3) by
    `shade` (H,W levels, the channels' mean): `1 - picture / paper`."""
    paper = channel_sum(field) / 3.0
    alpha = np.clip(shade / np.maximum(paper, 1.0), 0.0, 1.0)
    return (alpha * 255.0 + 0.5).astype(np.uint8)


def parts_touching(
    parts: np.ndarray, region: np.ndarray, min_area: int | None = None
) -> np.ndarray:
    """(H,W bool): the 8-connected parts of `parts` outside `region` (both H,W bool) that touch
    it, only those smaller than `min_area` pixels when given."""
    rest = (parts & ~region).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rest, 8)
    touching = np.zeros(count, dtype=bool)
    near = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    touching[np.unique(labels[near & parts])] = True
    if min_area is not None:
        touching &= stats[:, cv2.CC_STAT_AREA] < min_area
    touching[0] = False
    return touching[labels]


def _drawn_parts(region: np.ndarray, measures: PictureMeasures, min_area: int) -> int:
    """How many 8-connected parts of `region` (H,W bool) have at least `min_area` pixels and are
    not the paper's colour by the speck rule's test: such a part is paper the network kept round
    a shadow, which the speck rule then removes."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        region.astype(np.uint8), connectivity=8
    )
    parts = 0
    for label in np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= min_area) + 1:
        x, y, w, h = (int(v) for v in stats[label, :4])
        box = (slice(y, y + h), slice(x, x + w))
        parts += not measures.is_paper(labels[box] == label, box)
    return parts


class _Darkening:
    """The soft grey darkening of a picture's paper, full size, and how to tell a fade from it."""

    def __init__(
        self,
        shade: np.ndarray,
        darkened: np.ndarray,
        open_paper: np.ndarray,
        candidates: np.ndarray,
        min_fade_width: float,
    ) -> None:
        self.shade = shade  # (H,W) float32: levels darker than the fitted paper
        self.open_paper = open_paper  # (H,W) bool: transparent and joined to the border
        self.min_fade_width = min_fade_width
        # Stretches of darkening: the opaque candidates and the darkening on the open paper
        # they join; computed when a flat piece first asks.
        self._darkened = darkened
        self._candidates = candidates
        self._stretches: np.ndarray | None = None
        self._next_to_clear: np.ndarray | None = None

    def fades_out(self, piece: np.ndarray, box: tuple[slice, slice], at_rim: float) -> bool:
        """Whether the darkening that the piece (`box`'s bool crop) joins on the open paper fades
        out beyond it: it ends lighter than `at_rim`, the piece's shade at its border, over a
        wide band (`FADE_END_SHARE`, `MIN_FADE_WIDTH`)."""
        if self._stretches is None:
            self._stretches = cv2.connectedComponents(
                ((self._darkened & self.open_paper) | self._candidates).astype(np.uint8),
                connectivity=8,
            )[1]
            clear = (self.open_paper & ~self._darkened).astype(np.uint8)
            self._next_to_clear = cv2.dilate(clear, np.ones((3, 3), np.uint8)).astype(bool)
        stretch = self._stretches == self._stretches[box][piece][0]
        end = stretch & self._next_to_clear
        if not end.any():
            return False
        if float(np.median(self.shade[end])) > FADE_END_SHARE * at_rim:
            return False
        beyond = self.shade[stretch & self.open_paper]
        band = (beyond >= 0.25 * at_rim) & (beyond <= 0.75 * at_rim)
        return int(band.sum()) >= self.min_fade_width * int(end.sum())


def _pixels_on_picture_edge(
    piece: np.ndarray, box: tuple[slice, slice], shape: tuple[int, ...]
) -> int:
    """How many pixels of `piece` (`box`'s bool crop of a picture of `shape`) lie on the
    picture's outermost rows and columns."""
    count = 0
    if box[0].start == 0:
        count += int(piece[0].sum())
    if box[0].stop >= shape[0]:
        count += int(piece[-1].sum())
    if box[1].start == 0:
        count += int(piece[:, 0].sum())
    if box[1].stop >= shape[1]:
        count += int(piece[:, -1].sum())
    return count


def _is_shadow(piece: np.ndarray, box: tuple[slice, slice], darkening: _Darkening) -> bool:
    """Whether a soft grey opaque `piece` (`box`'s bool crop) is a shadow: enough of its border
    lies on the open paper, the darkening goes on 3 px past it, and it fades: it is lighter at
    that border than in its middle, or the darkening it joins beyond fades out
    (`_Darkening.fades_out`; module docstring)."""
    open_paper = darkening.open_paper[box]
    shade = darkening.shade[box]
    cross = np.ones((3, 3), np.uint8)
    grown = cv2.dilate(piece.astype(np.uint8), cross).astype(bool)
    border = grown & ~piece
    on_open = border & open_paper
    # Where the piece runs off the picture, the darkening goes on beyond it: that stretch of its
    # border counts as open, not as figure.
    off_picture = _pixels_on_picture_edge(piece, box, darkening.open_paper.shape)
    if on_open.sum() + off_picture < MIN_OPEN_BORDER * (border.sum() + off_picture):
        return False
    rim = piece & cv2.dilate(on_open.astype(np.uint8), cross).astype(bool)
    beyond = cv2.dilate(grown.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    ring = beyond & ~cv2.dilate(grown.astype(np.uint8), cross).astype(bool) & open_paper
    if not rim.any() or not ring.any():
        return False
    middle = float(np.median(shade[piece]))
    at_rim = float(np.median(shade[rim]))
    if middle < MIN_PIECE_SHADE or float(np.median(shade[ring])) < FADE_SHARE * at_rim:
        return False
    return middle - at_rim >= FADE_LEVELS or darkening.fades_out(piece, box, at_rim)
