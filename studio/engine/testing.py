"""Tiny random-weight model folders in the official file layouts, for tests and demos.

Not a product feature: `write_tiny_model_dir` writes what the real model folder holds (transformer
state dict with its mask buffers, the DWT VQGAN training checkpoint, a YouTokenToMe `bpe.model`)
at a size that loads in milliseconds, plus the `studio-model.json` that describes the shape.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import torch

from studio.engine.config import DalleConfig, VqganConfig
from studio.engine.masks import COLUMN, CONV, ROW, layer_mask
from studio.engine.tokenizer import SPACE_MARK, write_bpe_model
from studio.engine.transformer import DalleModel
from studio.engine.vqgan import Vqgan

MODEL_JSON = "studio-model.json"
_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz0123456789.,!?-:;'\"()"
_CORPUS = (
    "котик с сердечком улыбается радостный смайлик грустный котик плачет собака в шапке "
    "зелёный дракон машет лапой милый медведь с цветком кот спит на облаке рыжий лис "
    "happy cat with a heart sad dog crying green dragon waving a cute bear sleeping"
)


def tiny_dalle_config(hf_version: str = "v2", text_vocab: int = 200) -> DalleConfig:
    """4 layers, hidden 64, 16 text positions, 8x8 image tokens, 64 image codes."""
    return DalleConfig(
        num_layers=4,
        hidden_size=64,
        num_attention_heads=4,
        text_seq_length=16,
        image_tokens_per_dim=8,
        vocab_size=text_vocab + 16,
        image_vocab_size=64,
        hf_version=hf_version,
    )


def tiny_vqgan_config() -> VqganConfig:
    """f8 like the real one (64 px from 8x8 codes, 128 px after DWT), 32 channels."""
    return VqganConfig(
        ch=32,
        ch_mult=(1, 1, 2, 2),
        num_res_blocks=1,
        attn_resolutions=(8,),
        z_channels=32,
        embed_dim=32,
        n_embed=64,
        resolution=64,
    )


def train_tiny_bpe(corpus: str, merges: int) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    """A small BPE model: every letter of `_LETTERS` plus `merges` rules learned on `corpus`."""
    char_ids = {SPACE_MARK: 4}
    for ch in _LETTERS:
        char_ids.setdefault(ord(ch), len(char_ids) + 4)
    words = Counter(corpus.split())
    seqs = {w: [char_ids[SPACE_MARK]] + [char_ids[ord(c)] for c in w] for w in words}
    rules: list[tuple[int, int, int]] = []
    next_id = len(char_ids) + 4
    for _ in range(merges):
        pairs: Counter[tuple[int, int]] = Counter()
        for word, seq in seqs.items():
            for pair in zip(seq, seq[1:], strict=False):
                pairs[pair] += words[word]
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        rules.append((best[0], best[1], next_id))
        for word, seq in seqs.items():
            merged, i = [], 0
            while i < len(seq):
                if i + 1 < len(seq) and (seq[i], seq[i + 1]) == best:
                    merged.append(next_id)
                    i += 2
                else:
                    merged.append(seq[i])
                    i += 1
            seqs[word] = merged
        next_id += 1
    return char_ids, rules


def _randomize(module: torch.nn.Module, generator: torch.Generator) -> None:
    with torch.no_grad():
        for name, param in module.named_parameters():
            noise = torch.randn(param.shape, generator=generator)
            if name.endswith("weight") and param.dim() == 1:
                param.copy_(1.0 + 0.1 * noise)
            else:
                param.copy_(0.05 * noise)


def dalle_file_state(model: DalleModel) -> dict[str, torch.Tensor]:
    """The transformer's state dict as the reference saves it (with its mask buffers)."""
    state = dict(model.state_dict())
    for kind, key in ((ROW, "row_mask"), (COLUMN, "col_mask"), (CONV, "conv_mask")):
        state[f"transformer.{key}"] = layer_mask(model.config, kind)
    return state


def vqgan_file_state(model: Vqgan) -> dict[str, torch.Tensor]:
    """The VQGAN as the official checkpoints store it: the DWT file under `model.` with the
    decoder wrapper's keys; the 256 px file bare, with a training extra to be ignored."""
    state = model.state_dict()
    if not model.dwt:
        return {**state, "loss.logvar": torch.zeros(())}
    out: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key.startswith("post_quant_conv."):
            out[f"model.decoder.{key}"] = value
            out[f"model.{key}"] = value.clone()  # the unused top-level copy the wrapper has
        elif key.startswith("decoder."):
            out[f"model.decoder.{key}"] = value
        else:
            out[f"model.{key}"] = value
    a = 2**-0.5
    for name, taps in (
        ("g0_col", (a, a)),
        ("g1_col", (a, -a)),
        ("g0_row", (a, a)),
        ("g1_row", (a, -a)),
    ):
        shape = (1, 1, 2, 1) if name.endswith("col") else (1, 1, 1, 2)
        out[f"model.decoder.idwt.{name}"] = torch.tensor(taps).reshape(shape)
    return out


def write_tiny_model_dir(path: str | Path, *, hf_version: str = "v2", seed: int = 0) -> Path:
    """Write a complete tiny model folder that `load_models(path)` loads; returns the folder."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(seed)

    char_ids, rules = train_tiny_bpe(_CORPUS, merges=120)
    write_bpe_model(folder / "bpe.model", char_ids, rules)
    text_vocab = len(char_ids) + len(rules) + 4

    dalle_config = tiny_dalle_config(hf_version, text_vocab)
    dalle = DalleModel(dalle_config)
    _randomize(dalle, generator)
    dalle_name = "pytorch_model.bin" if hf_version == "v2" else "pytorch_model_v3.bin"
    torch.save(dalle_file_state(dalle), folder / dalle_name)

    vq_config = tiny_vqgan_config()
    vqgan = Vqgan(vq_config, dwt=True)
    _randomize(vqgan, generator)
    torch.save(
        {"state_dict": vqgan_file_state(vqgan), "global_step": 0},
        folder / "vqgan.gumbelf8-sber-dwt.model.ckpt",
    )

    description = {
        "id": f"tiny-{'emojich' if hf_version == 'v2' else 'malevich'}",
        "description": "tiny random-weight model for tests",
        "dalle": dalle_config.to_dict(),
        "vqgan": vq_config.to_dict(),
        "files": {
            "dalle": dalle_name,
            "vqgan": "vqgan.gumbelf8-sber-dwt.model.ckpt",
            "tokenizer": "bpe.model",
        },
    }
    (folder / MODEL_JSON).write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    return folder
