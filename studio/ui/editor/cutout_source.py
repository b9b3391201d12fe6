"""Where a reset gets its mask: the automatic cut-out (U-Net, or its contour fallback) or the
contour method alone. These run on a worker thread; torch is imported there, never on the UI
thread, and the segmenter is loaded once and kept for the next reset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    review: str | None = None  # why a person should look at it (`CutoutResult.review`)


def _default_segmenter() -> Any:
    try:
        from studio.segment import Segmenter
    except ImportError as exc:
        raise AutoCutoutUnavailable(
            "The automatic cut-out is not available in this build; reset to a saved version "
            "instead."
        ) from exc
    return Segmenter.default()


class AutoCutouts:
    """Computes reset masks. Call its methods from one worker thread only."""

    def __init__(self, segmenter_factory: Callable[[], Any] | None = None) -> None:
        self._factory = segmenter_factory or _default_segmenter
        self._segmenter: Any = None

    def automatic(self, rgb: np.ndarray) -> AutoCutout:
        """The segmenter's cut-out of an (H, W, 3) RGB picture (its own U-Net / contour
        choice)."""
        if self._segmenter is None:
            self._segmenter = self._factory()
        cut = self._segmenter.cutout(Image.fromarray(rgb, "RGB"))
        mask = np.asarray(cut.mask, dtype=np.uint8)
        return AutoCutout(mask, str(cut.method), float(cut.confidence), cut.review)

    def contour(self, rgb: np.ndarray) -> AutoCutout:
        """The contour method alone (background = near-white region touching the border)."""
        try:
            from studio.segment.contour import contour_mask
        except ImportError as exc:
            raise AutoCutoutUnavailable(
                "The contour cut-out is not available in this build."
            ) from exc
        return AutoCutout(contour_mask(rgb), "contour", None)
