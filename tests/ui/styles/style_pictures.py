"""Small training pictures for the style tests."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw


def draw_pictures(folder: Path, count: int) -> list[Path]:
    """`count` small stickers (discs of different colours on transparency)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((6, 6, 58, 58), fill=(200, 40 + 9 * i, 30, 255))
        path = folder / f"ginger_cat_{i:02}.png"
        image.save(path)
        out.append(path)
    return out
