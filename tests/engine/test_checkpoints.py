"""Loading the official layouts, and clear errors for files that are not what they should be."""

from __future__ import annotations

import os
import pickle

import pytest
import torch
from safetensors.torch import save_file

from studio.engine.checkpoints import load_dalle, load_vqgan, read_state_dict
from studio.engine.errors import ModelFileError
from studio.engine.testing import (
    dalle_file_state,
    tiny_dalle_config,
    tiny_vqgan_config,
    vqgan_file_state,
)
from studio.engine.transformer import DalleModel
from studio.engine.vqgan import Vqgan

CONFIG = tiny_dalle_config()


@pytest.fixture(scope="module")
def model_state():
    model = DalleModel(CONFIG)
    return {k: v.clone() for k, v in dalle_file_state(model).items()}


def _ids() -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    text = torch.randint(4, 100, (2, CONFIG.text_seq_length), generator=g)
    return torch.cat((text, torch.randint(0, 64, (2, 10), generator=g)), dim=1)


def _logits(model: DalleModel) -> torch.Tensor:
    with torch.no_grad():
        return model(_ids())


@pytest.mark.parametrize("layout", ["with-masks", "without-masks", "module-prefix", "safetensors"])
def test_transformer_layouts_load(tmp_path, model_state, layout):
    state = dict(model_state)
    path = tmp_path / "pytorch_model.bin"
    if layout == "without-masks":
        state = {k: v for k, v in state.items() if not k.endswith("_mask")}
    if layout == "module-prefix":
        state = {f"module.{k}": v for k, v in state.items()}
    if layout == "safetensors":
        path = tmp_path / "model.safetensors"
        save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    else:
        torch.save(state, path)
    expected = load_dalle(model_state, CONFIG)
    torch.testing.assert_close(_logits(load_dalle(path, CONFIG)), _logits(expected))


def test_loading_a_state_dict_assigns_its_tensors_without_copies(model_state):
    state = {k: v for k, v in model_state.items() if not k.endswith("_mask")}
    model = load_dalle(state, CONFIG)
    for name, param in model.state_dict().items():
        assert param.data_ptr() == state[name].data_ptr(), name
    half = load_dalle(state, CONFIG, dtype=torch.float16)
    assert half.image_embeddings.weight.dtype == torch.float16


def test_wrong_configuration_names_the_key_and_shapes(tmp_path, model_state):
    path = tmp_path / "pytorch_model.bin"
    torch.save(model_state, path)
    wider = tiny_dalle_config()
    wider = type(wider)(**{**wider.to_dict(), "hidden_size": 128})
    with pytest.raises(ModelFileError, match=r"pytorch_model\.bin.*text_embeddings\.weight.*shape"):
        load_dalle(path, wider)


def test_missing_and_extra_weights(tmp_path, model_state):
    path = tmp_path / "partial.bin"
    torch.save({k: v for k, v in model_state.items() if "layers.2." not in k}, path)
    with pytest.raises(
        ModelFileError, match=r"partial\.bin is missing weights: transformer\.layers\.2"
    ):
        load_dalle(path, CONFIG)
    fewer_layers = type(CONFIG)(**{**CONFIG.to_dict(), "num_layers": 3})
    with pytest.raises(ModelFileError, match="different configuration"):
        load_dalle(model_state, fewer_layers)


def test_not_a_transformer_file(tmp_path):
    path = tmp_path / "vqgan.ckpt"
    torch.save({"state_dict": vqgan_file_state(Vqgan(tiny_vqgan_config(), dwt=True))}, path)
    with pytest.raises(ModelFileError, match="not a ruDALL-E transformer"):
        load_dalle(path, CONFIG)


def test_truncated_and_empty_files(tmp_path, model_state):
    path = tmp_path / "pytorch_model.bin"
    torch.save(model_state, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=r"pytorch_model\.bin is damaged or truncated"):
        load_dalle(path, CONFIG)
    path.write_bytes(b"")
    with pytest.raises(ModelFileError, match="empty"):
        read_state_dict(path)
    with pytest.raises(ModelFileError, match="not found"):
        read_state_dict(tmp_path / "nothing.bin")
    junk = tmp_path / "model.safetensors"
    junk.write_bytes(b"not safetensors at all")
    with pytest.raises(ModelFileError, match="safetensors"):
        read_state_dict(junk)


class _RunsCode:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_runs_code_is_refused_and_never_run(tmp_path, model_state):
    marker = tmp_path / "code-ran"
    path = tmp_path / "pytorch_model.bin"
    torch.save({**model_state, "payload": _RunsCode(str(marker))}, path)
    with pytest.raises(ModelFileError, match=r"refused to load .*pytorch_model\.bin.*run code"):
        load_dalle(path, CONFIG)
    assert not marker.exists()
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps(_RunsCode(str(marker))))
    with pytest.raises(ModelFileError):
        read_state_dict(plain)
    assert not marker.exists()


def test_not_a_state_dict(tmp_path):
    path = tmp_path / "list.bin"
    torch.save([torch.zeros(2)], path)
    with pytest.raises(ModelFileError, match="does not hold a state dict"):
        read_state_dict(path)


def test_vqgan_layout_mismatch_is_explained(tmp_path):
    config = tiny_vqgan_config()
    plain = tmp_path / "vqgan.gumbelf8-sber.model.ckpt"
    torch.save({"state_dict": vqgan_file_state(Vqgan(config, dwt=False))}, plain)
    with pytest.raises(ModelFileError, match="256 px VQGAN.*DWT"):
        load_vqgan(plain, dwt=True, config=config)
    assert load_vqgan(plain, dwt=False, config=config).decode(torch.zeros(1, 64).long()).shape == (
        1,
        3,
        64,
        64,
    )
    dwt = tmp_path / "dwt.ckpt"
    torch.save({"state_dict": vqgan_file_state(Vqgan(config, dwt=True))}, dwt)
    with pytest.raises(ModelFileError, match="512 px DWT"):
        load_vqgan(dwt, dwt=False, config=config)
    wrong = type(config)(**{**config.to_dict(), "n_embed": 128})
    with pytest.raises(ModelFileError, match=r"quantize\.(proj|embed)"):
        load_vqgan(dwt, dwt=True, config=wrong)


def test_full_size_architecture_builds_on_meta_only():
    from studio.engine.config import DalleConfig

    with torch.device("meta"):
        model = DalleModel(DalleConfig.emojich())
    params = sum(p.numel() for p in model.parameters())
    assert 1.2e9 < params < 1.4e9  # the 1.3 billion parameter model


def test_training_checkpoint_metadata_is_ignored_without_being_imported(tmp_path, monkeypatch):
    # Lightning-style checkpoints keep hyper-parameter objects (e.g. OmegaConf's DictConfig)
    # beside the weights; they are replaced by inert placeholders, never imported.
    import sys
    import types

    fake = types.ModuleType("omegaconf.dictconfig")

    class DictConfig:
        def __init__(self, content):
            self.content = content

    DictConfig.__module__ = "omegaconf.dictconfig"
    DictConfig.__qualname__ = "DictConfig"
    fake.DictConfig = DictConfig
    parent = types.ModuleType("omegaconf")
    parent.dictconfig = fake
    monkeypatch.setitem(sys.modules, "omegaconf", parent)
    monkeypatch.setitem(sys.modules, "omegaconf.dictconfig", fake)
    config = tiny_vqgan_config()
    path = tmp_path / "vqgan.gumbelf8-sber-dwt.model.ckpt"
    state = vqgan_file_state(Vqgan(config, dwt=True))
    torch.save(
        {"state_dict": state, "hyper_parameters": DictConfig({"lr": 1e-4}), "epoch": 3}, path
    )
    monkeypatch.delitem(sys.modules, "omegaconf.dictconfig")
    monkeypatch.delitem(sys.modules, "omegaconf")
    loaded = load_vqgan(path, dwt=True, config=config)
    torch.testing.assert_close(loaded.quantize.embed.weight, state["model.quantize.embed.weight"])
    assert "omegaconf.dictconfig" not in sys.modules


def test_unknown_extra_entries_are_ignored(model_state):
    model = load_dalle({**model_state, "optimizer_step": torch.zeros(1)}, CONFIG)
    torch.testing.assert_close(model.text_embeddings.weight, model_state["text_embeddings.weight"])
