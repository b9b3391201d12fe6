"""Specks: small, pale islands of a cut-out mask, detached from the figure.

Generated paper is not clean: Emojich leaves faint cyan streaks and blotches near the outline,
(245, 252, 252) on paper of (253, 252, 252), and the network sometimes keeps one as a pale,
half-opaque island next to the figure. On a dark chat background it shows as a grey smudge.
Such an island is told from a real detached part (a sweat drop, a sparkle, a music note) by
two facts the picture holds: it is small beside the figure, and every pixel of it is within
the background prior's tolerance of the paper colour, where a drawn part has colour or an
outline somewhere. An island that is nowhere opaque (a faint smudge of paper the network was
unsure of) counts whatever its size, up to the figure's: a drawn part has an opaque core. So
does one of the paper's colour that the network itself doubts (`paper_gaps.SURE_PROBABILITY`,
as the paper-gap rule reads it), up to a shadow piece's size, when it lies on the open paper:
the paper between two people that it half kept, on pure white paper no other rule measures; a
drawn part that large is one it is sure of. One the figure walls in is white paint the edge
step cut off from it (a white bar in a blue square), and stays.

A soft cast shadow's dark core, cut off from the figure, is the other kind of island that is
not drawn: grey (the paper darkened alike in every channel) and soft on every side, where a
drawn part, even a grey one, has an edge against the paper somewhere. That test is strict, so
a shadow piece may be wider than a speck.

Last, a faint bit: a tiny island of the opaque region (a few pixels) that is nowhere firmly
opaque. It is a fringe the network only just kept over half opacity, mostly a soft shadow's
dark core beside the figure's edge, where the shadow test's softness fails on the figure's
own edge; a drawn part, however small, has a firmly opaque core. And an edge chip: a tiny
island of the opaque region, firm or not, within a hair (2 px at 512 px) of the figure. It is
a sliver the network broke off the figure's edge into the paper or a soft shadow beside it (a
finger's shadowed underside); a drawn part that small stands further off, or the gap would not
show. And a border sliver: a small island of the opaque region lying wholly along the picture's
border (within 4 px at 512 px), mostly a soft shadow, an anti-aliased outline the border cuts or
the decoder's ringing, kept as a line a few pixels thick; a drawn part cut by the border joins
the figure or shows more of itself than a line.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.paper_gaps import SURE_PROBABILITY

# A mask pixel this opaque (0..255) or more belongs to an island: fainter ones do not show.
VISIBLE_ALPHA = 16
# Islands are also looked for among pixels this opaque: the cut-out's own opaque region.
OPAQUE_ALPHA = 128
# An island is small when it covers at most this share of the picture and of the largest part.
MAX_PICTURE_SHARE = 0.02
MAX_FIGURE_SHARE = 0.25
# A shadow piece may be larger, up to this share of the picture: its test (soft on every side,
# grey, darker than the paper) is strict, and a wide soft shadow cut off from the figure is
# wider than a speck (an OpenMoji shield's, 2.6% of the picture).
MAX_SHADOW_PICTURE_SHARE = 0.06
# Its palest 90% of pixels are within this many levels (largest over RGB) of the fitted paper.
PAPER_LEVELS = float(contour.DEFAULT_TOLERANCE)
# A shadow piece: nowhere on it or within a pixel of it does the picture's grey level change by
# more than this many levels per pixel (Sobel, normalised); a drawn part's edge against the
# paper does, even blurred and upscaled (a step of 60 levels over 3 px is 20 per pixel) ...
SOFT_EDGE_LEVELS = 10.0
# ... its pixels are darker than the paper, alike in every channel: the largest channel
# difference of their offsets from the paper is within this many levels (90th percentile).
GREY_SPREAD_LEVELS = 20.0
# A faint bit: an island of the opaque region of at most this many pixels (at 512 px, scaled
# with the picture's area) whose alpha never reaches `FIRM_ALPHA`.
FAINT_BIT_AREA = 32
FIRM_ALPHA = 200
# An edge chip: an island of the opaque region as small as a faint bit that comes within this
# many pixels (at 512 px, scaled with the picture's side) of the largest part.
CHIP_GAP = 2
# A border sliver: an island of the opaque region of at most this many pixels (at 512 px,
# scaled with the picture's area) lying wholly within `SLIVER_BAND` pixels (at 512 px) of the
# picture's border. Four pixels, not three: the decoder's ringing under a figure's bottom edge
# leaves a pale line four rows deep along the border, the one speck kept on the validation
# samples (the model card, "A border sliver four pixels deep").
SLIVER_AREA = 64
SLIVER_BAND = 4
# Specks are looked for again after clearing, at most this many times in all: clearing one with
# its faint fringe can cut the only link between the figure and a faint smudge of paper beyond
# it, detached only then (on a real 512 px Emojich output, 5,000 px at alpha up to 121 under
# the figure, left by one network after the first round).
SPECK_ROUNDS = 3


def grey_slope(grey: np.ndarray) -> np.ndarray:
    """(H,W) float32: how fast the grey level `grey` (H,W float32) changes, in levels per pixel
    (Sobel, normalised)."""
    dx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    dy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    return np.hypot(dx, dy) / 8.0


class PictureMeasures:
    """What the island tests measure on the picture, each computed once, when first needed."""

    def __init__(self, rgb: np.ndarray) -> None:
        self.rgb = rgb
        self._offsets: np.ndarray | None = None
        self._slope: np.ndarray | None = None

    @property
    def offsets(self) -> np.ndarray:
        """(H,W,3) float32: the picture less the fitted paper."""
        if self._offsets is None:
            field, _ = contour.background_field(self.rgb)
            self._offsets = self.rgb.astype(np.float32) - field
        return self._offsets

    @property
    def slope(self) -> np.ndarray:
        """(H,W) float32: how fast the grey level changes, in levels per pixel."""
        if self._slope is None:
            self._slope = grey_slope(cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32))
        return self._slope

    def is_paper(self, island: np.ndarray, box: tuple[slice, slice]) -> bool:
        """Whether the island's (True inside `box`) palest 90% are within `PAPER_LEVELS` of
        the paper."""
        distance = np.abs(self.offsets[box][island]).max(axis=1)
        return float(np.percentile(distance, 90)) <= PAPER_LEVELS

    def is_shadow(self, island: np.ndarray, box: tuple[slice, slice]) -> bool:
        """Whether the island (True inside `box`, a crop one pixel wider than it) is a soft,
        grey darkening of the paper (module docstring)."""
        near = cv2.dilate(island.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        if self.slope[box][near].max() > SOFT_EDGE_LEVELS:
            return False
        offsets = self.offsets[box][island]
        spread = offsets.max(axis=1) - offsets.min(axis=1)
        darker = float(np.median(offsets.mean(axis=1))) < 0
        return darker and float(np.percentile(spread, 90)) <= GREY_SPREAD_LEVELS


def _specks_at(
    mask: np.ndarray, level: int, picture: PictureMeasures, probability: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The specks among the islands of `mask >= level`: (pale specks (H,W) bool, shadow pieces
    (H,W) bool, the other parts (H,W) bool). `probability`: the network's opacity (H,W), or
    None (no island is then doubted)."""
    parts = mask >= level
    count, labels, stats, _ = cv2.connectedComponentsWithStats(parts.astype(np.uint8), 8)
    none = np.zeros(mask.shape, dtype=bool)
    if count <= 2:  # background and at most one part
        return none, none, parts
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.int64)
    areas[0] = 0
    largest = int(areas.max())
    small = (areas <= MAX_PICTURE_SHARE * mask.size) & (areas <= MAX_FIGURE_SHARE * largest)
    roomy = (areas <= MAX_SHADOW_PICTURE_SHARE * mask.size) & (areas <= MAX_FIGURE_SHARE * largest)
    # Nowhere opaque: a faint smudge, however wide (on a real 512 px Emojich picture a network
    # once kept 7,000 px of paper in a corner at alpha 16-79).
    opaque = np.bincount(labels[mask >= OPAQUE_ALPHA], minlength=count)
    faint = (opaque == 0) & (areas < largest)
    speckish = small | faint  # specks if they are also the paper's colour, or a shadow's
    doubted = np.zeros(count, dtype=bool)
    if probability is not None:
        # Doubted by the network: up to a shadow piece's size, if it lies on the open paper.
        belief = np.bincount(labels.ravel(), weights=probability.ravel(), minlength=count)
        doubted = roomy & ~speckish & (belief < SURE_PROBABILITY * np.maximum(areas, 1))
        speckish |= doubted
    candidates = speckish | roomy  # the larger ones only if a shadow's
    candidates[0] = False
    candidates[int(areas.argmax())] = False
    if not candidates.any():
        return none, none, parts
    # What the parts leave of the picture joined to its border.
    open_paper = contour.border_connected(~parts) if doubted.any() else None
    pale = np.zeros(count, dtype=bool)
    shadow = np.zeros(count, dtype=bool)
    for label in np.flatnonzero(candidates):
        x, y, w, h = (int(v) for v in stats[label, :4])
        box = (slice(max(0, y - 1), y + h + 1), slice(max(0, x - 1), x + w + 1))
        island = labels[box] == label
        pale[label] = speckish[label] and picture.is_paper(island, box)
        if pale[label] and doubted[label]:
            pale[label] = _touches(island, open_paper[box])
        shadow[label] = not pale[label] and picture.is_shadow(island, box)
    pale_found, shadow_found = pale[labels], shadow[labels]
    return pale_found, shadow_found, parts & ~pale_found & ~shadow_found


def _touches(island: np.ndarray, open_paper: np.ndarray) -> bool:
    """Whether `island` (a crop, bool) has open paper (the same crop) beside it: it lies on the
    paper the figure half encloses, not walled in by the figure (a white bar in a blue square
    that the edge step cut off from the square)."""
    beside = cv2.dilate(island.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return bool((beside & open_paper).any())


def _tiny_bits(mask: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(faint bits, edge chips, border slivers), each (H,W) bool (module docstring), among the
    islands of `parts` (H,W bool, the opaque region less the specks found), the largest never
    one."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(parts.astype(np.uint8), 8)
    none = np.zeros(mask.shape, dtype=bool)
    if count <= 2:
        return none, none, none
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.int64)
    areas[0] = 0
    largest = int(areas.argmax())
    peak = np.zeros(count, dtype=np.int64)
    np.maximum.at(peak, labels[parts], mask[parts].astype(np.int64))
    tiny = areas <= FAINT_BIT_AREA * mask.size / 512.0**2
    tiny[0] = tiny[largest] = False
    faint = tiny & (peak < FIRM_ALPHA)
    gap = max(1, round(CHIP_GAP * max(mask.shape) / 512.0))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * gap + 1, 2 * gap + 1))
    beside = cv2.dilate((labels == largest).astype(np.uint8), disc).astype(bool)
    chips = tiny & ~faint & (np.bincount(labels[beside], minlength=count) > 0)
    height, width = mask.shape
    band = max(1, round(SLIVER_BAND * max(height, width) / 512.0))
    inner = np.zeros(mask.shape, dtype=bool)
    inner[band : height - band, band : width - band] = True
    reaches_in = np.bincount(labels[inner], minlength=count) > 0
    small = areas <= SLIVER_AREA * mask.size / 512.0**2
    slivers = small & ~reaches_in & ~faint & ~chips
    slivers[0] = slivers[largest] = False
    return faint[labels], chips[labels], slivers[labels]


# The kinds of island removed, numbered as `Specks.kinds` marks them, in the order the review
# note lists them, with their names for one and for several.
PALE, SHADOW, FAINT, CHIP, SLIVER = range(1, 6)
KIND_NAMES = {
    PALE: ("pale speck", "pale specks"),
    SHADOW: ("shadow piece", "shadow pieces"),
    FAINT: ("faint bit", "faint bits"),
    CHIP: ("edge chip", "edge chips"),
    SLIVER: ("border sliver", "border slivers"),
}


class Specks(NamedTuple):
    """What `detached_specks` found: the pixels to clear and the islands of each kind."""

    pixels: np.ndarray  # (H,W) bool, the islands with their faint fringe
    kinds: np.ndarray  # (H,W) uint8: the kind (`PALE` ... `SLIVER`) of the island there, or 0

    def count(self, kind: int) -> int:
        """How many islands of `kind` were found."""
        return _count(self.kinds == kind)


def detached_specks(
    rgb: np.ndarray, mask: np.ndarray, probability: np.ndarray | None = None
) -> Specks:
    """The specks of `mask` (H,W uint8) on picture `rgb` (H,W,3 uint8), with their faint
    fringe, and the kind of each: islands other than the largest that are small and the
    paper's own colour (pale specks), a soft shadow's grey (shadow pieces), tiny and either
    nowhere firmly opaque (faint bits) or a hair from the figure (edge chips), or small and
    wholly along the picture's border (border slivers) (module docstring). Islands are looked
    for twice: among all visible pixels (alpha >= `VISIBLE_ALPHA`), for faint specks, and among
    the opaque ones (alpha >= 128), for specks, faint bits, chips and slivers that a faint halo
    joins to the figure. `probability`: the network's opacity (H,W float, at the picture's
    size), when a network cut it: a paper-coloured island it doubts may be larger."""
    total = np.zeros(mask.shape, dtype=bool)
    kinds = np.zeros(mask.shape, dtype=np.uint8)
    picture = PictureMeasures(rgb)
    ring = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    for level in (VISIBLE_ALPHA, OPAQUE_ALPHA):
        pale, shadow, others = _specks_at(mask, level, picture, probability)
        faint = chips = slivers = np.zeros_like(others)
        if level == OPAQUE_ALPHA:
            faint, chips, slivers = _tiny_bits(mask, others)
        others &= ~(faint | chips | slivers)
        found = pale | shadow | faint | chips | slivers
        if not found.any():
            continue
        # An island already cleared at the lower level keeps the kind it was found as.
        for kind, region in zip(KIND_NAMES, (pale, shadow, faint, chips, slivers), strict=True):
            kinds[region & ~total] = kind
        # With their faint fringe (3 px), short of the other parts and their own fringe.
        grown = cv2.dilate(found.astype(np.uint8), ring).astype(bool)
        keep = cv2.dilate(others.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        total |= grown & ~keep
    return Specks(total, kinds)


def _count(region: np.ndarray) -> int:
    return cv2.connectedComponents(region.astype(np.uint8), connectivity=8)[0] - 1


def remove_specks(
    rgb: np.ndarray, mask: np.ndarray, probability: np.ndarray | None = None
) -> tuple[np.ndarray, str | None]:
    """`mask` without its specks (`detached_specks`), and a note for review when any went: the
    cut-out changed where the network was sure, so a person should look once. Looked for
    again after each clearing, `SPECK_ROUNDS` times at most: a speck cleared with its fringe
    may have been the only link between the figure and more paper beyond it. `probability`:
    as for `detached_specks`."""
    cleaned = mask
    rounds: list[Specks] = []
    for _ in range(SPECK_ROUNDS):
        specks = detached_specks(rgb, cleaned, probability)
        if not specks.pixels.any():
            break
        rounds.append(specks)
        cleaned = cleaned.copy()
        cleaned[specks.pixels] = 0
    counts = _areas_cleared(cleaned != mask, rounds)
    notes = [
        f"{counts[kind]} {one if counts[kind] == 1 else many}"
        for kind, (one, many) in KIND_NAMES.items()
        if counts[kind]
    ]
    if not notes:
        return mask, None
    listed = notes[0] if len(notes) == 1 else f"{', '.join(notes[:-1])} and {notes[-1]}"
    return cleaned, f"removed {listed} detached from the figure"


def _areas_cleared(cleared: np.ndarray, rounds: list[Specks]) -> dict[int, int]:
    """How many areas of each kind the rounds cleared: each connected area of `cleared` (H,W
    bool) counts once for each kind of island the earliest round that reached it found there.
    A later round's island that touches what an earlier one cleared is what is left of that
    island: its faint halo, which clearing its core broke into pieces (the paper between two
    people left some twenty), or a smudge a faint thread joined to it."""
    count, labels = cv2.connectedComponents(cleared.astype(np.uint8), connectivity=8)
    settled = np.zeros(count, dtype=bool)
    settled[0] = True  # not cleared
    counts = dict.fromkeys(KIND_NAMES, 0)
    for specks in rounds:
        reached = np.zeros(count, dtype=bool)
        for kind in KIND_NAMES:
            present = np.bincount(labels[specks.kinds == kind], minlength=count) > 0
            counts[kind] += int((present & ~settled).sum())
            reached |= present
        settled |= reached
    return counts
