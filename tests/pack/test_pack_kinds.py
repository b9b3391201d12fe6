"""Two kinds of set, as data: regular stickers and custom emoji; the checks follow the kind."""

from __future__ import annotations

import json

import pytest
from pack_pictures import figure_rgba
from PIL import Image

from studio.pack import (
    TELEGRAM_RULES,
    PackKind,
    PackSpec,
    StickerSpec,
    check_export,
    export_pack,
    kind_rules,
    read_pack,
    render_for_kind,
    validate,
    verify_export,
)


def test_kinds_match_telegram_doc():
    stickers, emoji = kind_rules("stickers"), kind_rules(PackKind.EMOJI)
    assert (stickers["sticker_type"], stickers["side_px"], stickers["max_stickers"]) == (
        "regular",
        512,
        120,
    )
    assert (emoji["sticker_type"], emoji["side_px"], emoji["max_stickers"]) == (
        "custom_emoji",
        100,
        200,
    )
    assert emoji["square"] and not stickers["square"]
    assert emoji["can_repaint"] and not stickers["can_repaint"]
    assert stickers["set_thumbnail"] and not emoji["set_thumbnail"]
    assert emoji["link"].format(name="x") == "https://t.me/addemoji/x"
    assert PackKind.from_sticker_type("custom_emoji") is PackKind.EMOJI
    assert TELEGRAM_RULES["sticker"]["needs_transparency"] is False


def _pack(n, kind, repaint=False):
    stickers = [StickerSpec(figure_rgba(60, 30, seed=i), ["😀"]) for i in range(n)]
    return PackSpec("Cats", "cats", stickers, kind=kind, needs_repainting=repaint)


def test_limits_follow_the_kind():
    assert validate(_pack(200, PackKind.EMOJI)) == []
    too_many = [p.message for p in validate(_pack(121, PackKind.STICKERS))]
    assert len(too_many) == 1 and "120 at most" in too_many[0]
    assert "200 at most" in validate(_pack(201, PackKind.EMOJI))[0].message
    # Adaptive colour is an emoji feature.
    assert validate(_pack(1, PackKind.EMOJI, repaint=True)) == []
    assert [p.field for p in validate(_pack(1, PackKind.STICKERS, repaint=True))] == [
        "needs_repainting"
    ]


def test_emoji_are_rendered_exactly_100_square():
    wide = render_for_kind(figure_rgba(300, 100), kind=PackKind.EMOJI)
    assert wide.size == (100, 100)
    assert wide.getpixel((50, 5))[3] == 0  # the figure is centred, empty above and below
    sticker = render_for_kind(figure_rgba(300, 100))
    assert sticker.width == 512 and sticker.height < 200  # not squared


def test_emoji_pack_exports_checks_and_reads_back(tmp_path):
    out = tmp_path / "emoji"
    export_pack(_pack(3, PackKind.EMOJI, repaint=True), out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sticker_type"] == "custom_emoji" and manifest["needs_repainting"] is True
    for entry in manifest["stickers"]:
        with Image.open(out / entry["file"]) as image:
            assert image.size == (100, 100) and image.format == "WEBP"
    assert check_export(out) == []
    pack = read_pack(out)
    assert pack.kind is PackKind.EMOJI and pack.needs_repainting
    assert [s.file.name for s in pack.stickers] == ["001.webp", "002.webp", "003.webp"]
    assert len({s.content_hash for s in pack.stickers}) == 3


def test_a_512_picture_in_an_emoji_pack_is_refused(tmp_path):
    out = tmp_path / "pack"
    export_pack(_pack(2, PackKind.STICKERS), out)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["sticker_type"] = "custom_emoji"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    problems = [str(p) for p in verify_export(out)]
    assert len(problems) == 2 and all("exactly 100x100" in p for p in problems)
    manifest["sticker_type"] = "animated"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert any("sticker_type must be" in str(p) for p in verify_export(out))


@pytest.mark.parametrize("kind", list(PackKind))
def test_default_is_not_adaptive(tmp_path, kind):
    export_pack(_pack(1, kind), tmp_path / "p")
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["needs_repainting"] is False
