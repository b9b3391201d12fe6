"""WebP encoding under a byte budget: lossless when it fits, else the best lossy quality that does.

Lossy WebP size grows with quality almost monotonically, so a bisection over the (fractional)
quality finds the largest file under the limit in a handful of encodes. Every candidate is
measured, and only a file that fits is ever returned: the result is never over the limit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from studio.errors import StudioError

# Stop searching once a file uses this share of the budget: closer is not visibly better.
_CLOSE_ENOUGH = 0.985
_MAX_STEPS = 12
_METHOD = 4  # libwebp effort 0-6; 4 is its default and ~40 ms for a 512 px sticker


class EncodingError(StudioError):
    """No WebP setting brings the picture under the size limit."""


@dataclass(frozen=True)
class EncodedImage:
    """A finished WebP file and how it was made."""

    data: bytes
    lossless: bool
    quality: float  # the lossy quality used (0-100); 100 for lossless

    @property
    def size(self) -> int:
        return len(self.data)


def _webp(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", method=_METHOD, **params)
    return buffer.getvalue()


def encode_webp(image: Image.Image, max_bytes: int) -> EncodedImage:
    """Encode an RGBA image as WebP with alpha in at most `max_bytes` bytes.

    Lossless when that fits; otherwise the highest lossy quality whose file fits, searched until
    the file uses at least 98.5 % of the budget or the quality is pinned to within 0.2.
    Raises `EncodingError` if even the lowest quality is too big (not possible for 512 px RGBA
    at 512,000 bytes, but the guarantee is checked, not assumed).
    """
    if image.mode != "RGBA":
        image = image.convert("RGBA")
    data = _webp(image, lossless=True, quality=80)
    if len(data) <= max_bytes:
        return EncodedImage(data, lossless=True, quality=100.0)

    def lossy(quality: float) -> bytes:
        return _webp(image, lossless=False, quality=quality, alpha_quality=100)

    best: EncodedImage | None = None
    top = lossy(100.0)
    if len(top) <= max_bytes:
        return EncodedImage(top, lossless=False, quality=100.0)
    low, high = 0.0, 100.0  # low: fits (checked below); high: known too big
    floor = lossy(low)
    if len(floor) > max_bytes:
        raise EncodingError(
            f"the picture does not fit in {max_bytes:,} bytes even at the lowest WebP quality"
        )
    best = EncodedImage(floor, lossless=False, quality=low)
    for _ in range(_MAX_STEPS):
        if best.size >= _CLOSE_ENOUGH * max_bytes or high - low < 0.2:
            break
        middle = (low + high) / 2
        data = lossy(middle)
        if len(data) <= max_bytes:
            low = middle
            if len(data) > best.size:
                best = EncodedImage(data, lossless=False, quality=middle)
        else:
            high = middle
    return best
