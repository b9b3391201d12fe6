"""Contour cut-outs: the background is the near-white region that touches the image border.

Emojich draws one emoji on a white (sometimes slightly off-white, JPEG-noisy) background. The
reference pipeline cleared the seven longest near-white contours, which also punches out white
parts *inside* the figure (eyes, teeth, snow). Here only near-white pixels connected to the border
count as background, so enclosed white stays opaque; small holes and specks are cleaned and the
edge is softened so the sticker does not look cut with scissors.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment.channels import channel_max, channel_min
from studio.segment.memo import per_picture

# How far (max over RGB, 0..255) a pixel may be from the estimated background colour and still
# count as background. Emojich's white is noisy JPEG-like white, so exact 255 would leak specks.
DEFAULT_TOLERANCE = 24


# The lowest level any channel of the paper can have: only a light colour is a background here.
LIGHT_LEVEL = 180


def background_colour(rgb: np.ndarray) -> np.ndarray:
    """The background colour, estimated from the brightest half of the border pixels (H,W,3)->(3,).

    Using the bright half ignores the parts of the figure that touch the border.
    """
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).astype(np.float32)
    brightness = border.sum(axis=1)
    bright = border[brightness >= np.median(brightness)]
    colour = np.median(bright, axis=0)
    # Only a light colour can be a background here; a dark border means the figure fills it.
    return colour if colour.min() >= LIGHT_LEVEL else np.array([255.0, 255.0, 255.0], np.float32)


def near_background(rgb: np.ndarray, tolerance: int = DEFAULT_TOLERANCE) -> np.ndarray:
    """Boolean (H,W): pixels within `tolerance` of the background colour (or brighter)."""
    colour = background_colour(rgb).astype(np.int16)  # whole levels, as the picture's
    # Pixels brighter than the background are background too (highlights on off-white paper):
    # every channel at least the background's less the tolerance.
    lowest = tuple(int(level) for level in np.clip(colour - tolerance, 0, 255))
    return cv2.inRange(np.ascontiguousarray(rgb), lowest, (255, 255, 255)) > 0


def border_connected(candidate: np.ndarray) -> np.ndarray:
    """Boolean (H,W): the parts of `candidate` that are 4-connected to the image border."""
    count, labels = cv2.connectedComponents(candidate.astype(np.uint8), connectivity=4)
    if count <= 1:
        return np.zeros_like(candidate, dtype=bool)
    edge_labels = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    edge_labels = edge_labels[edge_labels != 0]
    keep = np.zeros(count, dtype=bool)
    keep[edge_labels] = True
    return keep[labels] & candidate


def background_prior(rgb: np.ndarray, tolerance: int = DEFAULT_TOLERANCE) -> np.ndarray:
    """Boolean (H,W): near-white pixels connected to the border, before any cleaning.

    This exact rule is an input of our shipped network (it was trained with it): changing it
    means retraining. `contour_mask` uses the finer `background_field` instead.
    """
    return border_connected(near_background(rgb, tolerance))


# A near-white region that touches the picture's border along at most this share of the length
# of its outline inside the picture counts as enclosed too: the figure encloses it together with
# the frame that cuts the figure (a white star whose tip reaches the border, a flag's white field
# cut by it). Open paper runs along the border for much more of its outline, and paper that two
# parts of a cut figure wall off from the rest (between two legs) meets the border widely.
ENCLOSED_BORDER_SHARE = 0.1


def enclosed_paper(rgb: np.ndarray, tolerance: int = DEFAULT_TOLERANCE) -> tuple[int, np.ndarray]:
    """The near-white regions the figure encloses, alone or with the picture's border
    (`ENCLOSED_BORDER_SHARE`): (count, labels (H,W) int32), label 0 for every other pixel. Each
    is one flat stretch of paper colour, so it is white paint (an eye, a tooth) or a see-through
    hole (a ring, a wheel) as a whole, never half of each. The region holding most of the
    border is the open paper whatever its shape, and never counts."""
    near = near_background(rgb, tolerance)
    count, labels = cv2.connectedComponents(near.astype(np.uint8), connectivity=4)
    if count <= 1:
        return 1, np.zeros(labels.shape, dtype=np.int32)
    frame = np.concatenate([labels[0], labels[-1], labels[1:-1, 0], labels[1:-1, -1]])
    on_border = np.bincount(frame, minlength=count)
    on_border[0] = 0
    # Outline: the region's pixels beside another region or the figure (not beside the frame).
    inner = cv2.erode(
        near.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE
    )
    outline = np.bincount(labels[near & (inner == 0)], minlength=count)
    enclosed = on_border <= ENCLOSED_BORDER_SHARE * outline
    enclosed[on_border.argmax()] = False
    enclosed[0] = False
    kept = np.flatnonzero(enclosed)
    renumbered = np.zeros(count, dtype=np.int32)
    renumbered[kept] = np.arange(1, len(kept) + 1, dtype=np.int32)
    return len(kept) + 1, renumbered[labels]


@per_picture()
def background_field(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """The background as a plane fitted to the bright border pixels light in every channel
    (refitted without those far from it: bright parts of the figure the border cuts), (H,W,3)
    float32, and the noise level (robust standard deviation, 0..255) of the border pixels it
    keeps.

    A plane follows the faint gradients of a scanned or generated off-white background, which a
    single colour does not. Every step after the network asks for it: the result is kept for
    the next caller (`memo.per_picture`) and the field is read-only.
    """
    return _fit_background_field(rgb)


# Bright parts of the figure on the border (a pale sign or a white card cut by the frame) can
# be among the bright half of the border pixels the plane is fitted to, and a least-squares
# plane tilts towards them by several levels over the whole picture: the paper then reads as
# a shadow to every step measuring against it (the network's paper distance too). The fit
# therefore starts from a plane through the median colour of each side, which such a part
# moves only where it covers half a side, and is repeated without the border pixels farther
# from the plane than this many levels, or this many times the noise, until they stay the same.
FIT_OUTLIER_LEVELS = 3.0
FIT_OUTLIER_NOISE = 3.0
FIT_ROUNDS = 4


def _fit_background_field(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    height, width = rgb.shape[:2]
    ys = np.concatenate(
        [np.zeros(width), np.full(width, height - 1), np.arange(height), np.arange(height)]
    ).astype(np.float32)
    xs = np.concatenate(
        [np.arange(width), np.arange(width), np.zeros(height), np.full(height, width - 1)]
    ).astype(np.float32)
    border = rgb[ys.astype(int), xs.astype(int)].astype(np.float32)  # (K,3)
    brightness = border.sum(axis=1)
    keep = brightness >= np.median(brightness)
    flat = background_colour(rgb)
    if keep.sum() < 8 or border[keep].min() < 150:
        return np.broadcast_to(flat, rgb.shape).astype(np.float32), 2.0
    # Of the bright half, only pixels light in every channel: a figure covering most of the
    # border (a pale blue key cut by two sides) has parts in the bright half, and a plane
    # through them and the paper tilts across the figure's colours by a hundred levels.
    keep &= border.min(axis=1) >= LIGHT_LEVEL
    if keep.sum() < 8:
        return np.broadcast_to(flat, rgb.shape).astype(np.float32), 2.0
    design = np.stack([np.ones(len(border)), xs / width, ys / height], axis=1)
    side = np.repeat(np.arange(4), [width, width, height, height])
    coeffs = _plane_through_sides(design, border, keep, side)
    for _ in range(FIT_ROUNDS):
        residual = border - design @ coeffs
        limit = max(FIT_OUTLIER_LEVELS, FIT_OUTLIER_NOISE * _robust_noise(residual[keep]))
        trimmed = keep & (np.abs(residual).max(axis=1) <= limit)
        if trimmed.sum() < 8:
            break
        settled = bool((trimmed == keep).all())
        keep = trimmed
        coeffs, *_ = np.linalg.lstsq(design[keep], border[keep], rcond=None)  # (3 terms, 3 ch)
        if settled:
            break
    noise = _robust_noise(border[keep] - design[keep] @ coeffs)
    # The plane as one row and one column added (a quarter of the time of a full grid).
    across = coeffs[0] + (np.arange(width, dtype=np.float32) / width)[:, None] * coeffs[1]
    down = (np.arange(height, dtype=np.float32) / height)[:, None] * coeffs[2]
    field = across[None, :, :] + down[:, None, :]
    return np.clip(field, 0, 255, out=field).astype(np.float32), noise


def _plane_through_sides(
    design: np.ndarray, border: np.ndarray, keep: np.ndarray, side: np.ndarray
) -> np.ndarray:
    """The plane's (3 terms, 3 channels) coefficients through the median position and colour
    of the `keep` pixels of each `side` of the border (rows of `design` and `border`), or the
    least-squares plane of all of them when fewer than three sides have enough."""
    points, colours = [], []
    for label in range(4):
        here = keep & (side == label)
        if here.sum() >= 4:
            points.append(np.median(design[here], axis=0))
            colours.append(np.median(border[here], axis=0))
    if len(points) < 3:
        points, colours = design[keep], border[keep]
    coeffs, *_ = np.linalg.lstsq(np.asarray(points), np.asarray(colours), rcond=None)
    return coeffs


def _robust_noise(residual: np.ndarray) -> float:
    """The robust standard deviation (scaled median absolute deviation) of `residual` (K,3)."""
    return float(1.4826 * np.median(np.abs(residual - np.median(residual, axis=0))))


# Colour distances (0..255) that `paper_distance` spreads over [0, 1]: a part 14 off the paper
# colour reads about 0.44, JPEG noise on clean paper stays below about 0.1.
PAPER_DISTANCE_SCALE = 32.0


def paper_distance(rgb: np.ndarray) -> np.ndarray:
    """(H,W) float32 in [0, 1]: how far each pixel's colour is from the fitted paper colour.

    The background prior lumps everything within its tolerance of the paper together, so a
    flat light-grey or bluish-white part with no outline looks like paper to it. This keeps the
    size of the difference (largest over RGB, after a 3x3 median against JPEG noise), so a part
    a few levels off the paper is told from the paper itself, and a hole showing the paper from a
    white part. An input of the network when its weights say so (`Segmenter`).
    """
    field, _ = background_field(rgb)
    smooth = cv2.medianBlur(np.ascontiguousarray(rgb), 3).astype(np.float32)
    distance = channel_max(np.abs(smooth - field))
    return np.clip(distance / PAPER_DISTANCE_SCALE, 0.0, 1.0).astype(np.float32)


def adaptive_background(rgb: np.ndarray, tolerance: int | None = None) -> np.ndarray:
    """Boolean (H,W): pixels close to (or brighter than) the fitted background field.

    Without a `tolerance`, it follows the border's noise: tight on clean white, wider on JPEG
    noise, so faint outlines (a white card's grey edge) still stop the background.
    """
    field, noise = background_field(rgb)
    if tolerance is None:
        tolerance = int(np.clip(8 + 4 * noise, 14, 28))
    diff = rgb.astype(np.float32) - field
    return channel_max(np.abs(np.minimum(diff, 0))) <= tolerance


def _remove_small(mask: np.ndarray, min_area: int) -> np.ndarray:
    """Drop 8-connected components of `mask` smaller than `min_area` pixels."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if count <= 1:
        return mask.astype(bool)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return keep[labels]


def contour_mask(rgb: np.ndarray, tolerance: int | None = None, feather: float = 0.8) -> np.ndarray:
    """Soft alpha (H,W) uint8 for an emoji on a light background; see the module docstring.

    `rgb` is (H,W,3) uint8. `tolerance` (0..255) overrides the noise-adaptive one. `feather` is
    the edge softness in pixels at 512 px (scaled with size).
    """
    height, width = rgb.shape[:2]
    scale = max(height, width) / 512.0
    background = border_connected(adaptive_background(rgb, tolerance))
    opaque = ~background
    # Specks: small opaque islands in the background (JPEG noise, stray dots).
    opaque = _remove_small(opaque, max(4, int(24 * scale * scale)))
    # Holes: small transparent pockets inside the figure become opaque again.
    holes = _remove_small(~opaque, max(4, int(24 * scale * scale)))
    opaque = ~holes
    alpha = opaque.astype(np.float32)
    if feather > 0:
        # Close one-pixel notches first, then blur a little for an anti-aliased edge.
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        alpha = cv2.morphologyEx(alpha, cv2.MORPH_CLOSE, kernel)
        sigma = max(0.3, feather * scale)
        alpha = cv2.GaussianBlur(alpha, (0, 0), sigma)
    return np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)


def reference_contour_mask(rgb: np.ndarray, lower: int = 240, width: int = 2) -> np.ndarray:
    """The reference pipeline's fallback, for comparison only: the seven longest contours of the
    near-white mask are filled as transparent. Works at any size (the reference assumed 512)."""
    white = cv2.inRange(rgb, (lower, lower, lower), (255, 255, 255))
    contours, _ = cv2.findContours(white, cv2.RETR_TREE, cv2.CHAIN_APPROX_NONE)
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    if contours:
        longest = sorted(contours, key=len)[-7:]
        cv2.fillPoly(alpha, longest, 0)
        cv2.drawContours(alpha, longest, -1, 0, width)
    return alpha


def whiter_than_background(
    rgb: np.ndarray, figure: np.ndarray, min_contact: float = 0.1
) -> np.ndarray:
    """Boolean (H,W): regions clearly whiter than an off-white background that lean on `figure`.

    White paint with no outline is invisible to a rule that calls everything near the background
    colour (or brighter) background; but on off-white paper a white part is *whiter* than the
    paper. A region counts when every channel is above the fitted background by more than the
    border's noise (at least 6 of 255), it is not a speck, and at least `min_contact` of its outer
    edge touches `figure` (H,W bool), so a brighter patch of the paper alone is not taken.
    On a pure white background nothing can be whiter, and this finds nothing.
    """
    height, width = rgb.shape[:2]
    scale = max(height, width) / 512.0
    field, noise = background_field(rgb)
    lift = channel_min(rgb.astype(np.float32) - field)  # (H,W) how much whiter, every channel
    bright = (lift >= max(6.0, 3.0 * noise)).astype(np.uint8)
    square = np.ones((3, 3), np.uint8)
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, square)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    if count <= 1:
        return np.zeros((height, width), dtype=bool)
    keep = (stats[:, cv2.CC_STAT_AREA] >= max(16, int(200 * scale * scale))) & leans_on(
        bright, labels, count, figure, min_contact
    )
    keep[0] = False
    return keep[labels]


def leans_on(
    regions: np.ndarray, labels: np.ndarray, count: int, figure: np.ndarray, share: float
) -> np.ndarray:
    """(count,) bool: for each of the `count` labelled `regions` (H,W uint8 0/1, `labels` from
    their connected components), whether at least `share` of the pixels just outside it are
    `figure` (H,W bool): a region that leans on the figure, not a patch of the paper alone."""
    square = np.ones((3, 3), np.uint8)
    # The ring of pixels just outside the regions, each with the label of the region it borders.
    ring = (cv2.dilate(regions, square) > 0) & (regions == 0)
    neighbour = cv2.dilate(labels.astype(np.float32), square).astype(np.int64)
    ring_total = np.bincount(neighbour[ring], minlength=count)
    ring_on_figure = np.bincount(neighbour[ring & figure], minlength=count)
    return ring_on_figure >= share * np.maximum(ring_total, 1)
