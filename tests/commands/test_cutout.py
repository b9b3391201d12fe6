"""`sticker-studio cutout`: RGBA PNGs out, method and confidence reported, bad input explained."""

import errno
import os

import numpy as np
import pytest
from PIL import Image

from studio.cli import main
from tests.segment.conftest import emoji_like, write_tiny_weights


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return str(write_tiny_weights(tmp_path_factory.mktemp("w") / "tiny.safetensors"))


def test_writes_rgba_pngs_and_reports_each(tmp_path, weights, capsys):
    first = tmp_path / "smile.jpg"
    emoji_like(120)[0].save(first, quality=90)
    second = tmp_path / "grey.png"
    emoji_like(90)[0].convert("L").save(second)
    out = tmp_path / "out"
    code = main(["cutout", str(first), str(second), "--out", str(out), "--weights", weights])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert "method=" in lines[0] and "confidence=" in lines[0]
    for name, size in (("smile.png", (120, 120)), ("grey.png", (90, 90))):
        with Image.open(out / name) as written:
            assert written.mode == "RGBA" and written.size == size


def test_same_stem_twice_gets_two_files(tmp_path, weights):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    emoji_like(64)[0].save(tmp_path / "a" / "x.png")
    emoji_like(64)[0].save(tmp_path / "b" / "x.png")
    out = tmp_path / "out"
    args = ["cutout", str(tmp_path / "a" / "x.png"), str(tmp_path / "b" / "x.png")]
    assert main([*args, "--out", str(out), "--weights", weights]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["x-2.png", "x.png"]


def test_bad_inputs_are_reported_and_the_good_ones_still_done(tmp_path, weights, capsys):
    good = tmp_path / "good.png"
    emoji_like(64)[0].save(good)
    text = tmp_path / "notes.png"
    text.write_text("hello")
    truncated = tmp_path / "half.png"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:300])
    out = tmp_path / "out"
    args = [str(good), str(text), str(truncated), str(tmp_path / "missing.png")]
    code = main(["cutout", *args, "--out", str(out), "--weights", weights])
    captured = capsys.readouterr()
    assert code == 2
    # Each skipped picture gets its reason on stdout; stderr holds exactly one line.
    assert "not an image" in captured.out
    assert "damaged or truncated" in captured.out
    assert "does not exist" in captured.out
    assert [line for line in captured.err.splitlines() if line.strip()] == [
        "error: 3 of 4 pictures were not cut out: notes.png, half.png, missing.png"
    ]
    assert (out / "good.png").exists()


def test_a_picture_too_small_to_cut_costs_only_itself(tmp_path, weights, capsys):
    good = tmp_path / "good.png"
    emoji_like(64)[0].save(good)
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (1, 1), "red").save(tiny)
    out = tmp_path / "out"
    code = main(["cutout", str(tiny), str(good), "--out", str(out), "--weights", weights])
    captured = capsys.readouterr()
    assert code == 2
    assert "tiny.png: skipped" in captured.out and "at least 8x8" in captured.out
    assert (out / "good.png").exists() and not (out / "tiny.png").exists()
    assert len([line for line in captured.err.splitlines() if line.strip()]) == 1


def test_a_pipe_is_refused_at_once(tmp_path, weights, capsys):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    good = tmp_path / "good.png"
    emoji_like(64)[0].save(good)
    code = main(
        ["cutout", str(fifo), str(good), "--out", str(tmp_path / "out"), "--weights", weights]
    )
    captured = capsys.readouterr()
    assert code == 2 and "not a regular file" in captured.out
    assert (tmp_path / "out" / "good.png").exists()


def test_a_full_disk_is_one_line_and_exit_2(tmp_path, weights, capsys, monkeypatch):
    import studio.fileio

    good = tmp_path / "good.png"
    emoji_like(64)[0].save(good)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(studio.fileio, "atomic_write_bytes", full)
    code = main(["cutout", str(good), "--out", str(tmp_path / "out"), "--weights", weights])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2
    assert len(err) == 1 and "no space left on device" in err[0]


def test_nothing_readable_is_one_clear_error(tmp_path, weights, capsys):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really")
    code = main(["cutout", str(bad), "--out", str(tmp_path / "out"), "--weights", weights])
    err = capsys.readouterr().err
    assert code == 2
    assert "nothing was written" in err and "Traceback" not in err


def test_out_is_a_file(tmp_path, weights, capsys):
    image = tmp_path / "x.png"
    emoji_like(64)[0].save(image)
    target = tmp_path / "file.txt"
    target.write_text("")
    assert main(["cutout", str(image), "--out", str(target), "--weights", weights]) == 2
    assert "is a file" in capsys.readouterr().err


def test_missing_official_weights_file(tmp_path, capsys):
    image = tmp_path / "x.png"
    emoji_like(64)[0].save(image)
    args = ["cutout", str(image), "--out", str(tmp_path / "o"), "--emojich", str(tmp_path / "no")]
    assert main(args) == 2
    assert "not found" in capsys.readouterr().err


def test_a_cut_out_flagged_for_review_says_why(tmp_path, weights, capsys, monkeypatch):
    import dataclasses

    from studio.segment import Segmenter

    cut_many = Segmenter.cutout_many

    def flagged(self, images, batch_size=4):
        note = "removed 1 pale speck detached from the figure"
        return [dataclasses.replace(r, review=note) for r in cut_many(self, images, batch_size)]

    monkeypatch.setattr(Segmenter, "cutout_many", flagged)
    picture = tmp_path / "smile.png"
    emoji_like(64)[0].save(picture)
    code = main(["cutout", str(picture), "--out", str(tmp_path / "o"), "--weights", weights])
    assert code == 0
    line = capsys.readouterr().out.strip()
    assert line.endswith("; please review: removed 1 pale speck detached from the figure")
