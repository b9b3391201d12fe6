"""Model configurations: the transformer (`DalleConfig`) and the image tokenizer (`VqganConfig`).

Both are plain frozen dataclasses passed to every module that needs them; the official models are
class-method presets, and a model folder's `studio-model.json` can describe others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

HF_VERSIONS = ("v2", "v3")


@dataclass(frozen=True)
class DalleConfig:
    """Shape and behaviour of the ruDALL-E transformer.

    `vocab_size` counts the text vocabulary including the `text_seq_length` learned padding
    tokens at its end; image ids live after it in the logits (`vocab_size + image id`).
    `hf_version` selects the reference's two checkpoint conventions: "v2" (Emojich) prepends a
    token 2 to the text and runs the layer masks one position early, "v3" (Malevich) does not.
    """

    num_layers: int = 24
    hidden_size: int = 2048
    num_attention_heads: int = 16
    text_seq_length: int = 128
    image_tokens_per_dim: int = 32
    vocab_size: int = 16384 + 128
    image_vocab_size: int = 8192
    hf_version: str = "v2"
    cogview_sandwich_layernorm: bool = True
    cogview_pb_relax: bool = True
    layernorm_epsilon: float = 1e-5
    conv_kernel: int = 11

    def __post_init__(self) -> None:
        if self.hf_version not in HF_VERSIONS:
            raise ValueError(f"hf_version must be one of {HF_VERSIONS}, not {self.hf_version!r}")
        if self.hidden_size % self.num_attention_heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        if self.vocab_size <= self.text_seq_length:
            raise ValueError("vocab_size must leave room for the learned padding tokens")

    @classmethod
    def emojich(cls) -> DalleConfig:
        """The Emojich checkpoint (hf_version "v2")."""
        return cls(hf_version="v2")

    @classmethod
    def malevich(cls) -> DalleConfig:
        """The Malevich v3 checkpoint: same architecture, "v3" conventions."""
        return cls(hf_version="v3")

    @property
    def head_size(self) -> int:
        return self.hidden_size // self.num_attention_heads

    @property
    def image_seq_length(self) -> int:
        return self.image_tokens_per_dim**2

    @property
    def total_seq_length(self) -> int:
        """Length the layer masks are built for (text + image)."""
        return self.text_seq_length + self.image_seq_length

    @property
    def total_vocab_size(self) -> int:
        return self.vocab_size + self.image_vocab_size

    @property
    def prompt_length(self) -> int:
        """Positions the text occupies in the sequence (one more in v2 for the leading 2)."""
        return self.text_seq_length + (1 if self.hf_version == "v2" else 0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DalleConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown transformer settings: {', '.join(sorted(unknown))}")
        return cls(**data)


@dataclass(frozen=True)
class VqganConfig:
    """The taming-transformers Gumbel VQGAN used by ruDALL-E (f8, 8192 codes).

    `resolution` is the decoder's nominal output size before the DWT step (256 for the official
    files); attention blocks sit at the levels whose size is in `attn_resolutions`.
    """

    ch: int = 128
    ch_mult: tuple[int, ...] = (1, 1, 2, 4)
    num_res_blocks: int = 2
    attn_resolutions: tuple[int, ...] = (32,)
    z_channels: int = 256
    embed_dim: int = 256
    n_embed: int = 8192
    resolution: int = 256
    in_channels: int = 3
    out_ch: int = 3
    norm_groups: int = 32

    @classmethod
    def official(cls) -> VqganConfig:
        return cls()

    @property
    def downsample_factor(self) -> int:
        return 2 ** (len(self.ch_mult) - 1)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ch_mult"] = list(self.ch_mult)
        data["attn_resolutions"] = list(self.attn_resolutions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VqganConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown VQGAN settings: {', '.join(sorted(unknown))}")
        values = dict(data)
        for key in ("ch_mult", "attn_resolutions"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)
