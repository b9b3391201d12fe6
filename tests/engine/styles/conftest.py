"""Style test fixtures: a few small pictures with captions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

CAPTIONS = ["рыжий котик", "котик с сердечком", "котик спит", "радостный котик"]


@pytest.fixture(scope="session")
def pictures(tmp_path_factory) -> list[Path]:
    """Four 96 px RGBA pictures of coloured discs on transparency (cut-out stickers)."""
    folder = tmp_path_factory.mktemp("style-pictures")
    out = []
    for i, colour in enumerate([(230, 120, 30), (200, 40, 60), (40, 90, 200), (30, 160, 70)]):
        image = Image.new("RGBA", (96, 80), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((10 + 4 * i, 8, 80, 72), fill=(*colour, 255))
        path = folder / f"sticker{i}.png"
        image.save(path)
        out.append(path)
    return out


@pytest.fixture(scope="session")
def captions_file(pictures, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("captions") / "captions.tsv"
    lines = ["# file<TAB>caption"] + [
        f"{p.name}\t{c}" for p, c in zip(pictures, CAPTIONS, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
