import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from studio.segment import Segmenter
from studio.segment.segmenter import SegmenterError, read_model_meta, read_state_dict
from studio.segment.tinyunet import TinyUNet
from studio.segment.training import combine, train
from tests.segment.training.conftest import exported_network


def _picture():
    picture = np.full((120, 120, 3), (253, 252, 252), np.uint8)
    cv2.circle(picture, (60, 60), 35, (200, 30, 40), -1)
    cv2.circle(picture, (48, 52), 6, (255, 255, 255), -1)
    return picture


def _pair(tmp_path, **others):
    base = exported_network(tmp_path / "base.safetensors", 1, meta={"seed": 11})
    other = exported_network(tmp_path / "other.safetensors", 2, **others)
    out = tmp_path / "pair.safetensors"
    combine.combine(base, {96: other}, out)
    return base, other, out


def test_each_size_is_fed_to_its_own_network_and_the_two_are_averaged(tmp_path):
    base, other, out = _pair(tmp_path)
    picture = _picture()
    (pair,), (confidence,) = Segmenter.from_shipped_weights(out, "cpu").network_outputs([picture])
    (p_base,), _ = Segmenter.from_shipped_weights(base, "cpu").network_outputs([picture])
    (p_other,), _ = Segmenter.from_shipped_weights(other, "cpu").network_outputs([picture])
    # Each file alone averages its own 64 and 96 px passes; recover each pass from the two files
    # by feeding one size only.
    small = Segmenter.from_shipped_weights(base, "cpu").fed_at([64])
    large = Segmenter.from_shipped_weights(other, "cpu").fed_at([96])
    small, large = small.network_outputs([picture])[0][0], large.network_outputs([picture])[0][0]
    upsampled = cv2.resize(small, (96, 96), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(pair, 0.5 * (upsampled + large), atol=1e-5)
    assert not np.allclose(pair, p_base, atol=1e-3) and not np.allclose(pair, p_other, atol=1e-3)
    assert np.isclose(confidence, np.maximum(pair, 1 - pair).mean(), atol=1e-5)
    cut = Segmenter.from_shipped_weights(out, "cpu").cutout(Image.fromarray(picture))
    assert cut.mask.shape == (120, 120)


def test_the_combined_file_keeps_the_base_metadata_and_names_the_other(tmp_path):
    _, _, out = _pair(tmp_path, meta={"seed": 22})
    meta = read_model_meta(out)
    assert meta["seed"] == 11 and meta["input_sizes"] == [64, 96] and meta["threshold"] == 0.8
    own = meta["size_networks"]["96"]
    assert own["seed"] == 22 and own["file"] == "other.safetensors" and own["in_channels"] == 5


def test_networks_of_other_widths_combine(tmp_path):
    _, _, out = _pair(tmp_path, widths=(4, 6, 8, 8, 8, 16))
    seg = Segmenter.from_shipped_weights(out, "cpu")
    assert seg._net.model_for(96).widths == (4, 6, 8, 8, 8, 16)
    assert seg._net.model_for(64).widths == (4, 6, 8, 8, 8, 8)


def test_fine_tuning_a_combined_file_starts_from_its_own_network(tmp_path):
    base, _, out = _pair(tmp_path)
    model = TinyUNet(in_channels=5, widths=(4, 6, 8, 8, 8, 8))
    train.load_init(model, out)
    for name, tensor in read_state_dict(base).items():
        assert torch.equal(model.state_dict()[name], tensor), name


def test_a_size_the_base_is_not_fed_at_is_refused(tmp_path):
    base = exported_network(tmp_path / "base.safetensors", 1)
    other = exported_network(tmp_path / "other.safetensors", 2)
    with pytest.raises(ValueError, match="not at 128"):
        combine.combine(base, {128: other}, tmp_path / "pair.safetensors")
    assert not (tmp_path / "pair.safetensors").exists()


def test_combined_files_are_not_combined_again(tmp_path):
    _, other, out = _pair(tmp_path)
    with pytest.raises(ValueError, match="already holds networks"):
        combine.combine(out, {64: other}, tmp_path / "again.safetensors")
    with pytest.raises(ValueError, match="holds networks of its own"):
        combine.combine(other, {64: out}, tmp_path / "again.safetensors")


def test_a_network_for_a_size_the_file_is_not_fed_at_is_refused_on_loading(tmp_path):
    _, _, out = _pair(tmp_path)
    meta = read_model_meta(out)
    bad = tmp_path / "bad.safetensors"
    train.write_model_file(bad, read_state_dict(out), {**meta, "input_sizes": [64]})
    with pytest.raises(SegmenterError, match="holds a network for 96 px"):
        Segmenter.from_shipped_weights(bad)


@pytest.mark.parametrize("described", [["96"], {"big": {}}, {"96": "other"}])
def test_a_wrongly_described_file_is_refused_on_loading(tmp_path, described):
    _, _, out = _pair(tmp_path)
    meta = {**read_model_meta(out), "size_networks": described}
    bad = tmp_path / "bad.safetensors"
    train.write_model_file(bad, read_state_dict(out), meta)
    with pytest.raises(SegmenterError, match="describes its networks wrongly"):
        Segmenter.from_shipped_weights(bad)


def test_the_command_writes_the_combined_file(tmp_path, capsys):
    base = exported_network(tmp_path / "base.safetensors", 1)
    other = exported_network(tmp_path / "other.safetensors", 2)
    out = tmp_path / "pair.safetensors"
    argv = ["--out", str(out), str(base), "--network", "96", str(other)]
    assert combine.main(argv) == 0
    assert "96 px to other.safetensors" in capsys.readouterr().out
    assert read_model_meta(out)["size_networks"]["96"]["file"] == "other.safetensors"


def test_the_command_refuses_a_file_that_is_not_a_model(tmp_path, capsys):
    base = exported_network(tmp_path / "base.safetensors", 1)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a model")
    argv = ["--out", str(tmp_path / "pair.safetensors"), str(base), "--network", "96", str(junk)]
    with pytest.raises(SystemExit) as exit_info:
        combine.main(argv)
    assert exit_info.value.code == 1
    assert "junk.safetensors is not a readable cut-out model" in capsys.readouterr().err


def test_the_command_wants_a_size_in_pixels(tmp_path, capsys):
    base = exported_network(tmp_path / "base.safetensors", 1)
    with pytest.raises(SystemExit) as exit_info:
        combine.main(["--out", "x", str(base), "--network", "large", str(base)])
    assert exit_info.value.code == 2
    assert "size in pixels" in capsys.readouterr().err


def test_a_file_missing_a_size_networks_tensors_is_refused_on_loading(tmp_path):
    _, _, out = _pair(tmp_path)
    own_only = {k: v for k, v in read_state_dict(out).items() if not k.startswith("96.")}
    bad = tmp_path / "bad.safetensors"
    train.write_model_file(bad, own_only, read_model_meta(out))
    with pytest.raises(SegmenterError, match="96 px network does not match"):
        Segmenter.from_shipped_weights(bad)
