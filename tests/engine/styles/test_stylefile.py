"""Style files that cannot be used are refused with a clear message; writes are atomic."""

from __future__ import annotations

import errno

import pytest
import torch

from studio.engine.styles import StyleFile, StyleSwitcher, read_style, write_style
from studio.engine.styles.stylefile import StyleFileError


def test_a_damaged_file_is_refused(tmp_path):
    path = tmp_path / "x.style.safetensors"
    path.write_bytes(b"not a style at all")
    with pytest.raises(StyleFileError, match="not a readable style file"):
        read_style(path)
    with pytest.raises(StyleFileError, match="not found"):
        read_style(tmp_path / "absent.style.safetensors")


def test_a_style_of_another_model_is_refused_and_changes_nothing(tiny_models, tmp_path):
    model = tiny_models.dalle
    before = model.image_embeddings.weight.detach().clone()
    style = StyleFile(
        "big",
        {
            "image_embeddings.weight": torch.zeros(8192, 2048),
            "text_embeddings.weight": torch.zeros(3, 3),
        },
    )
    switcher = StyleSwitcher(model)
    with pytest.raises(StyleFileError, match="trained for another model"):
        switcher.apply(style)
    assert switcher.active is None and torch.equal(model.image_embeddings.weight, before)


def test_a_failed_write_keeps_the_earlier_style(tmp_path, monkeypatch):
    path = tmp_path / "cat.style.safetensors"
    write_style(path, StyleFile("cat", {"a": torch.ones(2)}, {"steps_done": 1}))
    import studio.fileio

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(studio.fileio.os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_style(path, StyleFile("cat", {"a": torch.zeros(2)}, {"steps_done": 2}))
    kept = read_style(path)
    assert kept.info == {"steps_done": 1} and torch.equal(kept.tensors["a"], torch.ones(2))
    assert [p.name for p in tmp_path.iterdir()] == ["cat.style.safetensors"]
