"""Edge colours for cut-outs: remove the background's tint from semi-transparent pixels.

An edge pixel of a picture drawn on white is a blend `I = a*F + (1-a)*B` of the figure's colour F
and the background B. Keeping I as the colour gives a light halo once the sticker sits on a dark
chat background. We solve for F where the alpha is confident enough, and elsewhere borrow F from
nearby, more opaque pixels.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.segment.contour import background_colour


def decontaminate(rgb: np.ndarray, alpha: np.ndarray, radius: int = 3) -> np.ndarray:
    """Figure colours (H,W,3) uint8 for `rgb` (H,W,3) uint8 under soft `alpha` (H,W) uint8.

    Opaque pixels are unchanged; transparent pixels get the colour of the nearby figure, which
    also keeps later resizing (premultiplied or not) free of white fringes.
    """
    a = alpha.astype(np.float32) / 255.0
    if a.min() >= 1.0:
        return rgb.copy()
    image = rgb.astype(np.float32)
    background = background_colour(rgb)
    a3 = a[..., None]
    # Un-blend: F = (I - (1-a) B) / a, trusted only where a is not tiny.
    unblended = np.clip((image - (1.0 - a3) * background) / np.maximum(a3, 1e-3), 0, 255)
    # Neighbourhood estimate of F, weighted towards opaque pixels (weight a^4).
    weight = a**4
    size = (2 * radius + 1, 2 * radius + 1)
    num = cv2.boxFilter(unblended * weight[..., None], -1, size, normalize=False)
    den = cv2.boxFilter(weight, -1, size, normalize=False)[..., None]
    neighbour = np.where(den > 1e-6, num / np.maximum(den, 1e-6), unblended)
    # Blend: solved colour when alpha is high, neighbourhood colour when it is low.
    trust = np.clip((a3 - 0.25) / 0.5, 0, 1)
    figure = trust * unblended + (1 - trust) * neighbour
    out = np.where(a3 >= 0.999, image, figure)
    # Far from the figure the neighbourhood is empty: spread the figure colour outward so even
    # fully transparent pixels carry it (a dilation of the colour by distance transform order).
    empty = (den[..., 0] <= 1e-6) & (a < 0.999)
    if empty.any() and (~empty).any():
        _, labels = cv2.distanceTransformWithLabels(
            empty.astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
        )
        # labels index the zero pixels (the non-empty ones) in raster order.
        sources = np.argwhere(~empty)
        order = np.zeros(labels.max() + 1, dtype=np.int64)
        order[labels[~empty]] = np.arange(len(sources))
        nearest = sources[order[labels[empty]]]
        out[empty] = out[nearest[:, 0], nearest[:, 1]]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def sharpen_alpha(probability: np.ndarray, gain: float = 2.0) -> np.ndarray:
    """Steepen an upsampled soft probability (H,W float 0..1) into an alpha (H,W uint8) with an
    anti-aliased edge about one to two pixels wide."""
    alpha = np.clip((probability - 0.5) * gain + 0.5, 0.0, 1.0)
    return (alpha * 255.0 + 0.5).astype(np.uint8)
