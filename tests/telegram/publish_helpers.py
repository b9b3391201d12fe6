"""Exported pack folders made quickly, and the check that a live set equals a pack."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from PIL import Image, ImageDraw

from tests.telegram.fake_bot_api import FakeBotApi

TOKEN = "7000001:AAFakeTokenForTheTests_never_logged_x9"
USER_ID = 424242
EMOJI = ["😀", "😎", "🐱", "👍🏽", "👨‍👩‍👧", "🎉", "🔥", "❤️"]


def _picture(index: int, side: int, variant: int = 0) -> bytes:
    """A small distinct figure on transparency, as a WebP of the set's size."""
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colour = ((index * 37 + variant * 101) % 256, (index * 91) % 256, (index * 53 + 7) % 256, 255)
    inset = 2 + (index % 7) + variant * 3
    draw.ellipse((inset, inset, side - 1 - inset, side - 1 - inset), fill=colour)
    draw.point((index % side, (index // side) % side), fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", lossless=True, method=0, quality=0)
    return buffer.getvalue()


def write_pack(
    folder: Path,
    count: int,
    *,
    kind: str = "stickers",
    title: str = "Test cats",
    name: str = "test_cats",
    needs_repainting: bool = False,
    variants: dict[int, int] | None = None,
    order: list[int] | None = None,
    emoji: dict[int, list[str]] | None = None,
    keywords: dict[int, list[str]] | None = None,
) -> Path:
    """An exported pack folder in Telegram's layout (as `export_pack` writes it), made fast.

    Sticker `i` (0-based identity) shows picture `i`; `variants[i]` draws it differently (an
    edited picture); `order` lists the identities in pack order (default 0..count-1).
    """
    side = 100 if kind == "emoji" else 512
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    order = list(range(count)) if order is None else order
    variants, emoji, keywords = variants or {}, emoji or {}, keywords or {}
    entries = []
    for place, identity in enumerate(order):
        file_name = f"{place + 1:03d}.webp"
        (folder / file_name).write_bytes(_picture(identity, side, variants.get(identity, 0)))
        entries.append(
            {
                "file": file_name,
                "format": "static",
                "emoji_list": emoji.get(identity, [EMOJI[identity % len(EMOJI)]]),
                "keywords": keywords.get(identity, [f"k{identity}"]),
            }
        )
    thumb = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(thumb).ellipse((10, 10, 90, 90), fill=(200, 30, 30, 255))
    buffer = io.BytesIO()
    thumb.save(buffer, format="WEBP", lossless=True)
    (folder / "thumbnail.webp").write_bytes(buffer.getvalue())
    manifest = {
        "title": title,
        "name": name,
        "sticker_type": "custom_emoji" if kind == "emoji" else "regular",
        "needs_repainting": needs_repainting,
        "thumbnail": "thumbnail.webp",
        "stickers": entries,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return folder


def assert_set_equals_pack(fake: FakeBotApi, folder: Path, bot: str = "studio_test_bot") -> None:
    """The live set on the fake server is exactly the pack in `folder`."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    name = manifest["name"] + f"_by_{bot}"
    live = fake.sticker_set(name)
    assert live is not None, f"no set {name}"
    assert live.title == manifest["title"]
    assert live.sticker_type == manifest["sticker_type"]
    assert live.needs_repainting == manifest["needs_repainting"]
    files = [folder / s["file"] for s in manifest["stickers"]]
    want = [hashlib.sha256(path.read_bytes()).hexdigest() for path in files]
    got = [hashlib.sha256(s.file.data).hexdigest() for s in live.stickers]
    assert got == want  # the same pictures, in the same order, each once
    assert [s.emoji_list for s in live.stickers] == [s["emoji_list"] for s in manifest["stickers"]]
    assert [s.keywords for s in live.stickers] == [s["keywords"] for s in manifest["stickers"]]
    if manifest["sticker_type"] == "regular":
        assert live.thumbnail is not None
        assert live.thumbnail.data == (folder / "thumbnail.webp").read_bytes()
    else:
        assert live.thumbnail is None
        assert live.thumbnail_custom_emoji_id == live.stickers[0].custom_emoji_id
    assert fake.ever_duplicated == []
