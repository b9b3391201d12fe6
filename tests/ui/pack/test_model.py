"""The panel's Qt-free side: specs from library records, picture checks, names, splitting."""

from __future__ import annotations

from PIL import Image

from studio.pack import MaskedImage, name_problems, pack_spec_from_library, title_problems
from studio.ui.pack import model
from tests.ui.pack.conftest import add_candidates


def test_entries_compose_picture_and_current_mask(library):
    ids = add_candidates(library, 2)
    pack = library.create_pack("Котики", "kotiki")
    for cid in ids:
        library.add_pack_item(pack.id, cid, ["😺"], ["кот"])
    entries = model.load_entries(library, pack.id)
    assert [e.candidate.id for e in entries] == ids
    source = entries[0].source
    assert isinstance(source, MaskedImage)
    assert source.mask == library.abspath(library.current_cutout(ids[0]).mask_path)
    spec = pack_spec_from_library(library, pack.id)
    assert [s.source for s in spec.stickers] == [e.source for e in entries]
    assert model.describe(entries, 1) == f"sticker 2 (#{ids[1]})"
    assert model.pack_problems(spec, entries, model.AlphaCache()) == []


def test_picture_problems(library, tmp_path):
    ids = add_candidates(library, 1, cut_out=False)
    pack = library.create_pack("t", "n")
    library.add_pack_item(pack.id, ids[0], ["😀"])
    transparent = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    transparent.putpixel((5, 5), (255, 0, 0, 255))
    imported = library.import_image(transparent, "dot.png")
    library.add_pack_item(pack.id, imported.candidate_id, ["😀"])
    entries = model.load_entries(library, pack.id)
    alpha = model.AlphaCache()
    problems = model.picture_problems(entries, alpha)
    assert [(p.field, p.sticker) for p in problems] == [(model.CUTOUT_FIELD, 0)]
    entries[0].image.unlink()
    problems = model.picture_problems(entries, alpha)
    assert [(p.field, p.sticker) for p in problems] == [(model.IMAGE_FIELD, 0)]


def test_name_from_title_is_always_a_valid_name():
    for title in ["Котики", "Грустный Ёжик 2026!", "123 cats", "", "___", "Щ" * 80, "émoji ✨"]:
        name = model.name_from_title(title)
        assert name_problems(name) == [], (title, name)
    assert model.name_from_title("Котики") == "kotiki"


def test_split_names_stay_within_the_limits():
    names = model.split_names("К" * 64, "a" * 63 + "_", 3)
    assert names[0] == ("К" * 64, "a" * 63 + "_")
    for title, name in names[1:]:
        assert title_problems(title) == [] and name_problems(name) == []
    assert names[2][0].endswith(" (3)") and names[2][1].endswith("_3")


def test_split_pack_keeps_order_emoji_and_settings(library):
    ids = add_candidates(library, 3)
    pack = library.create_pack("Cats", "cats")
    library.update_pack(pack.id, outline_px=6, shadow=True)
    for index in range(250):
        library.add_pack_item(pack.id, ids[index % 3], [["😀", "😺", "🐱"][index % 3]])
    before = [(i.candidate_id, i.emoji_list) for i in library.pack_items(pack.id)]
    parts = model.split_pack(library, pack.id)
    assert len(parts) == 3
    after = [(i.candidate_id, i.emoji_list) for p in parts for i in library.pack_items(p)]
    assert after == before
    assert [len(library.pack_items(p)) for p in parts] == [120, 120, 10]
    third = library.pack(parts[2])
    assert (third.title, third.name, third.outline_px, third.shadow) == (
        "Cats (3)",
        "cats_3",
        6,
        True,
    )
