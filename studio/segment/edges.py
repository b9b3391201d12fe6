"""Edge colours for cut-outs: remove the background's tint from semi-transparent pixels.

An edge pixel of a picture drawn on white is a blend `I = a*F + (1-a)*B` of the figure's colour F
and the background B. Keeping I as the colour gives a light halo once the sticker sits on a dark
chat background. We solve for F where the alpha is confident enough, and elsewhere borrow F from
nearby, more opaque pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment.channels import channel_sum
from studio.segment.contour import background_colour, background_field
from studio.segment.islands import OPAQUE_ALPHA, VISIBLE_ALPHA

# The neighbourhood weight of each alpha value (a^4 for a = alpha / 255), looked up: alpha has
# only 256 values, and a power per pixel costs more than the rest of the weighting.
_NEIGHBOUR_WEIGHTS = (np.arange(256, dtype=np.float32) / 255.0) ** 4


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, radius: int = 3) -> np.ndarray:
    """Figure colours (H,W,3) uint8 for `rgb` (H,W,3) uint8 under soft `alpha` (H,W) uint8.

    Opaque pixels are unchanged; transparent pixels get the colour of the nearby figure, which
    also keeps later resizing (premultiplied or not) free of white fringes.
    """
    if alpha.min() == 255:
        return rgb.copy()
    # Each step is computed only on the pixels that need it (a cut-out is mostly opaque figure
    # and clear paper, with a thin semi-transparent band between), with the same arithmetic per
    # pixel as over the whole picture, so the colours are the same to the bit.
    a = alpha.astype(np.float32) / 255.0
    image = np.ascontiguousarray(rgb, dtype=np.float32)  # laid out as OpenCV reads it
    background = background_colour(rgb)
    soft = alpha < 255  # a >= 0.999 is alpha 255 exactly
    seen = alpha > 0
    band = soft & seen
    # Un-blend: F = (I - (1-a) B) / a. An opaque pixel un-blends to itself; a clear one is
    # never weighted in (weight 0) and takes the neighbourhood's colour (trust 0).
    a_band = a[band][:, None]
    unblended_band = _unblend(image[band], a_band, background)
    # Neighbourhood estimate of F, weighted towards opaque pixels (weight a^4).
    weight = _NEIGHBOUR_WEIGHTS[alpha]
    weighted = np.zeros_like(image)
    cv2.copyTo(image, (~soft).astype(np.uint8), weighted)  # opaque pixels as they are ...
    weighted[band] = unblended_band * weight[band][:, None]  # ... and the band un-blended
    size = (2 * radius + 1, 2 * radius + 1)
    num = cv2.boxFilter(weighted, -1, size, normalize=False)
    den = cv2.boxFilter(weight, -1, size, normalize=False)
    # Far from the figure the neighbourhood is empty: those pixels are filled below.
    empty = (den <= 1e-6) & soft
    filled = ~empty
    # Opaque pixels keep the picture's colour (rounding a whole level changes nothing).
    out = rgb.copy()
    # The band: solved colour when alpha is high, neighbourhood colour when it is low.
    trust = np.clip((a_band - 0.25) / 0.5, 0, 1)
    den_band = den[band][:, None]
    neighbour = np.where(den_band > 1e-6, num[band] / np.maximum(den_band, 1e-6), unblended_band)
    out[band] = _rounded(trust * unblended_band + (1 - trust) * neighbour)
    # Clear pixels with a neighbourhood take its colour.
    near = soft & ~seen & filled
    out[near] = _rounded(num[near] / np.maximum(den[near], 1e-6)[:, None])
    if empty.any():
        if filled.any():
            # Spread the figure colour outward so even fully transparent pixels carry it (a
            # dilation of the colour by distance transform order).
            _, labels = cv2.distanceTransformWithLabels(
                empty.astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
            )
            # Each non-empty pixel has a label of its own, and each empty one its nearest
            # non-empty pixel's: copy colours by label, a pixel's three bytes as one item.
            pixels = out.reshape(-1).view("V3").reshape(alpha.shape)
            by_label = np.zeros(labels.max() + 1, dtype="V3")
            by_label[labels[filled]] = pixels[filled]
            pixels[empty] = by_label[labels[empty]]
        else:  # nothing to spread: the un-blended colour, as good as any
            clear = empty & ~seen
            out[clear] = _rounded(_unblend(image[clear], a[clear][:, None], background))
    return out


def _rounded(colours: np.ndarray) -> np.ndarray:
    """Float colours (K,3) 0..255 to uint8, rounded."""
    return np.clip(colours + 0.5, 0, 255).astype(np.uint8)


def _unblend(image: np.ndarray, a: np.ndarray, background: np.ndarray) -> np.ndarray:
    """F = (I - (1-a) B) / a for pixels `image` (K,3) of opacity `a` (K,1), clipped to 0-255;
    trusted only where `a` is not tiny."""
    return np.clip((image - (1.0 - a) * background) / np.maximum(a, 1e-3), 0, 255)


def sharpen_alpha(probability: np.ndarray, gain: float = 2.0) -> np.ndarray:
    """Steepen an upsampled soft probability (H,W float 0..1) into an alpha (H,W uint8) with an
    anti-aliased edge about one to two pixels wide."""
    alpha = np.clip((probability - 0.5) * gain + 0.5, 0.0, 1.0)
    return (alpha * 255.0 + 0.5).astype(np.uint8)


# The figure pixels whose colours stand for F in `refine_alpha`: at least this sure, within a
# window this much wider than the band. Thin parts (an outline, a stroke, a finger's tip) are
# seldom 0.98 sure anywhere, and a window of 2*band + 5 found no such pixel beside a third or
# more of the edge pixels the cut-out got wrong, so their edge stayed the network's, a pixel or
# two off (model card, "The outline measured by colour on thin parts").
FIGURE_SURE = 0.8
FIGURE_WINDOW_MARGIN = 7


def refine_alpha(
    rgb: np.ndarray, probability: np.ndarray, gain: float, band: int = 2
) -> np.ndarray:
    """Alpha (H,W uint8) from an upsampled probability (H,W float 0..1), its edge re-measured
    from the picture's own colours.

    The network sees a downscaled picture, so its edge is only accurate to about one network pixel.
    Within `band` pixels of that edge, a pixel of art drawn on a light background is the blend
    `I = a*F + (1-a)*B`; projecting `I - B` onto `F - B` gives its alpha to sub-pixel accuracy,
    with B the fitted background and F the mean colour of the confidently opaque pixels nearby.
    Where F is too close to B (light figure parts) the colours say nothing, so the network's
    alpha stays. Pixels the colours call background are made transparent only when they connect
    to the background outside the band: a light part enclosed by the figure's edge stays opaque.
    """
    network = np.clip((probability - 0.5) * gain + 0.5, 0.0, 1.0).astype(np.float32)
    opaque = (probability >= 0.5).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    in_band = (cv2.dilate(opaque, kernel) > 0) & (cv2.erode(opaque, kernel) == 0)
    if not in_band.any():
        return (network * 255.0 + 0.5).astype(np.uint8)
    background, _ = background_field(rgb)  # (H,W,3) float32
    image = rgb.astype(np.float32)
    # F: mean colour of fairly sure figure pixels outside the band, within a small window. The
    # colours are measured only where they can speak: band pixels with such pixels nearby
    # (elsewhere the network's alpha stays as it is).
    sure = (probability >= FIGURE_SURE) & ~in_band
    sums, counts = _window_sums(image, sure, 2 * band + FIGURE_WINDOW_MARGIN)
    measured = in_band & (counts > 0.5)
    figure = sums[measured] / counts[measured][:, None]
    colour_alpha, trust = _blend_alpha(image[measured], figure, background[measured])
    # Background by colour inside the band counts only if it reaches the outer background.
    looks_clear = np.zeros_like(measured)
    looks_clear[measured] = (colour_alpha < 0.5) & (trust > 0)
    outside = (probability < 0.5) & ~in_band
    count, labels = cv2.connectedComponents(
        (looks_clear | outside).astype(np.uint8), connectivity=8
    )
    reaches = np.zeros(count, dtype=bool)
    reaches[labels[outside]] = True
    reaches[0] = False
    trust = np.where(looks_clear[measured] & ~reaches[labels[measured]], 0.0, trust)
    alpha = network.copy()
    alpha[measured] = trust * colour_alpha + (1.0 - trust) * network[measured]
    result = (alpha * 255.0 + 0.5).astype(np.uint8)
    _clear_faint_fragments(result, measured)
    return result


def _clear_faint_fragments(alpha: np.ndarray, measured: np.ndarray) -> None:
    """Clear, in place, the `measured` pixels of `alpha` (H,W uint8) in faint fragments: parts
    of the visible alpha (8-connected, as the speck step counts islands) with no opaque pixel.

    Measured by colour, the paper's grain or a faint blotch just beyond the edge reads as a
    few percent of figure; where the network's own alpha around it is zero, such pixels would
    stand alone as islands, which the speck step removes anyway and then flags the cut-out for.
    """
    visible = (alpha >= VISIBLE_ALPHA).astype(np.uint8)
    count, labels = cv2.connectedComponents(visible, connectivity=8)
    anchored = np.zeros(count, dtype=bool)
    anchored[labels[alpha >= OPAQUE_ALPHA]] = True
    anchored[0] = True
    alpha[measured & ~anchored[labels]] = 0


def guided_filter(
    guide_rgb: np.ndarray, probability: np.ndarray, radius: int, eps: float = 1e-3
) -> np.ndarray:
    """Edge-aware smoothing of `probability` (H,W float 0..1) by the picture's grey levels
    (He et al.'s guided filter): within each window the output is a linear function of the
    picture, so an edge blurred by upsampling snaps towards the picture's own edge."""
    grey = channel_sum(guide_rgb.astype(np.float32)) / 3 / 255.0  # (H,W), the channels' mean
    p = probability.astype(np.float32)
    window = (2 * radius + 1, 2 * radius + 1)
    mean_i = cv2.boxFilter(grey, -1, window)
    mean_p = cv2.boxFilter(p, -1, window)
    cov_ip = cv2.boxFilter(grey * p, -1, window) - mean_i * mean_p
    var_i = cv2.boxFilter(grey * grey, -1, window) - mean_i * mean_i
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    out = cv2.boxFilter(a, -1, window) * grey + cv2.boxFilter(b, -1, window)
    return np.clip(out, 0.0, 1.0)


def edge_beside(
    rgb: np.ndarray, alpha: np.ndarray, behind: np.ndarray, band: int = 3
) -> np.ndarray:
    """`alpha` (H,W uint8) with the figure's edge beside what lies `behind` it (H,W bool: the
    pixels of a soft shadow `shadows.soft_shadows` made semi-transparent, or of a gap the
    cut-out cleared) re-measured against that.

    `refine_alpha` measures every edge pixel against the fitted paper, and only along the
    network's edge. Where the figure stands on its shadow the background behind the edge is
    darker than the paper, so a dark outline's fringe there comes out too opaque and grey: a
    thin grey line along the figure on a dark chat. Where a gap was cleared inside the network's
    edge, the edge it bared was never measured at all. Within `band` pixels of `behind`, a
    pixel that is neither behind nor sure figure is the blend `I = a*F + (1-a)*S` of the nearby
    sure figure's colour F and the nearby colour S behind it; its alpha is the projection of
    `I - S` onto `F - S`, trusted as in `refine_alpha`. Alphas are only lowered: what lies
    behind can only have made them look higher (a shadow darkens the fringe; in a cleared gap
    the network kept the fringe whole).
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    near = (cv2.dilate(behind.astype(np.uint8), kernel) > 0) & ~behind & (alpha > 0)
    sure = (alpha == 255) & ~near
    if not near.any() or not sure.any():
        return alpha
    image = rgb.astype(np.float32)
    figure, has_figure = _nearby_mean(image, sure, 2 * band + 5)
    colour_behind, has_behind = _nearby_mean(image, behind, 2 * band + 5)
    measured, trust = _blend_alpha(image, figure, colour_behind)
    trust = trust * (near & has_figure & has_behind)
    current = alpha.astype(np.float32) / 255.0
    lowered = np.minimum(current, trust * measured + (1.0 - trust) * current)
    return (lowered * 255.0 + 0.5).astype(np.uint8)


def _window_sums(
    image: np.ndarray, where: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """The sum of the colours (H,W,3 float32) of the pixels `where` (H,W bool) of `image`
    within a square `window` wide round each pixel, and how many there are (H,W float32)."""
    image = np.ascontiguousarray(image)  # laid out as OpenCV reads it
    chosen = np.zeros_like(image)
    cv2.copyTo(image, where.astype(np.uint8), chosen)
    sums = cv2.boxFilter(chosen, -1, (window, window), normalize=False)
    return sums, cv2.boxFilter(where.astype(np.float32), -1, (window, window), normalize=False)


def _nearby_mean(
    image: np.ndarray, where: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """The mean colour (H,W,3 float32) of the pixels `where` (H,W bool) of `image` within a
    square `window` wide round each pixel, and whether there are any (H,W bool)."""
    sums, counts = _window_sums(image, where, window)
    return sums / np.maximum(counts, 1e-6)[..., None], counts > 0.5


def _blend_alpha(
    image: np.ndarray, figure: np.ndarray, behind: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel of `image` read as the blend `I = a*F + (1-a)*B` of `figure` over `behind`
    (H,W,3 or K,3 float32 each): `a`, the projection of `I - B` onto `F - B` clipped to 0..1,
    and how far to trust it: fully at a contrast of 60 between F and B (RGB distance), not at
    all below 30, where the colours say nothing."""
    towards = figure - behind
    length2 = channel_sum(towards**2)
    alpha = np.clip(channel_sum((image - behind) * towards) / np.maximum(length2, 1e-6), 0, 1)
    return alpha, np.clip((np.sqrt(length2) - 30.0) / 30.0, 0, 1)
