"""Where a reset gets its mask: the automatic cut-out (U-Net, or its contour fallback), the
contour method alone, run on a worker thread. torch is imported there, never on the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.errors import StudioError


class AutoCutoutUnavailable(StudioError):
    """The segmenter cannot be used here (not installed or its model is missing)."""


@dataclass(frozen=True)
class AutoCutout:
    mask: np.ndarray  # (H, W) uint8, soft edges
    method: str  # "unet" or "contour"
    confidence: float | None


def automatic_cutout(rgb: np.ndarray) -> AutoCutout:
    """The default segmenter's cut-out of an (H, W, 3) RGB picture. Call off the UI thread."""
    try:
        from studio.segment import Segmenter
    except ImportError as exc:
        raise AutoCutoutUnavailable(
            "The automatic cut-out is not available in this build; reset to a saved version "
            "instead."
        ) from exc
    cut = Segmenter.default().cutout(Image.fromarray(rgb, "RGB"))
    mask = np.asarray(cut.mask, dtype=np.uint8)
    return AutoCutout(mask, str(cut.method), float(cut.confidence))


def contour_cutout(rgb: np.ndarray) -> AutoCutout:
    """The contour method alone (background = near-white region touching the border)."""
    try:
        from studio.segment.contour import contour_mask
    except ImportError as exc:
        raise AutoCutoutUnavailable("The contour cut-out is not available in this build.") from exc
    return AutoCutout(contour_mask(rgb), "contour", None)
