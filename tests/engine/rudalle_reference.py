"""Access to the reference implementation (PyPI `rudalle` 1.1.3, `taming-transformers`,
`youtokentome`), installed for the tests only by `scripts/bootstrap --test`.

The reference packages' `__init__` modules pull in downloads and long-gone library APIs, so the
few modules the checks need are imported under stub parent packages. A missing reference is an
error, never a skip: the parity tests are the point.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

import torch

from studio.engine.config import DalleConfig, VqganConfig


def _stub_package(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"the reference package {name!r} is not installed; run `scripts/bootstrap --test`"
        )
    module = types.ModuleType(name)
    module.__path__ = list(spec.submodule_search_locations)
    sys.modules[name] = module


def reference_module(dotted: str) -> types.ModuleType:
    """Import e.g. "rudalle.dalle.model" without running the parents' `__init__`."""
    parts = dotted.split(".")
    for i in range(1, len(parts)):
        _stub_package(".".join(parts[:i]))
    return importlib.import_module(dotted)


def reference_dalle(config: DalleConfig) -> torch.nn.Module:
    """The reference `DalleModel` for a configuration, random weights, eval mode."""
    model_module = reference_module("rudalle.dalle.model")
    model = model_module.DalleModel(
        device="cpu",
        num_layers=config.num_layers,
        vocab_size=config.vocab_size,
        hidden_size=config.hidden_size,
        num_attention_heads=config.num_attention_heads,
        embedding_dropout_prob=0.1,
        attention_dropout_prob=0.1,
        output_dropout_prob=0.1,
        text_seq_length=config.text_seq_length,
        image_tokens_per_dim=config.image_tokens_per_dim,
        image_vocab_size=config.image_vocab_size,
        cogview_sandwich_layernorm=config.cogview_sandwich_layernorm,
        cogview_pb_relax=config.cogview_pb_relax,
        hf_version=config.hf_version,
    )
    return model.eval()


def randomize_(module: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Give every parameter (layer norms included) random values, so no layer is an identity."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in module.named_parameters():
            noise = torch.randn(param.shape, generator=generator)
            if name.endswith("weight") and param.dim() == 1:  # layer/group norm scales
                param.copy_(1.0 + 0.1 * noise)
            else:
                param.copy_(0.05 * noise)
    return module


class AttrDict(dict):
    """The little of OmegaConf's DictConfig that the reference VQGAN reads."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def __setattr__(self, name: str, value) -> None:
        self[name] = value


def reference_vqgan(config: VqganConfig, dwt: bool) -> torch.nn.Module:
    """The reference `VQGanGumbelVAE` with the given shape, random weights, eval mode."""
    vae_module = reference_module("rudalle.vae.model")
    ddconfig = AttrDict(
        double_z=False,
        z_channels=config.z_channels,
        resolution=config.resolution,
        in_channels=config.in_channels,
        out_ch=3,
        ch=config.ch,
        ch_mult=list(config.ch_mult),
        num_res_blocks=config.num_res_blocks,
        attn_resolutions=list(config.attn_resolutions),
        dropout=0.0,
    )
    params = AttrDict(
        kl_weight=1e-8, embed_dim=config.embed_dim, n_embed=config.n_embed, ddconfig=ddconfig
    )
    model_config = AttrDict(model=AttrDict(params=params))
    return vae_module.VQGanGumbelVAE(model_config, dwt=dwt).eval()


def reference_bpe(path: Path):
    """YouTokenToMe's own BPE for a model file."""
    import youtokentome

    return youtokentome.BPE(model=str(path))


def reference_causal_mask(batch: int, config: DalleConfig) -> torch.Tensor:
    n = config.total_seq_length
    return torch.tril(torch.ones((batch, 1, n, n)))


def legacy_top_k_top_p_filtering(
    logits: torch.Tensor, top_k: int = 0, top_p: float = 1.0, filter_value: float = float("-inf")
) -> torch.Tensor:
    """transformers 4.x `top_k_top_p_filtering` (gone from transformers 5), row by row in plain
    Python: keep values >= the k-th largest; then, in descending order, drop every token whose
    preceding cumulative probability exceeds top_p (the first token always stays)."""
    out = logits.clone()
    for row in range(out.shape[0]):
        values = out[row].tolist()
        if top_k > 0:
            kth = sorted(values, reverse=True)[min(top_k, len(values)) - 1]
            values = [v if v >= kth else filter_value for v in values]
        if 0 <= top_p <= 1.0:
            order = sorted(range(len(values)), key=lambda i: -values[i])
            probs = torch.tensor([values[i] for i in order]).softmax(0).tolist()
            cumulative = 0.0
            for rank, i in enumerate(order):
                if rank > 0 and cumulative > top_p:
                    values[i] = filter_value
                cumulative += probs[rank]
        out[row] = torch.tensor(values, dtype=out.dtype)
    return out


def reference_pipelines() -> types.ModuleType:
    """`rudalle.pipelines`, with the two things it imports that tests do not have: matplotlib
    (only for its `show` helpers) and transformers' removed `top_k_top_p_filtering`."""
    import transformers

    if not hasattr(transformers, "top_k_top_p_filtering"):
        transformers.top_k_top_p_filtering = legacy_top_k_top_p_filtering
    added = []
    try:
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        plt = types.ModuleType("matplotlib.pyplot")
        mpl = types.ModuleType("matplotlib")
        mpl.pyplot = plt
        for name, module in (("matplotlib", mpl), ("matplotlib.pyplot", plt)):
            sys.modules[name] = module
            added.append(name)
    try:
        return reference_module("rudalle.pipelines")
    finally:
        for name in added:
            sys.modules.pop(name, None)
