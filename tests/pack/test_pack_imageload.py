"""Sticker sources: odd files become RGBA, broken ones a clear ImageLoadError."""

from __future__ import annotations

import numpy as np
import pytest
from pack_pictures import figure_rgba
from PIL import Image

from studio.errors import StudioError
from studio.pack import ImageLoadError, has_transparency, load_rgba


def test_rgba_png_keeps_its_alpha(tmp_path):
    path = tmp_path / "cut.png"
    figure_rgba(64, 48).save(path)
    rgba = load_rgba(path)
    assert rgba.mode == "RGBA" and rgba.size == (64, 48)
    assert has_transparency(rgba)


def test_opaque_jpeg_has_no_transparency(tmp_path):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 30), (200, 10, 10)).save(path)
    rgba = load_rgba(path)
    assert rgba.mode == "RGBA" and not has_transparency(rgba)


def test_rgba_with_full_alpha_counts_as_opaque(tmp_path):
    path = tmp_path / "flat.png"
    Image.new("RGBA", (10, 10), (1, 2, 3, 255)).save(path)
    assert not has_transparency(load_rgba(path))


def test_palette_transparency_becomes_alpha(tmp_path):
    path = tmp_path / "pal.png"
    image = Image.new("P", (20, 20), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (5, 5, 15, 15))
    image.info["transparency"] = 0
    image.save(path, transparency=0)
    alpha = np.asarray(load_rgba(path))[..., 3]
    assert alpha[0, 0] == 0 and alpha[10, 10] == 255


def test_grey_with_alpha(tmp_path):
    path = tmp_path / "la.png"
    Image.new("LA", (8, 8), (128, 100)).save(path)
    assert load_rgba(path).getpixel((0, 0)) == (128, 128, 128, 100)


def test_cmyk_jpeg(tmp_path):
    path = tmp_path / "print.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(path)
    red, green, blue, alpha = load_rgba(path).getpixel((8, 8))
    assert red > 200 and green < 60 and blue < 60 and alpha == 255


def test_sixteen_bit_grey_keeps_its_range(tmp_path):
    path = tmp_path / "deep.png"
    values = np.linspace(0, 65535, 256, dtype=np.uint16).reshape(16, 16)
    Image.fromarray(values).save(path)
    pixels = np.asarray(load_rgba(path))
    assert pixels[0, 0, 0] == 0 and pixels[-1, -1, 0] == 255


def test_exif_rotation_is_applied(tmp_path):
    path = tmp_path / "rotated.jpg"
    image = Image.new("RGB", (60, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    image.save(path, exif=exif)
    assert load_rgba(path).size == (20, 60)


def test_animation_gives_its_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (10, 10), color) for color in ((255, 0, 0), (0, 255, 0))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    red, green, _blue, _alpha = load_rgba(path).getpixel((5, 5))
    assert red > 200 and green < 50


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: p.write_text("not a picture"), "not an image"),
        (lambda p: p.write_bytes(b""), "not an image"),
        (lambda p: None, "does not exist"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
)
def test_bad_files(tmp_path, make, fragment):
    path = tmp_path / "x.png"
    make(path)
    with pytest.raises(ImageLoadError, match=fragment):
        load_rgba(path)


def test_truncated_png(tmp_path):
    path = tmp_path / "cut_short.png"
    figure_rgba(200, 200).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="damaged or truncated") as caught:
        load_rgba(path)
    assert isinstance(caught.value, StudioError)
