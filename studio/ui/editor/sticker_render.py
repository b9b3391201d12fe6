"""The one place the editor's preview draws a sticker: the pack export's own renderer.

The preview must look exactly like the exported sticker, so it calls `studio.pack.render_sticker`
at the export's full size with the same options type; nothing here draws on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.pack import EmptySticker, RenderOptions, render_sticker


@dataclass(frozen=True)
class PreviewOptions:
    """What the preview shows; the same meaning as the pack's render options."""

    outline_px: int = 0
    shadow: bool = False
    padding_px: int = 0

    def render_options(self) -> RenderOptions:
        return RenderOptions(
            outline_px=self.outline_px, shadow=self.shadow, padding_px=self.padding_px
        )


def render_preview(rgba: np.ndarray, options: PreviewOptions) -> Image.Image | None:
    """The sticker exactly as the pack export draws it (RGBA), or None when the mask is empty.

    Runs off the UI thread (a 1024 px picture takes tens of milliseconds).
    """
    try:
        return render_sticker(rgba, options.render_options())
    except EmptySticker:
        return None
