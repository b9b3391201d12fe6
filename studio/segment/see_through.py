"""See-through spots inside the figure, made opaque.

Where the network is unsure inside the figure (a light-blue arrow's shaft inside its black
outline, a pale hub cap, a light-grey fill), its probability sags to 0.6-0.8 and the cut-out
keeps the spot at alpha 150-240: a faded patch that shows the chat through the sticker. A drawn
emoji has no see-through paint. The only semi-transparent parts it draws are soft cast shadows,
and `shadows.soft_shadows` runs after this step and makes those semi-transparent by its own
tests on the opaque cut-out. A shadow the figure walls in wholly meets no open paper, which
those tests ask for, so it stays opaque with the rest: the loss measured below.

A spot counts when opaque figure walls it in: a stretch of the cut-out below `SOLID_ALPHA` that
holds no pixel below half opacity (so the cut-out already calls all of it figure, never a hole
it is unsure of) and does not touch the picture's border (a figure cut by the border may fade
into it there).

Measured on the validation samples (1,260 pictures; the model card's section "See-through
spots inside the figure"), sparing the grey spots darker than the paper, as a shadow is, gave up
two fifths of the gain and spared a sixth of the loss: spots walled in wholly by the figure are
seldom shadows.
"""

from __future__ import annotations

import cv2
import numpy as np

# Opaque in the cut-out: at least this alpha (0..255); below it, a pixel shows what is behind.
SOLID_ALPHA = 250
# Half opaque: a stretch holding a pixel below this is a hole or an edge, not a faded spot.
HALF_ALPHA = 128


def see_through_spots(mask: np.ndarray) -> np.ndarray:
    """(H,W) bool: the faded stretches of cut-out `mask` (H,W uint8) that opaque figure walls
    in, to be made opaque (module docstring)."""
    height, width = mask.shape
    faded = (mask < SOLID_ALPHA).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(faded, connectivity=8)
    spot = np.bincount(labels[mask < HALF_ALPHA], minlength=count) == 0
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    right = left + stats[:, cv2.CC_STAT_WIDTH]
    bottom = top + stats[:, cv2.CC_STAT_HEIGHT]
    spot &= (left > 0) & (top > 0) & (right < width) & (bottom < height)
    spot[0] = False  # label 0: the opaque figure
    return spot[labels]
