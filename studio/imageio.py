"""Reading user pictures robustly, for every part of the studio (Qt-free).

Any Pillow-readable file becomes an 8-bit RGB or RGBA image: EXIF orientation applied, the first
frame of an animation, grey / palette / CMYK / 16-bit modes converted. Pictures too large to
decode safely are refused before decoding; large ones are downscaled with a note saying so.
Every failure is an `ImageLoadError` (a StudioError) that names the file and what to do.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from studio.errors import StudioError

# Refused before decoding: 100 megapixels of RGBA is already 400 MB of memory.
MAX_PIXELS = 100_000_000
# Longer sides are scaled down to this on load unless the caller asks otherwise.
DEFAULT_MAX_SIDE = 4096

_EXIF_ORIENTATION = 0x0112
_HIGH_DEPTH_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


class ImageLoadError(StudioError):
    """A picture could not be read; the message says which and why."""


@dataclass(frozen=True)
class LoadedImage:
    """A decoded picture (mode "RGB" or "RGBA") and notes about what loading changed."""

    image: Image.Image
    source_size: tuple[int, int]  # (width, height) as stored in the file, before EXIF rotation
    notes: list[str] = field(default_factory=list)

    @property
    def has_transparency(self) -> bool:
        """True when the picture's own alpha makes at least one pixel not fully opaque."""
        if self.image.mode != "RGBA":
            return False
        return self.image.getchannel("A").getextrema()[0] < 255


def _high_depth_to_8bit(image: Image.Image) -> Image.Image:
    """16/32-bit grey and float ('I;16', 'I', 'F') to 'L', keeping the full range visible."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if values.max(initial=0.0) <= 1.0 else 255.0
    else:
        top = 65535.0 if values.max(initial=0) > 255 else 255.0
    return Image.fromarray(np.clip(values * (255.0 / top), 0, 255).round().astype(np.uint8), "L")


def normalise_mode(image: Image.Image) -> Image.Image:
    """Any Pillow mode to "RGB", or "RGBA" when the picture carries transparency."""
    if image.mode in _HIGH_DEPTH_MODES:
        image = _high_depth_to_8bit(image)
    if image.mode in ("RGBA", "RGB"):
        return image
    if image.mode in ("LA", "PA", "RGBa", "La") or "transparency" in image.info:
        return image.convert("RGBA")
    if image.mode in ("CMYK", "YCbCr", "LAB", "HSV"):
        # Pillow's CMYK conversion ignores ICC profiles; good enough for a sticker source.
        return image.convert("RGB")
    return image.convert("RGB")


def ensure_regular_file(path: Path) -> None:
    """Refuse a pipe, socket or device at once: opening one would wait for a writer forever."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ImageLoadError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise ImageLoadError(
            f"{path} is not a regular file (a pipe, socket or device); give a picture file"
        )


def _describe(source: str | os.PathLike[str] | bytes) -> str:
    return "the image data" if isinstance(source, bytes) else str(source)


def load_image(
    source: str | os.PathLike[str] | bytes,
    max_side: int | None = DEFAULT_MAX_SIDE,
    max_pixels: int = MAX_PIXELS,
) -> LoadedImage:
    """Read a picture from a path or from bytes; see the module docstring.

    `max_side`: longer sides are downscaled to this (None keeps the full size).
    """
    name = _describe(source)
    if not isinstance(source, bytes):
        path = Path(source)
        if not path.exists():
            raise ImageLoadError(f"{path} does not exist; check the file name")
        if path.is_dir():
            raise ImageLoadError(f"{path} is a folder; give image files (PNG, JPEG, WebP, ...)")
        ensure_regular_file(path)
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns first; an oversized file must be refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
            with opened as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise ImageLoadError(f"{name} has no pixels ({width}x{height})")
                if width * height > max_pixels:
                    raise ImageLoadError(
                        f"{name} is {width}x{height} pixels, too large to open safely "
                        f"(limit {max_pixels // 1_000_000} megapixels); scale it down first"
                    )
                if getattr(image, "n_frames", 1) > 1:
                    notes.append(f"animated ({image.n_frames} frames): used the first frame")
                    image.seek(0)
                if max_side and image.format == "JPEG" and max(width, height) > 2 * max_side:
                    # Decode a JPEG at a reduced scale directly: far less memory and time.
                    image.draft("RGB", (max_side, max_side))
                image.load()
                orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
                oriented = ImageOps.exif_transpose(image)
                if orientation not in (0, 1):
                    notes.append("rotated as its EXIF orientation says")
                picture = normalise_mode(oriented).copy()
    except ImageLoadError:
        raise
    except UnidentifiedImageError:
        raise ImageLoadError(
            f"{name} is not an image this program can read; use PNG, JPEG, WebP, GIF or BMP"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageLoadError(
            f"{name} is too large to decode safely; scale it down and try again"
        ) from None
    except PermissionError:
        raise ImageLoadError(f"{name} cannot be read: permission denied") from None
    except MemoryError:
        raise ImageLoadError(f"{name} needs more memory than is free; scale it down") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise ImageLoadError(
            f"{name} is damaged or truncated ({exc}); export it again from its source"
        ) from None
    if max_side and max(picture.size) > max_side:
        before = picture.size
        scale = max_side / max(before)
        size = (max(1, round(before[0] * scale)), max(1, round(before[1] * scale)))
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        notes.append(f"downscaled from {before[0]}x{before[1]} to {size[0]}x{size[1]}")
    return LoadedImage(image=picture, source_size=(width, height), notes=notes)
