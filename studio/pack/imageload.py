"""Reading the user's pictures robustly: any mode, EXIF rotation, the first frame of an animation.

Every way a file can be unusable becomes an `ImageReadError` (a StudioError) naming the file and
what to do, never a Pillow traceback.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from studio.errors import StudioError
from studio.pack.spec import MaskedImage, StickerSource

# Beyond this a picture is refused before it is decoded: 12,000 x 12,000 RGBA is ~580 MB.
MAX_PIXELS = 144_000_000


class ImageReadError(StudioError):
    """A picture could not be read."""


@dataclass(frozen=True)
class LoadedImage:
    """A decoded picture as RGBA, and whether its own alpha makes any pixel transparent."""

    rgba: Image.Image
    has_transparency: bool


def _to_8bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit grey ('I;16', 'I', 'F') to 8-bit 'L', keeping the full range visible."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if values.max(initial=0.0) <= 1.0 else 255.0
    else:
        top = 65535.0 if values.max(initial=0) > 255 else 255.0
    scaled = np.clip(values * (255.0 / top), 0, 255).round().astype(np.uint8)
    return Image.fromarray(scaled, "L")


def to_rgba(image: Image.Image) -> Image.Image:
    """Any Pillow mode to RGBA; a palette's or grey image's transparency becomes alpha."""
    if image.mode == "RGBA":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = _to_8bit(image)
    if image.mode == "P" or "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("CMYK", "YCbCr", "LAB", "HSV"):
        image = image.convert("RGB")
    return image.convert("RGBA")


def has_transparency(rgba: Image.Image) -> bool:
    """True when at least one pixel of an RGBA image is not fully opaque."""
    low, _high = rgba.getchannel("A").getextrema()
    return low < 255


def load_image(path: str | os.PathLike) -> LoadedImage:
    """Read `path` as RGBA: EXIF orientation applied, first frame of an animation, any mode."""
    path = Path(path)
    if not path.exists():
        raise ImageReadError(f"{path} does not exist; check the file name")
    if path.is_dir():
        raise ImageReadError(f"{path} is a folder; give image files (PNG, WebP, JPEG, ...)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageReadError(
                        f"{path} is {width}x{height} pixels, too large to use; "
                        f"scale it down below {MAX_PIXELS // 1_000_000} megapixels"
                    )
                image.seek(0)  # an animation: its first frame
                image.load()
                image = ImageOps.exif_transpose(image)
                rgba = to_rgba(image).copy()
    except ImageReadError:
        raise
    except UnidentifiedImageError:
        raise ImageReadError(
            f"{path} is not an image this program can read; use PNG, WebP, JPEG, GIF or BMP"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageReadError(
            f"{path} is too large to decode safely; scale it down and try again"
        ) from None
    except PermissionError:
        raise ImageReadError(f"{path} cannot be read: permission denied") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageReadError(
            f"{path} is damaged or truncated ({exc}); export it again from its source"
        ) from None
    return LoadedImage(rgba=rgba, has_transparency=has_transparency(rgba))


def load_source(source: StickerSource) -> Image.Image:
    """The RGBA picture a sticker source stands for (see `spec.StickerSource`)."""
    if isinstance(source, Image.Image):
        return to_rgba(source)
    if isinstance(source, MaskedImage):
        picture = load_image(source.image).rgba
        mask = load_image(source.mask).rgba.convert("L")
        if mask.size != picture.size:
            mask = mask.resize(picture.size, Image.Resampling.BILINEAR)
        # The picture's own alpha (if any) and the mask both have to keep a pixel.
        alpha = np.minimum(np.asarray(picture.getchannel("A")), np.asarray(mask))
        picture.putalpha(Image.fromarray(alpha, "L"))
        return picture
    if isinstance(source, str | os.PathLike):
        return load_image(source).rgba
    if callable(source):
        return to_rgba(source())
    raise TypeError(f"not a sticker source: {type(source).__name__}")
