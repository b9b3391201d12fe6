import json

import numpy as np

from studio.segment.training import iconify, synth

SQUARE = '<path fill="#E03020" d="M2 2h12v12H2z"/>'


def test_each_icon_is_written_as_an_svg_in_its_own_box(tmp_path):
    icons = {
        "width": 16,
        "height": 16,
        "icons": {
            "red-square": {"body": SQUARE},
            "wide": {"body": SQUARE, "width": 32, "left": -8},
            "retired": {"body": SQUARE, "hidden": True},
            "mirrored": {"body": SQUARE, "hFlip": True},
        },
    }
    source = tmp_path / "icons.json"
    source.write_text(json.dumps(icons))
    folder = tmp_path / "set"
    assert iconify.write_svgs(source, folder) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["red-square.svg", "wide.svg"]
    assert 'viewBox="-8 0 32 16"' in (folder / "wide.svg").read_text()
    # The folder reads as a design: the square, drawn red and opaque, cropped to itself.
    glyphs = dict(synth.named_design_glyphs(folder, None, seed=1, size=64))
    square = glyphs["red-square"]
    assert square.shape[:2] == (48, 48)
    assert (square[..., 3] == 255).all()
    assert np.abs(square[..., :3].astype(int) - (0xE0, 0x30, 0x20)).max() <= 1


def test_the_command_says_how_many_it_wrote(tmp_path, capsys):
    source = tmp_path / "icons.json"
    source.write_text(json.dumps({"icons": {"a": {"body": SQUARE}}}))
    assert iconify.main([str(source), "--out", str(tmp_path / "out")]) == 0
    assert "wrote 1 of the set's icons" in capsys.readouterr().out
