"""A picture and its cut-out mask become a sticker without the old white background's tint."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from studio.pack import MaskedImage, apply_mask, load_source


def red_disc_on_white(size: int = 96) -> tuple[np.ndarray, np.ndarray]:
    """A red disc anti-aliased onto white, and its true soft alpha."""
    big = np.zeros((size * 4, size * 4), np.uint8)
    cv2.circle(big, (size * 2, size * 2), size * 3 // 2, 255, -1)
    alpha = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    a = alpha[..., None].astype(np.float32) / 255
    rgb = a * np.array([220, 30, 30], np.float32) + (1 - a) * 255
    return np.round(rgb).astype(np.uint8), alpha


def test_edge_pixels_take_the_figure_colour():
    rgb, alpha = red_disc_on_white()
    rgba = apply_mask(rgb, alpha)
    assert rgba.shape == (*alpha.shape, 4) and rgba.dtype == np.uint8
    assert np.array_equal(rgba[..., 3], alpha)
    edge = (alpha > 40) & (alpha < 215)
    assert edge.sum() > 50
    # Blended with white, the edge is pink (green ~ 140); un-blended, it is red again.
    assert rgb[edge][:, 1].mean() > 100
    assert rgba[edge][:, 1].mean() < 60
    opaque = alpha == 255
    assert np.array_equal(rgba[opaque][:, :3], rgb[opaque])


def test_masked_sources_are_decontaminated_on_load(tmp_path):
    rgb, alpha = red_disc_on_white()
    Image.fromarray(rgb, "RGB").save(tmp_path / "picture.png")
    Image.fromarray(alpha, "L").save(tmp_path / "mask.png")
    rgba = np.asarray(load_source(MaskedImage(tmp_path / "picture.png", tmp_path / "mask.png")))
    assert np.array_equal(rgba, apply_mask(rgb, alpha))
