"""encode_webp: lossless when it fits, else as close under the limit as it gets, never over."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pack_pictures import figure_rgba, noise_rgba
from PIL import Image

from studio.pack import TELEGRAM_RULES, EncodingError, encode_webp, render_sticker

STICKER_LIMIT = TELEGRAM_RULES["sticker"]["max_bytes"]


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_drawing_is_lossless_and_exact():
    sticker = render_sticker(figure_rgba(300, 300))
    encoded = encode_webp(sticker, STICKER_LIMIT)
    assert encoded.lossless and encoded.size <= STICKER_LIMIT
    back = decode(encoded.data)
    assert back.format == "WEBP" and back.mode == "RGBA" and back.size == sticker.size
    original = np.asarray(sticker)
    decoded = np.asarray(back)
    visible = original[..., 3] > 0
    assert np.array_equal(original[..., 3], decoded[..., 3])
    assert np.array_equal(original[visible], decoded[visible])


def test_incompressible_noise_lands_just_under_512000_bytes():
    encoded = encode_webp(noise_rgba(512, 512), STICKER_LIMIT)
    assert not encoded.lossless
    assert encoded.size <= STICKER_LIMIT
    assert encoded.size >= 0.95 * STICKER_LIMIT  # close under, not far under
    back = decode(encoded.data)
    assert back.mode == "RGBA" and back.size == (512, 512)


def test_noise_thumbnail_fits_32_kb():
    limit = TELEGRAM_RULES["thumbnail"]["max_bytes"]
    encoded = encode_webp(noise_rgba(100, 100, seed=3), limit)
    assert encoded.size <= limit


@settings(max_examples=15, deadline=None)
@given(
    limit=st.integers(min_value=2_000, max_value=60_000),
    seed=st.integers(0, 1000),
    side=st.integers(64, 160),
)
def test_never_over_the_limit(limit, seed, side):
    image = noise_rgba(side, side, seed=seed)
    try:
        encoded = encode_webp(image, limit)
    except EncodingError:
        # Only allowed when even the lowest quality does not fit.
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=0, alpha_quality=100)
        assert len(buffer.getvalue()) > limit
        return
    assert encoded.size <= limit
    assert decode(encoded.data).size == (side, side)


def test_impossible_budget_is_an_error():
    with pytest.raises(EncodingError, match="500 bytes"):
        encode_webp(noise_rgba(256, 256), 500)
