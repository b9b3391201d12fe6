"""A pack kept in the library exports as it is shown: order, emoji, keywords, masks, options."""

from __future__ import annotations

import json

import numpy as np
from pack_pictures import assert_valid_export, figure_rgba
from PIL import Image

from studio.library import Library
from studio.pack import MaskedImage, export_pack, pack_spec_from_library, validate


def test_library_pack_exports(paths, tmp_path):
    with Library(paths) as library:
        flat = Image.new("RGB", (256, 256), (250, 250, 250))
        flat.paste((200, 30, 30), (64, 96, 192, 160))  # a red bar on white
        on_white = library.import_image(flat, "bar.png").candidate_id
        mask = np.zeros((256, 256), np.uint8)
        mask[96:160, 64:192] = 255
        mask[100, 100] = 0  # a hole, so the cut-out is not one opaque block
        library.add_cutout(on_white, Image.fromarray(mask, "L"), "manual")
        with_alpha = library.import_image(figure_rgba(200, 100), "blob.png").candidate_id
        pack = library.create_pack("Library pack", "library_pack")
        library.update_pack(pack.id, outline_px=4, shadow=True, padding_px=2)
        second = library.add_pack_item(pack.id, with_alpha, ["😎"], ["blob"])
        first = library.add_pack_item(pack.id, on_white, ["👨‍👩‍👧"], [])
        library.reorder_pack(pack.id, [first.id, second.id])
        spec = pack_spec_from_library(library, pack.id)

    assert validate(spec) == []
    assert isinstance(spec.stickers[0].source, MaskedImage)
    assert spec.options.outline_px == 4 and spec.options.shadow and spec.options.padding_px == 2
    export_pack(spec, tmp_path / "out")
    manifest = assert_valid_export(tmp_path / "out", 2)
    assert [s["emoji_list"] for s in manifest["stickers"]] == [["👨‍👩‍👧"], ["😎"]]
    assert manifest == json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    with Image.open(tmp_path / "out" / "001.webp") as sticker:
        # The 2:1 bar the mask keeps, not the square picture, fills the width.
        assert sticker.width == 512 and sticker.height < 300
