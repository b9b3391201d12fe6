"""Specks: small, pale islands of a cut-out mask, detached from the figure.

Generated paper is not clean: Emojich leaves faint cyan streaks and blotches near the outline,
(245, 252, 252) on paper of (253, 252, 252), and the network sometimes keeps one as a pale,
half-opaque island next to the figure. On a dark chat background it shows as a grey smudge.
Such an island is told from a real detached part (a sweat drop, a sparkle, a music note) by
two facts the picture holds: it is small beside the figure, and every pixel of it is within
the background prior's tolerance of the paper colour, where a drawn part has colour or an
outline somewhere. An island that is nowhere opaque (a faint smudge of paper the network was
unsure of) counts whatever its size, up to the figure's: a drawn part has an opaque core.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import contour

# A mask pixel this opaque (0..255) or more belongs to an island: fainter ones do not show.
VISIBLE_ALPHA = 16
# Islands are also looked for among pixels this opaque: the cut-out's own opaque region.
OPAQUE_ALPHA = 128
# An island is small when it covers at most this share of the picture and of the largest part.
MAX_PICTURE_SHARE = 0.02
MAX_FIGURE_SHARE = 0.25
# Its palest 90% of pixels are within this many levels (largest over RGB) of the fitted paper.
PAPER_LEVELS = float(contour.DEFAULT_TOLERANCE)


def _specks_at(
    mask: np.ndarray, level: int, distance: np.ndarray | None, rgb: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The specks among the islands of `mask >= level`: (specks (H,W) bool, the other parts
    (H,W) bool, the paper distance (computed once, when first needed))."""
    parts = mask >= level
    count, labels, stats, _ = cv2.connectedComponentsWithStats(parts.astype(np.uint8), 8)
    none = np.zeros(mask.shape, dtype=bool)
    if count <= 2:  # background and at most one part
        return none, parts, distance
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.int64)
    areas[0] = 0
    largest = int(areas.max())
    small = (areas <= MAX_PICTURE_SHARE * mask.size) & (areas <= MAX_FIGURE_SHARE * largest)
    # Nowhere opaque: a faint smudge, however wide (on a real 512 px Emojich picture a network
    # once kept 7,000 px of paper in a corner at alpha 16-79).
    opaque = np.bincount(labels[mask >= OPAQUE_ALPHA], minlength=count)
    faint = (opaque == 0) & (areas < largest)
    candidates = small | faint  # specks if they are also the paper's colour
    candidates[0] = False
    candidates[int(areas.argmax())] = False
    if not candidates.any():
        return none, parts, distance
    if distance is None:
        field, _ = contour.background_field(rgb)
        distance = np.abs(rgb.astype(np.float32) - field).max(axis=2)
    specks = np.zeros(count, dtype=bool)
    for label in np.flatnonzero(candidates):
        specks[label] = np.percentile(distance[labels == label], 90) <= PAPER_LEVELS
    found = specks[labels]
    return found, parts & ~found, distance


def detached_specks(rgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, int]:
    """(H,W) bool of the specks of `mask` (H,W uint8) on picture `rgb` (H,W,3 uint8), with their
    faint fringe, and how many there are: islands other than the largest that are small and the
    paper's own colour (module docstring). Islands are looked for twice: among all visible
    pixels (alpha >= `VISIBLE_ALPHA`), for faint specks, and among the opaque ones (alpha >=
    128), for specks that a faint halo joins to the figure."""
    total = np.zeros(mask.shape, dtype=bool)
    count = 0
    distance = None
    ring = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    for level in (VISIBLE_ALPHA, OPAQUE_ALPHA):
        found, others, distance = _specks_at(mask, level, distance, rgb)
        if not found.any():
            continue
        count += cv2.connectedComponents((found & ~total).astype(np.uint8), connectivity=8)[0] - 1
        # With their faint fringe (3 px), short of the other parts and their own fringe.
        grown = cv2.dilate(found.astype(np.uint8), ring).astype(bool)
        keep = cv2.dilate(others.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        total |= grown & ~keep
    return total, count


def remove_specks(rgb: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, str | None]:
    """`mask` without its specks (`detached_specks`), and a note for review when any went: the
    cut-out changed where the network was sure, so a person should look once."""
    specks, count = detached_specks(rgb, mask)
    if count == 0:
        return mask, None
    cleaned = mask.copy()
    cleaned[specks] = 0
    noun = "speck" if count == 1 else "specks"
    return cleaned, f"removed {count} pale {noun} detached from the figure"
