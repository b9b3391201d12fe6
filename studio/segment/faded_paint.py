"""Pale paint the network faded like a cast shadow, made opaque.

The network learned that a soft grey stretch along a figure's outline, mostly under it, is a
cast shadow and gives it an opacity of 0.5-0.95. It does the same to pale parts of the figure
that lie there: a flag's light bottom band, a television's pale base, an eye's lower lid, a
speaker's light cone. The cut-out keeps them at alpha 128-249, so they show the chat through
the sticker, and `see_through.see_through_spots` leaves them: they join the open paper through
the faded outline.

Such a stretch is paint when its colour is not the paper's and not a grey darkening of it: a
shadow darkens the paper alike in every channel (`shadows.is_grey`), and a faded pixel of
the paper's own colour may be paper the network half kept (between two digits, above a tram).
The stretch is taken only where it lies more than `DEPTH` pixels inside the cut-out and is
`WIDTH` pixels across: the figure's own soft outline stays soft (made opaque, it turns jagged),
and so does the faded margin of the stretch itself.

Grey paint (a flag's light-grey band) is left as cut: grey is what a shadow is, and sparing
grey shadows matters more. Soft shadows are `shadows.soft_shadows`'s, which runs after.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment import paper_gaps, shadows
from studio.segment.channels import channel_max, channel_sum
from studio.segment.see_through import HALF_ALPHA, SOLID_ALPHA

# A faded pixel counts when it lies more than this many pixels (at 512 px) from the nearest
# pixel the cut-out leaves clear (below half opacity): the soft outline is 2-3 px wide.
DEPTH = 3.0
# ... within a stretch at least this many pixels across (at 512 px): thinner slivers along an
# edge are the outline's own fade.
WIDTH = 5
# ... whose colour (after a 3x3 median) is further than this from the paper in some channel:
# nearer, it may be paper the network half kept.
PAPER_LEVELS = paper_gaps.NEAR_PAPER_LEVELS


def _grey_darkening(offsets: np.ndarray) -> np.ndarray:
    """(H,W) bool: pixels whose offsets from the paper (H,W,3) make them a grey darkening of
    it, as a shadow is (`shadows.is_grey`)."""
    shade = -channel_sum(offsets) / 3.0
    return (shade > 0) & shadows.is_grey(offsets, shade)


def faded_paint(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(H,W) bool: the stretches of cut-out `mask` (H,W uint8) on picture `rgb` (H,W,3 uint8)
    that are pale paint the network faded (module docstring), to be made opaque."""
    scale = max(mask.shape) / 512.0
    depth = cv2.distanceTransform((mask >= HALF_ALPHA).astype(np.uint8), cv2.DIST_L2, 3)
    candidate = (mask < SOLID_ALPHA) & (depth > DEPTH * scale)  # faded, and deep enough
    if not candidate.any():
        return candidate
    # The colour test only where it can matter: the box round the deep faded pixels, one pixel
    # wider for the median.
    rows, cols = np.nonzero(candidate)
    box = (
        slice(max(0, rows.min() - 1), rows.max() + 2),
        slice(max(0, cols.min() - 1), cols.max() + 2),
    )
    paper = paper_gaps.Paper.measure(rgb).field[box]
    offsets = cv2.medianBlur(np.ascontiguousarray(rgb[box]), 3).astype(np.float32) - paper
    candidate[box] &= (channel_max(np.abs(offsets)) > PAPER_LEVELS) & ~_grey_darkening(offsets)
    width = max(3, round(WIDTH * scale) | 1)  # odd, for a centred disc
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))
    return cv2.morphologyEx(candidate.astype(np.uint8), cv2.MORPH_OPEN, disc).astype(bool)
