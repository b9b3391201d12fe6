"""The layer layouts equal the reference's `get_row_mask` / `get_col_mask` / `get_conv_mask`."""

from __future__ import annotations

import pytest
import torch
from rudalle_reference import reference_module

from studio.engine.config import DalleConfig
from studio.engine.masks import COLUMN, CONV, ROW, key_windows, layer_kind, layer_mask


def _config(t: int, d: int, version: str) -> DalleConfig:
    return DalleConfig(
        num_layers=4,
        hidden_size=32,
        num_attention_heads=2,
        text_seq_length=t,
        image_tokens_per_dim=d,
        vocab_size=t + 10,
        image_vocab_size=8,
        hf_version=version,
    )


@pytest.mark.parametrize("version", ["v2", "v3"])
@pytest.mark.parametrize(("t", "d"), [(8, 4), (5, 3), (16, 12), (128, 32)])
def test_masks_equal_reference(version, t, d):
    ref = reference_module("rudalle.dalle.image_attention")
    config = _config(t, d, version)
    expected = {
        ROW: ref.get_row_mask(t, d, is_bool_mask=True),
        COLUMN: ref.get_col_mask(t, d, is_bool_mask=True),
        CONV: ref.get_conv_mask(t, d, is_bool_mask=True, hf_version=version),
    }
    for kind, mask in expected.items():
        assert torch.equal(layer_mask(config, kind), mask), kind


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_windows_list_exactly_the_visible_image_keys(version):
    config = _config(8, 6, version)
    t = config.text_seq_length
    for kind in (ROW, COLUMN, CONV):
        dense = layer_mask(config, kind)
        windows = key_windows(config, kind)
        for slot in range(config.image_seq_length):
            seen = windows.slots[slot][windows.valid[slot]].tolist()
            expected = (dense[t + slot, t:].nonzero()[:, 0]).tolist()
            assert seen == expected
            assert dense[t + slot, :t].all()  # every text key is always visible


def test_full_size_window_widths():
    # Each query sees at most 33 (row), 32 (column) or 121 (conv) image keys.
    widths = {k: key_windows(DalleConfig.emojich(), k).width for k in (ROW, COLUMN, CONV)}
    assert widths == {ROW: 33, COLUMN: 32, CONV: 121}


def test_layer_kinds_follow_the_reference():
    kinds = [layer_kind(i, 24) for i in range(24)]
    assert kinds[1] == kinds[5] == kinds[21] == COLUMN
    assert kinds[23] == CONV
    assert kinds.count(ROW) == 24 - 6 - 1
