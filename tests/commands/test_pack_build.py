"""`sticker-studio pack build|check`: a valid pack from files; every bad input is one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from studio import cli
from studio.pack import verify_export


@pytest.fixture(autouse=True)
def _in_process(monkeypatch, tmp_path):
    """Run the CLI in this process, from a scratch folder; leave the exception hook alone."""
    monkeypatch.setattr(cli, "install_excepthook", lambda: None)
    monkeypatch.chdir(tmp_path)


def figure(path, width=160, height=120, transparent=True):
    """A shaded ellipse; on transparency, or flat on white like a generated picture."""
    pixels = np.full((height, width, 4), 255, np.uint8)
    mask = np.zeros((height, width), np.uint8)
    cv2.ellipse(
        mask, (width // 2, height // 2), (width // 3, height // 3), 0, 0, 360, 255, -1, cv2.LINE_AA
    )
    inside = mask > 0
    pixels[inside, :3] = (30, 140, 220)
    if transparent:
        pixels[..., 3] = mask
        Image.fromarray(pixels, "RGBA").save(path)
    else:
        Image.fromarray(pixels[..., :3], "RGB").save(path)
    return path


def snapshot(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run(capsys, *args):
    code = cli.main(["pack", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_build_writes_a_valid_pack_and_zip(tmp_path, capsys):
    images = [figure(tmp_path / f"s{i}.png", 100 + 50 * i) for i in range(3)]
    code, out, err = run(
        capsys, "build", *images, "--title", "Blue blobs", "--name", "blue_blobs",
        "--emoji", "😀", "--emoji", "👨‍👩‍👧", "--emoji", "😎👍🏽",
        "--keywords", "blue,blob", "--keywords", "round",
        "--outline", "6", "--shadow", "--padding", "2", "--zip",
    )  # fmt: skip
    assert code == 0, err
    assert err == ""
    pack = tmp_path / "blue_blobs"
    assert verify_export(pack) == []
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["title"] == "Blue blobs"
    assert [s["emoji_list"] for s in manifest["stickers"]] == [["😀"], ["👨‍👩‍👧"], ["😎", "👍🏽"]]
    assert all(s["keywords"] == ["blue", "blob", "round"] for s in manifest["stickers"])
    assert (tmp_path / "blue_blobs.zip").is_file()
    assert "001.webp" in out and "lossless" in out and "pack written to" in out
    assert run(capsys, "check", pack)[0] == 0


def test_one_emoji_for_all_and_custom_out(tmp_path, capsys):
    images = [figure(tmp_path / f"s{i}.png") for i in range(2)]
    code, _out, err = run(
        capsys,
        "build",
        *images,
        "--title",
        "T",
        "--name",
        "t1",
        "--emoji",
        "🐱",
        "--out",
        tmp_path / "packs" / "mine",
    )
    assert code == 0, err
    manifest = json.loads((tmp_path / "packs" / "mine" / "manifest.json").read_text("utf-8"))
    assert [s["emoji_list"] for s in manifest["stickers"]] == [["🐱"], ["🐱"]]
    assert [s["keywords"] for s in manifest["stickers"]] == [[], []]


def test_check_reports_a_broken_pack(tmp_path, capsys):
    figure(tmp_path / "a.png")
    assert run(capsys, "build", "a.png", "--title", "T", "--name", "t1", "--emoji", "🐱")[0] == 0
    (tmp_path / "t1" / "001.webp").write_bytes(b"junk")
    code, out, _err = run(capsys, "check", tmp_path / "t1")
    assert code == 1 and "001.webp cannot be decoded" in out


def _bad_input_cases(tmp_path):
    good = figure(tmp_path / "good.png")
    (tmp_path / "notes.png").write_text("this is text")
    truncated = figure(tmp_path / "cut.png", 400, 400)
    truncated.write_bytes(truncated.read_bytes()[:300])
    many = tmp_path / "many"
    many.mkdir()
    for i in range(121):
        Image.new("RGBA", (4, 4), (255, 0, 0, 128)).save(many / f"{i:03d}.png")
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "manifest.json").write_text("{}")
    (tmp_path / "a_file").write_text("x")
    base = ["--title", "T", "--name", "good_name", "--emoji", "😀"]
    return {
        "missing file": (["nope.png", *base], "nope.png does not exist"),
        "not an image": (["notes.png", *base], "not an image"),
        "truncated image": ([truncated, *base], "truncated"),
        "121 stickers": ([*sorted(many.iterdir()), *base], "120 stickers at most"),
        "name with a space": ([good, "--title", "T", "--name", "bad name", "--emoji", "😀"],
                              "English letters"),
        "name starting with a digit": ([good, "--title", "T", "--name", "9lives", "--emoji", "😀"],
                                       "start with an English letter"),
        "empty title": ([good, "--title", "", "--name", "ok", "--emoji", "😀"], "needs a title"),
        "long title": ([good, "--title", "x" * 65, "--name", "ok", "--emoji", "😀"],
                       "65 characters"),
        "word as emoji": ([good, "--title", "T", "--name", "ok", "--emoji", "smile"],
                          "not an emoji"),
        "emoji count mismatch": ([good, good, good, "--title", "T", "--name", "ok",
                                  "--emoji", "😀", "--emoji", "😎"], "one per image"),
        "outline too wide": ([good, *base, "--outline", "99"], "outline"),
        "existing output": ([good, *base, "--out", existing], "already exists"),
        "output under a file": ([good, *base, "--out", tmp_path / "a_file" / "pack"],
                                "cannot create the folder"),
    }  # fmt: skip


BAD_CASES = [
    "missing file", "not an image", "truncated image", "121 stickers", "name with a space",
    "name starting with a digit", "empty title", "long title", "word as emoji",
    "emoji count mismatch", "outline too wide", "existing output", "output under a file",
]  # fmt: skip


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_one_line_nonzero_and_leaves_nothing(tmp_path, capsys, case):
    args, fragment = _bad_input_cases(tmp_path)[case]
    before = snapshot(tmp_path)
    existing_manifest = (tmp_path / "existing" / "manifest.json").read_text()
    code, _out, err = run(capsys, "build", *args)
    assert code != 0
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before
    assert (tmp_path / "existing" / "manifest.json").read_text() == existing_manifest


def test_force_replaces_an_existing_pack(tmp_path, capsys):
    figure(tmp_path / "a.png")
    figure(tmp_path / "b.png", 90, 200)
    args = ["--title", "T", "--name", "t1", "--emoji", "🐱"]
    assert run(capsys, "build", "a.png", *args)[0] == 0
    assert run(capsys, "build", "a.png", "b.png", *args)[0] == 2
    assert run(capsys, "build", "a.png", "b.png", *args, "--force")[0] == 0
    manifest = json.loads((tmp_path / "t1" / "manifest.json").read_text("utf-8"))
    assert len(manifest["stickers"]) == 2
    assert verify_export(tmp_path / "t1") == []


class _WhiteIsBackground:
    """Stands in for the cut-out engine: near-white pixels become transparent."""

    calls: list[tuple[int, int]] = []

    @classmethod
    def default(cls):
        return cls()

    def cutout(self, image):
        type(self).calls.append(image.size)
        rgb = np.asarray(image.convert("RGB"))
        mask = np.where(rgb.min(axis=2) > 240, 0, 255).astype(np.uint8)
        rgba = np.dstack([rgb, mask])

        class Cut:
            pass

        cut = Cut()
        cut.rgba, cut.mask, cut.method, cut.confidence = Image.fromarray(rgba), mask, "test", 1.0
        return cut


def test_pictures_without_transparency_go_through_the_segmenter(tmp_path, capsys, monkeypatch):
    import studio.segment

    monkeypatch.setattr(studio.segment, "Segmenter", _WhiteIsBackground, raising=False)
    _WhiteIsBackground.calls = []
    flat = np.full((100, 300, 3), 255, np.uint8)
    cv2.circle(flat, (150, 50), 30, (30, 140, 220), -1, cv2.LINE_AA)  # a disc on a wide white
    Image.fromarray(flat).save(tmp_path / "flat.jpg", quality=95)
    figure(tmp_path / "cut.png", 150, 150, transparent=True)
    code, _out, err = run(
        capsys, "build", "flat.jpg", "cut.png", "--title", "T", "--name", "t1", "--emoji", "🐱"
    )
    assert code == 0, err
    assert _WhiteIsBackground.calls == [(300, 100)]  # only the picture without alpha
    assert verify_export(tmp_path / "t1") == []
    with Image.open(tmp_path / "t1" / "001.webp") as sticker:
        # The white around the disc is gone: trimmed to the disc, a square, not 3:1.
        assert abs(sticker.width - sticker.height) <= 20


def test_real_segmenter_cuts_out_a_picture_on_white(tmp_path, capsys):
    segment = pytest.importorskip("studio.segment")
    if not hasattr(segment, "Segmenter"):
        pytest.skip("studio.segment has no Segmenter yet")
    from studio.errors import StudioError

    try:
        segment.Segmenter.default()
    except StudioError as exc:  # the shipped weights are built separately
        pytest.skip(f"the default segmenter cannot load here: {exc}")
    figure(tmp_path / "flat.png", 256, 256, transparent=False)
    code, _out, err = run(
        capsys, "build", "flat.png", "--title", "T", "--name", "t1", "--emoji", "🐱"
    )
    assert code == 0, err
    assert verify_export(tmp_path / "t1") == []
    with Image.open(tmp_path / "t1" / "001.webp") as sticker:
        alpha = np.asarray(sticker.getchannel("A"))
    assert alpha.min() == 0 and alpha.max() == 255


def test_default_segmenter_from_shipped_file_layout(tmp_path, capsys, monkeypatch):
    """The real Segmenter.default() path, on a small random-weight model in the shipped format.

    Its routing threshold of 1.0 sends every picture to the contour fallback, so the outcome
    is known: the white around the figure is cut away (what the trained model also does).
    """
    torch = pytest.importorskip("torch")
    segmenter_module = pytest.importorskip("studio.segment.segmenter")
    from studio.segment.tinyunet import TinyUNet
    from studio.segment.train import export_weights

    torch.manual_seed(0)
    widths = [4, 8, 8, 8, 8, 8]
    weights = tmp_path / "resources" / "cutout.safetensors"
    weights.parent.mkdir()
    export_weights(
        TinyUNet(widths=tuple(widths)).eval(),
        weights,
        {"widths": widths, "input_size": 64, "threshold": 1.0},
    )
    monkeypatch.setattr(segmenter_module, "resource", lambda *parts: weights)
    flat = np.full((120, 360, 3), 255, np.uint8)
    cv2.circle(flat, (180, 60), 40, (200, 30, 40), -1, cv2.LINE_AA)  # a red disc on wide white
    Image.fromarray(flat).save(tmp_path / "flat.png")
    code, _out, err = run(
        capsys,
        "build",
        "flat.png",
        "--title",
        "T",
        "--name",
        "t1",
        "--emoji",
        "🐱",
        "--out",
        tmp_path / "pack",
    )
    assert code == 0, err
    assert verify_export(tmp_path / "pack") == []
    with Image.open(tmp_path / "pack" / "001.webp") as sticker:
        alpha = np.asarray(sticker.getchannel("A"))
        # Cut to the disc: square, not 3:1, and its corners transparent.
        assert abs(sticker.width - sticker.height) <= 20
        assert alpha[0, 0] == 0 and alpha[alpha.shape[0] // 2, alpha.shape[1] // 2] == 255


def test_as_a_user_runs_it(tmp_path):
    figure(tmp_path / "a.png")
    env = os.environ.copy()
    result = subprocess.run(
        [sys.executable, "-m", "studio", "pack", "build", "a.png", "--title", "T",
         "--name", "t1", "--emoji", "😀", "--zip"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert verify_export(tmp_path / "t1") == []
    bad = subprocess.run(
        [sys.executable, "-m", "studio", "pack", "build", "a.png", "--title", "T",
         "--name", "t1", "--emoji", "x"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    expected = "error: 'x' is not an emoji; give real emoji such as 😀 or 👍🏽"
    assert bad.stderr.splitlines() == [expected]


def test_build_an_adaptive_emoji_pack(tmp_path, capsys):
    images = [figure(tmp_path / f"e{i}.png", 120 + 40 * i, 90) for i in range(3)]
    code, _out, err = run(
        capsys, "build", *images, "--title", "Blobs", "--name", "blob_emoji",
        "--emoji", "🔵", "--kind", "emoji", "--adaptive",
    )  # fmt: skip
    assert code == 0, err
    pack = tmp_path / "blob_emoji"
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sticker_type"] == "custom_emoji" and manifest["needs_repainting"] is True
    for entry in manifest["stickers"]:
        with Image.open(pack / entry["file"]) as image:
            assert image.size == (100, 100)
    code, out, _err = run(capsys, "check", pack)
    assert code == 0 and "follows Telegram's rules" in out


def test_adaptive_is_for_emoji_only_and_emoji_packs_hold_200(tmp_path, capsys):
    figure(tmp_path / "a.png")
    code, _out, err = run(
        capsys, "build", "a.png", "--title", "T", "--name", "t1", "--emoji", "🐱", "--adaptive"
    )
    assert code == 2 and "--kind emoji" in err and not (tmp_path / "t1").exists()
    code, _out, err = run(
        capsys, "build", *["a.png"] * 201, "--title", "T", "--name", "t1", "--emoji", "🐱",
        "--kind", "emoji",
    )  # fmt: skip
    assert code == 2 and "200" in err


def test_check_warns_about_an_opaque_sticker(tmp_path, capsys):
    from studio.pack import PackSpec, StickerSpec, export_pack

    square = Image.new("RGB", (64, 64), (200, 0, 0))
    export_pack(PackSpec("T", "sq", [StickerSpec(square, ["🟥"])]), tmp_path / "sq")
    code, out, _err = run(capsys, "check", tmp_path / "sq")
    assert code == 0  # Telegram accepts square stickers
    assert "warning: sticker 1: 001.webp has no transparent background" in out
    assert "(1 warning(s))" in out
