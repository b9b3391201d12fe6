"""Loading the official Emojich U-Net layout (random weights written as the official file)."""

import numpy as np
import pytest
import torch

from studio.segment import Segmenter, SegmenterError
from studio.segment.segmenter import OFFICIAL_THRESHOLD, read_state_dict
from tests.segment.conftest import emoji_like


@pytest.fixture(scope="module")
def official(official_weights):
    return Segmenter.from_emojich_unet(official_weights, "cpu")


def test_official_file_loads_and_routes_by_its_confidence(official):
    assert official.threshold == OFFICIAL_THRESHOLD == 0.99
    image, _ = emoji_like(100)
    cut = official.cutout(image)
    assert cut.rgba.size == (100, 100)
    assert 0.0 <= cut.confidence <= 1.0
    assert cut.method == ("unet" if cut.confidence >= 0.99 else "contour")
    forced = official.with_threshold(0.0).cutout(image)
    assert forced.method == "unet" and forced.mask.shape == (100, 100)


def test_wrong_network_in_the_file_is_refused(tmp_path):
    path = tmp_path / "pytorch_model_v2.bin"
    torch.save({"encoder.conv.weight": torch.zeros(3, 3)}, path)
    with pytest.raises(SegmenterError, match="not the Emojich U-Net"):
        Segmenter.from_emojich_unet(path)


def test_missing_and_damaged_files(tmp_path):
    with pytest.raises(SegmenterError, match="not found"):
        Segmenter.from_emojich_unet(tmp_path / "absent.bin")
    damaged = tmp_path / "damaged.bin"
    damaged.write_bytes(b"PK\x03\x04 half a zip")
    with pytest.raises(SegmenterError, match="not a readable weights file"):
        Segmenter.from_emojich_unet(damaged)


def test_wrapped_and_prefixed_state_dicts_are_unwrapped(tmp_path):
    path = tmp_path / "wrapped.bin"
    torch.save({"state_dict": {"module.a.weight": torch.ones(2)}}, path)
    state = read_state_dict(path)
    assert list(state) == ["a.weight"]
    assert np.array_equal(state["a.weight"].numpy(), np.ones(2))
