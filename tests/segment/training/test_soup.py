import numpy as np
import pytest
import torch

from studio.segment import Segmenter
from studio.segment.segmenter import read_model_meta, read_state_dict
from studio.segment.training import soup
from tests.segment.training.conftest import exported_network


def test_the_soup_is_the_mean_of_every_float_tensor(tmp_path):
    first = exported_network(tmp_path / "a.safetensors", 1)
    second = exported_network(tmp_path / "b.safetensors", 2)
    out = tmp_path / "soup.safetensors"
    soup.make_soup([first, second], out)

    a, b, mixed = (read_state_dict(p) for p in (first, second, out))
    for name, tensor in mixed.items():
        if tensor.is_floating_point():
            torch.testing.assert_close(tensor, (a[name] + b[name]) / 2)
        else:  # a counter, taken from the first
            assert torch.equal(tensor, a[name])
    assert not torch.equal(a["stem.0.weight"], b["stem.0.weight"])


def test_the_soup_keeps_the_first_models_metadata_and_cuts(tmp_path):
    first = exported_network(tmp_path / "a.safetensors", 1, meta={"seed": 11})
    second = exported_network(tmp_path / "b.safetensors", 2, meta={"seed": 22})
    out = tmp_path / "soup.safetensors"
    soup.make_soup([first, second], out)

    meta = read_model_meta(out)
    assert meta["seed"] == 11 and meta["input_sizes"] == [64, 96] and meta["in_channels"] == 5
    assert meta["soup"] == ["a.safetensors", "b.safetensors"]
    picture = np.full((80, 80, 3), 250, np.uint8)
    picture[20:60, 20:60] = (200, 30, 30)
    from PIL import Image

    result = Segmenter.from_shipped_weights(out, "cpu").cutout(Image.fromarray(picture))
    assert result.mask.shape == (80, 80)


def test_networks_of_other_widths_are_refused(tmp_path):
    first = exported_network(tmp_path / "a.safetensors", 1)
    wider = exported_network(tmp_path / "b.safetensors", 2, widths=(4, 6, 8, 8, 8, 16))
    with pytest.raises(ValueError, match="widths"):
        soup.make_soup([first, wider], tmp_path / "soup.safetensors")
    assert not (tmp_path / "soup.safetensors").exists()


def test_a_file_that_is_not_a_model_is_refused_by_the_command(tmp_path, capsys):
    first = exported_network(tmp_path / "a.safetensors", 1)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a model")
    with pytest.raises(SystemExit) as exit_info:
        soup.main(["--out", str(tmp_path / "soup.safetensors"), str(first), str(junk)])
    assert exit_info.value.code == 1
    assert "junk.safetensors is not a readable cut-out model" in capsys.readouterr().err


def test_the_command_needs_two_models(tmp_path, capsys):
    first = exported_network(tmp_path / "a.safetensors", 1)
    with pytest.raises(SystemExit) as exit_info:
        soup.main(["--out", str(tmp_path / "soup.safetensors"), str(first)])
    assert exit_info.value.code == 2
    assert "at least two" in capsys.readouterr().err


def test_the_command_writes_the_soup(tmp_path, capsys):
    first = exported_network(tmp_path / "a.safetensors", 1)
    second = exported_network(tmp_path / "b.safetensors", 2)
    out = tmp_path / "soup.safetensors"
    assert soup.main(["--out", str(out), str(first), str(second)]) == 0
    assert out.is_file() and "average of 2 networks" in capsys.readouterr().out
