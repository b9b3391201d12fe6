"""A glyph pack holds the training glyphs exactly: a run drawn from it is the run drawn from the
font and the design folders, on a machine that has neither."""

import zipfile
from dataclasses import replace

import numpy as np
import pytest
import torch

from studio.segment.training import glyph_pack, synth, train
from studio.segment.training.glyph_pack import GlyphPack, GlyphPackError
from studio.segment.training.train import TrainConfig
from tests.segment.training.conftest import square_design


def _random_glyphs(seed: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    glyphs = []
    for _ in range(count):
        rgba = rng.integers(0, 256, (int(rng.integers(5, 30)), int(rng.integers(5, 30)), 4))
        rgba[..., 3][rgba[..., 3] < 60] = 0  # colour under transparent pixels is kept too
        glyphs.append(rgba.astype(np.uint8))
    return glyphs


def test_a_pack_reads_back_the_very_arrays_written(tmp_path):
    pack = GlyphPack(
        ("fluent-3d", "/data/emoji/openmoji"),
        700,
        1313,
        [*_random_glyphs(1, 4), np.full((7, 9, 4), 255, np.uint8)],  # and a wholly opaque one
        [_random_glyphs(2, 3), _random_glyphs(3, 1)],
    )
    glyph_pack.write_pack(tmp_path / "glyphs.zip", pack)
    back = glyph_pack.read_pack(tmp_path / "glyphs.zip")
    assert (back.designs, back.design_glyphs, back.seed) == (pack.designs, 700, 1313)
    for written, read in zip(
        [pack.noto, *pack.design_sets], [back.noto, *back.design_sets], strict=True
    ):
        assert len(written) == len(read)
        for a, b in zip(written, read, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def _config(out, **changes) -> TrainConfig:
    return replace(
        TrainConfig(
            out=str(out),
            steps=2,
            batch_size=2,
            size=64,
            warmup=1,
            widths=(4, 8, 8, 8, 8, 8),
            flat=0.5,
            seed=77,
        ),
        **changes,
    )


def test_a_run_from_a_pack_is_the_run_from_the_sources(tmp_path, few_glyphs, monkeypatch):
    design = square_design(tmp_path)
    from_sources = train.train(_config(tmp_path / "a", designs=(str(design),), design_glyphs=3))
    pack = tmp_path / "glyphs.zip"
    args = ["--out", str(pack), "--designs", str(design), "--design-glyphs", "3", "--seed", "77"]
    assert glyph_pack.main(args) == 0
    # The machine the pack goes to has neither the font nor the design folder.
    monkeypatch.setattr(synth, "noto_glyphs", lambda split: pytest.fail("rendered Noto"))
    monkeypatch.setattr(synth, "load_design_folder", lambda *a, **k: pytest.fail("loaded"))
    config = _config(tmp_path / "b", designs=(str(design),), design_glyphs=3, glyphs=str(pack))
    from_pack = train.train(config)
    for key, value in from_sources.state_dict().items():
        assert torch.equal(value, from_pack.state_dict()[key]), key


def test_a_run_folder_keeps_its_glyphs_as_a_pack(tmp_path, few_glyphs):
    train.train(_config(tmp_path / "run"))
    kept = glyph_pack.read_pack(tmp_path / "run" / train.GLYPH_CACHE_NAME)
    assert kept.designs == ()
    assert all(np.array_equal(a, b) for a, b in zip(kept.noto, few_glyphs, strict=True))


def test_a_pack_of_other_glyphs_is_refused_and_says_what_it_holds(tmp_path, few_glyphs):
    design = square_design(tmp_path)
    pack = tmp_path / "glyphs.zip"
    glyph_pack.write_pack(pack, glyph_pack.gather([str(design)], 3, seed=1))
    config = _config(tmp_path / "run", designs=(str(design),), design_glyphs=3, glyphs=str(pack))
    with pytest.raises(GlyphPackError, match="seed 1.*--seed"):
        train.training_glyphs(config, tmp_path / "cache.zip")
    with pytest.raises(GlyphPackError, match="other glyphs"):
        train.training_glyphs(replace(config, seed=1, designs=()), tmp_path / "cache.zip")


def test_a_damaged_run_folder_pack_is_gathered_again(tmp_path, few_glyphs):
    cache = tmp_path / train.GLYPH_CACHE_NAME
    cache.write_bytes(b"PK\x03\x04 cut short")
    glyphs = train.training_glyphs(_config(tmp_path), cache)
    assert len(glyphs) == len(few_glyphs)
    assert len(glyph_pack.read_pack(cache).noto) == len(few_glyphs)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: None, "no glyph pack at"),
        (lambda path: path.mkdir(), "is a folder"),
        (lambda path: path.write_bytes(b"not a zip at all"), "damaged or not a glyph pack"),
        (lambda path: zipfile.ZipFile(path, "w").close(), "damaged or not a glyph pack"),
    ],
)
def test_a_file_that_is_no_pack_gets_a_clear_error(tmp_path, make, message):
    path = tmp_path / "glyphs.zip"
    make(path)
    with pytest.raises(GlyphPackError, match=message):
        glyph_pack.read_pack(path)


def test_a_truncated_pack_is_called_damaged(tmp_path):
    path = tmp_path / "glyphs.zip"
    glyph_pack.write_pack(path, GlyphPack((), 0, 0, _random_glyphs(4, 3), []))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(GlyphPackError, match="damaged"):
        glyph_pack.read_pack(path)


def test_a_pack_that_cannot_be_written_is_a_clear_error(tmp_path, few_glyphs, capsys):
    (tmp_path / "file").write_text("a file, not a folder")
    with pytest.raises(SystemExit) as stop:
        glyph_pack.main(["--out", str(tmp_path / "file" / "glyphs.zip")])
    assert stop.value.code == 1
    assert "cannot write" in capsys.readouterr().err


def test_training_from_a_missing_pack_stops_with_a_message(tmp_path, capsys):
    missing = tmp_path / "nowhere.zip"
    with pytest.raises(SystemExit) as stop:
        train.main(["--out", str(tmp_path / "run"), "--glyphs", str(missing), "--steps", "1"])
    assert stop.value.code == 1
    assert f"no glyph pack at {missing}" in capsys.readouterr().err
