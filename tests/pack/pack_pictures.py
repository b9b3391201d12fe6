"""Pictures the pack tests draw: figures on transparency, noise, in any size."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image


def figure_rgba(width: int, height: int, color=(240, 180, 30), seed: int = 0) -> Image.Image:
    """An opaque ellipse with a soft edge and some shading, on a transparent canvas."""
    rng = np.random.default_rng(seed)
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[..., :3] = color
    shade = rng.integers(0, 40, (height, width), dtype=np.uint8)
    pixels[..., 0] = np.clip(pixels[..., 0].astype(int) - shade, 0, 255)
    mask = np.zeros((height, width), np.uint8)
    center = (width // 2, height // 2)
    axes = (max(1, width * 2 // 5), max(1, height * 2 // 5))
    cv2.ellipse(mask, center, axes, 0, 0, 360, 255, -1, cv2.LINE_AA)
    pixels[..., 3] = mask
    return Image.fromarray(pixels, "RGBA")


def noise_rgba(width: int, height: int, seed: int = 0) -> Image.Image:
    """Incompressible: every channel random, alpha included."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 4), dtype=np.uint8), "RGBA")


def assert_valid_export(folder, n_stickers: int, opaque: tuple[int, ...] = ()) -> dict:
    """Read every file of an exported pack back and check it against the rules data.

    Independent of `verify_export` (which is run too), so a bug there cannot hide one here.
    `opaque`: the 0-based stickers expected to have no transparent pixel (a warning only).
    Returns the manifest.
    """
    import json
    from pathlib import Path

    import emoji

    from studio.pack import TELEGRAM_RULES, verify_export

    folder = Path(folder)
    assert verify_export(folder) == []
    rules = TELEGRAM_RULES
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == {
        "title",
        "name",
        "sticker_type",
        "needs_repainting",
        "thumbnail",
        "stickers",
    }
    assert manifest["sticker_type"] == "regular"
    assert manifest["needs_repainting"] is False
    assert manifest["thumbnail"] == "thumbnail.webp"
    assert len(manifest["stickers"]) == n_stickers
    names = {"manifest.json", "thumbnail.webp"}
    for number, entry in enumerate(manifest["stickers"], start=1):
        assert set(entry) == {"file", "format", "emoji_list", "keywords"}
        assert entry["file"] == f"{number:03d}.webp" and entry["format"] == "static"
        assert 1 <= len(entry["emoji_list"]) <= rules["emoji"]["max_per_sticker"]
        assert all(emoji.is_emoji(e) for e in entry["emoji_list"])
        assert sum(map(len, entry["keywords"])) <= rules["keywords"]["max_total_chars"]
        path = folder / entry["file"]
        names.add(entry["file"])
        assert path.stat().st_size <= rules["sticker"]["max_bytes"]
        with Image.open(path) as image:
            image.load()
            assert max(image.size) == 512 and min(image.size) <= 512
            if number - 1 in opaque:  # libwebp stores a fully opaque picture without alpha
                assert image.format == "WEBP" and image.mode in ("RGB", "RGBA")
                assert image.convert("RGBA").getchannel("A").getextrema()[0] == 255
            else:
                assert image.format == "WEBP" and image.mode == "RGBA"
                assert image.getchannel("A").getextrema()[0] < 255
    thumb = folder / "thumbnail.webp"
    assert thumb.stat().st_size <= rules["thumbnail"]["max_bytes"]
    with Image.open(thumb) as image:
        image.load()
        assert image.format == "WEBP" and image.size == (100, 100)
    assert {p.name for p in folder.iterdir()} == names
    return manifest
