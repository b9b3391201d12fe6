import json
from xml.etree import ElementTree

import numpy as np
import pytest

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
            "../outside": {"body": SQUARE},
        },
    }
    source = tmp_path / "icons.json"
    source.write_text(json.dumps(icons))
    folder = tmp_path / "set"
    assert iconify.write_svgs(source, folder) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["red-square.svg", "wide.svg"]
    assert not (tmp_path / "outside.svg").exists()
    wide = ElementTree.parse(folder / "wide.svg").getroot()
    assert wide.get("viewBox") == "-8 0 32 16"
    assert [child.get("fill") for child in wide] == ["#E03020"]


def test_a_written_icon_reads_as_a_design(tmp_path):
    pytest.importorskip("cairosvg")  # the rasteriser of the `eval` extra
    source = tmp_path / "icons.json"
    source.write_text(
        json.dumps({"width": 16, "height": 16, "icons": {"red-square": {"body": SQUARE}}})
    )
    folder = tmp_path / "set"
    iconify.write_svgs(source, folder)
    # The square, drawn red and opaque, cropped to itself.
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


def test_a_file_that_is_not_an_icon_set_is_refused_clearly(tmp_path, capsys):
    source = tmp_path / "icons.json"
    source.write_text(json.dumps({"prefix": "x"}))
    with pytest.raises(SystemExit) as exited:
        iconify.main([str(source), "--out", str(tmp_path / "out")])
    assert exited.value.code == 2
    assert "is not an Iconify icon set" in capsys.readouterr().err


def test_emoji_names_name_each_file_by_its_code_points(tmp_path):
    icons = {
        "icons": {
            "grinning-face": {"body": SQUARE},
            "grinning": {"body": SQUARE},  # the same emoji under its alias: written once
            "waving-hand-medium-skin-tone": {"body": SQUARE},
            "letter-a": {"body": SQUARE},  # no emoji
        }
    }
    source = tmp_path / "icons.json"
    source.write_text(json.dumps(icons))
    folder = tmp_path / "set"
    assert iconify.write_svgs(source, folder, emoji_names=True) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["1f44b-1f3fd.svg", "1f600.svg"]
    # Named so, an emoji falls in the same split as in every other style.
    assert synth.design_sequence(folder / "1f44b-1f3fd.svg") == "\U0001f44b\U0001f3fd"


def test_the_command_writes_emoji_names_when_asked(tmp_path):
    source = tmp_path / "icons.json"
    source.write_text(json.dumps({"icons": {"grinning-face": {"body": SQUARE}}}))
    assert iconify.main([str(source), "--out", str(tmp_path / "out"), "--emoji-names"]) == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["1f600.svg"]
