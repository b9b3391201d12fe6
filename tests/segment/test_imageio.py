"""studio.imageio: every odd picture becomes 8-bit RGB/RGBA or a clear ImageLoadError."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from studio.imageio import ImageLoadError, load_image


def _save(image: Image.Image, path, **params):
    image.save(path, **params)
    return path


@pytest.mark.parametrize(
    "mode, expected",
    [("L", "RGB"), ("1", "RGB"), ("P", "RGB"), ("CMYK", "RGB"), ("LA", "RGBA"), ("RGBA", "RGBA")],
)
def test_modes_become_rgb_or_rgba(tmp_path, mode, expected):
    image = Image.new("RGB", (20, 10), (200, 100, 50)).convert(mode)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    path = _save(image, tmp_path / f"x.{fmt.lower()}", format=fmt)
    loaded = load_image(path)
    assert loaded.image.mode == expected
    assert loaded.image.size == (20, 10)


def test_palette_transparency_becomes_alpha(tmp_path):
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    image.putpixel((3, 3), 1)
    path = _save(image, tmp_path / "p.png", transparency=0)
    loaded = load_image(path)
    assert loaded.image.mode == "RGBA" and loaded.has_transparency
    assert loaded.image.getpixel((3, 3)) == (255, 0, 0, 255)


def test_sixteen_bit_grey_keeps_its_range(tmp_path):
    values = np.linspace(0, 65535, 64, dtype=np.uint16).reshape(8, 8)
    path = _save(Image.fromarray(values), tmp_path / "deep.png")
    loaded = load_image(path)
    pixels = np.asarray(loaded.image)
    assert loaded.image.mode == "RGB"
    assert pixels.min() == 0 and pixels.max() == 255


def test_exif_rotation_is_applied(tmp_path):
    image = Image.new("RGB", (40, 20), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = _save(image, tmp_path / "rot.jpg", format="JPEG", exif=exif.tobytes())
    loaded = load_image(path)
    assert loaded.image.size == (20, 40)
    assert any("EXIF" in note for note in loaded.notes)


def test_animation_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (16, 16), c) for c in ((255, 0, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    loaded = load_image(path)
    assert loaded.image.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
    assert any("first frame" in note for note in loaded.notes)


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(ImageLoadError, match="not an image"):
        load_image(path)


def test_truncated_file(tmp_path):
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buffer, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImageLoadError, match="damaged or truncated"):
        load_image(path)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; no need to allocate the pixels to test the refusal."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_huge_dimensions_are_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header_only(60000, 60000))
    with pytest.raises(ImageLoadError, match="too large"):
        load_image(path)


def test_large_pictures_are_downscaled_with_a_note(tmp_path):
    path = _save(Image.new("RGB", (900, 300), (1, 2, 3)), tmp_path / "wide.png")
    loaded = load_image(path, max_side=300)
    assert loaded.image.size == (300, 100)
    assert loaded.source_size == (900, 300)
    assert any("downscaled" in note for note in loaded.notes)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageLoadError, match="does not exist"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)


def test_bytes_source():
    buffer = io.BytesIO()
    Image.new("RGB", (5, 6)).save(buffer, "PNG")
    assert load_image(buffer.getvalue()).image.size == (5, 6)
