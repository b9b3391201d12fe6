"""Sticker pictures as RGBA, read through the studio's shared reader (`studio.imageio`).

That reader handles every odd file (EXIF rotation, first frame of an animation, palette, grey,
CMYK, 16-bit, truncated, huge) and turns each failure into an `ImageLoadError` naming the file;
here the result becomes the RGBA picture a sticker is drawn from.
"""

from __future__ import annotations

import os

import numpy as np
from PIL import Image

from studio.imageio import load_image, normalise_mode
from studio.pack.spec import MaskedImage, StickerSource
from studio.segment.edges import decontaminate


def to_rgba(image: Image.Image) -> Image.Image:
    """Any Pillow mode to RGBA; a palette's or grey image's transparency becomes alpha."""
    if image.mode == "RGBA":
        return image
    return normalise_mode(image).convert("RGBA")


def has_transparency(rgba: Image.Image) -> bool:
    """True when at least one pixel of an RGBA image is not fully opaque."""
    low, _high = rgba.getchannel("A").getextrema()
    return low < 255


def apply_mask(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """A picture (H,W,3) uint8 under a soft mask (H,W) uint8 -> RGBA (H,W,4) uint8.

    The edge colours are the figure's own, un-blended from the light background it was drawn
    on, so the sticker shows no white halo on a dark chat. Every place that turns a picture and
    a cut-out mask into a sticker (export, pack previews, the editor's preview) goes through here.
    """
    return np.dstack([decontaminate(rgb, alpha), alpha])


def load_rgba(path: str | os.PathLike) -> Image.Image:
    """The picture at `path` as RGBA (its own alpha kept); raises `ImageLoadError`."""
    return to_rgba(load_image(path).image)


def load_source(source: StickerSource) -> Image.Image:
    """The RGBA picture a sticker source stands for (see `spec.StickerSource`)."""
    if isinstance(source, Image.Image):
        return to_rgba(source)
    if isinstance(source, MaskedImage):
        picture = load_rgba(source.image)
        mask = load_image(source.mask).image.convert("L")
        if mask.size != picture.size:
            mask = mask.resize(picture.size, Image.Resampling.BILINEAR)
        # The picture's own alpha (if any) and the mask both have to keep a pixel.
        alpha = np.minimum(np.asarray(picture.getchannel("A")), np.asarray(mask))
        rgb = np.asarray(picture.convert("RGB"))
        return Image.fromarray(apply_mask(rgb, alpha), "RGBA")
    if isinstance(source, str | os.PathLike):
        return load_rgba(source)
    if callable(source):
        return to_rgba(source())
    raise TypeError(f"not a sticker source: {type(source).__name__}")
