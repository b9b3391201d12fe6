"""The ruDALL-E transformer, laid out so the official state dicts load key for key.

`DalleModel.forward(input_ids)` is the reference's full forward: dense masked attention, used for
parity checks and perplexity. Sampling uses the same weights through `studio.engine.kvcache`,
which runs one new token at a time against preallocated keys and values.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from studio.engine.config import DalleConfig
from studio.engine.layers import embedding
from studio.engine.masks import KeyWindows, key_windows, layer_kind, layer_mask

# The reference clamps attention outputs to the fp16 range so half precision never overflows.
FP16_MAX = 65504.0
# Masked scores are set to -10000 (not -inf) by the reference; softmax gives them exactly 0 too.
MASKED_SCORE = -10000.0


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """OpenAI's tanh approximation of GELU, as the checkpoints were trained with."""
    return F.gelu(x, approximate="tanh")


class SelfAttention(nn.Module):
    def __init__(self, config: DalleConfig) -> None:
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_size = config.head_size
        self.query_key_value = nn.Linear(config.hidden_size, 3 * config.hidden_size)
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def project(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(b, s, hidden) -> q, k, v each (b, heads, s, head_size); q pre-scaled by 1/sqrt(d)."""
        b, s, _ = h.shape
        qkv = self.query_key_value(h).view(b, s, 3, self.num_heads, self.head_size)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        return q / math.sqrt(self.head_size), k, v

    def output(self, context: torch.Tensor) -> torch.Tensor:
        """(b, heads, s, head_size) -> (b, s, hidden), clamped to the fp16 range."""
        b, _, s, _ = context.shape
        merged = context.transpose(1, 2).reshape(b, s, self.num_heads * self.head_size)
        return self.dense(merged).clamp(-FP16_MAX, FP16_MAX)


class MLP(nn.Module):
    def __init__(self, config: DalleConfig) -> None:
        super().__init__()
        self.dense_h_to_4h = nn.Linear(config.hidden_size, 4 * config.hidden_size)
        self.dense_4h_to_h = nn.Linear(4 * config.hidden_size, config.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense_4h_to_h(gelu_tanh(self.dense_h_to_4h(x)))


class TransformerLayer(nn.Module):
    """Pre-LN block with CogView's sandwich layer norms before each residual addition."""

    def __init__(self, config: DalleConfig) -> None:
        super().__init__()
        eps = config.layernorm_epsilon
        self.sandwich = config.cogview_sandwich_layernorm
        self.input_layernorm = nn.LayerNorm(config.hidden_size, eps=eps)
        self.attention = SelfAttention(config)
        self.post_attention_layernorm = nn.LayerNorm(config.hidden_size, eps=eps)
        self.mlp = MLP(config)
        if self.sandwich:
            self.before_first_addition_layernorm = nn.LayerNorm(config.hidden_size, eps=eps)
            self.before_second_addition_layernorm = nn.LayerNorm(config.hidden_size, eps=eps)

    def finish(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Everything after attention: output projection, residuals and the MLP."""
        attn = self.attention.output(context)
        if self.sandwich:
            attn = self.before_first_addition_layernorm(attn)
        x = x + attn
        mlp = self.mlp(self.post_attention_layernorm(x))
        if self.sandwich:
            mlp = self.before_second_addition_layernorm(mlp)
        return x + mlp


class TransformerStack(nn.Module):
    def __init__(self, config: DalleConfig) -> None:
        super().__init__()
        self.layers = nn.ModuleList(TransformerLayer(config) for _ in range(config.num_layers))
        self.final_layernorm = nn.LayerNorm(config.hidden_size, eps=config.layernorm_epsilon)


class DalleModel(nn.Module):
    """ruDALL-E: text and image tokens in one causal sequence with sparse layer masks."""

    def __init__(self, config: DalleConfig) -> None:
        super().__init__()
        self.config = config
        hidden = config.hidden_size
        self.text_embeddings = embedding(config.vocab_size, hidden)
        self.image_embeddings = embedding(config.image_vocab_size, hidden)
        self.text_pos_embeddings = embedding(config.text_seq_length + 1, hidden)
        self.image_row_embeddings = embedding(config.image_tokens_per_dim, hidden)
        self.image_col_embeddings = embedding(config.image_tokens_per_dim, hidden)
        self.transformer = TransformerStack(config)
        self.to_logits = nn.Sequential(
            nn.LayerNorm(hidden, eps=1e-5), nn.Linear(hidden, config.total_vocab_size)
        )
        self.layer_kinds = [layer_kind(i, config.num_layers) for i in range(config.num_layers)]
        # Dense masks per device, built on first use (not part of the state dict).
        self._mask_cache: dict[tuple[str, str], torch.Tensor] = {}
        self._window_cache: dict[str, dict[str, KeyWindows]] = {}

    # -- pieces shared by the dense forward and the cached sampler --------------------------

    @property
    def device(self) -> torch.device:
        return self.image_embeddings.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.image_embeddings.weight.dtype

    def mask(self, kind: str, device: torch.device) -> torch.Tensor:
        key = (kind, str(device))
        if key not in self._mask_cache:
            self._mask_cache[key] = layer_mask(self.config, kind, device)
        return self._mask_cache[key]

    def key_windows(self, device: torch.device) -> dict[str, KeyWindows]:
        """Each layout's per-query image key lists, built once per device."""
        key = str(device)
        if key not in self._window_cache:
            kinds = set(self.layer_kinds)
            self._window_cache[key] = {k: key_windows(self.config, k, device) for k in kinds}
        return self._window_cache[key]

    def embed_text(self, text_ids: torch.Tensor) -> torch.Tensor:
        """(b, text_seq_length) ids -> (b, prompt_length, hidden): pads become position tokens,
        v2 prepends the token 2."""
        cfg = self.config
        t = cfg.text_seq_length
        pad_ids = torch.arange(t, device=text_ids.device) + (cfg.vocab_size - t)
        text = torch.where(text_ids == 0, pad_ids, text_ids)
        if cfg.hf_version == "v2":
            text = F.pad(text, (1, 0), value=2)
        positions = torch.arange(text.shape[1], device=text_ids.device)
        return self.text_embeddings(text) + self.text_pos_embeddings(positions)

    def embed_image(self, image_ids: torch.Tensor, image_index: torch.Tensor) -> torch.Tensor:
        """Image ids (b, s) at image indices `image_index` (s,) -> (b, s, hidden)."""
        d = self.config.image_tokens_per_dim
        return (
            self.image_embeddings(image_ids)
            + self.image_row_embeddings(image_index // d)
            + self.image_col_embeddings(image_index % d)
        )

    def head(self, hidden: torch.Tensor, image_only: bool = False) -> torch.Tensor:
        """Final layer norms and the output projection; `image_only` computes only the image
        vocabulary's logits (all sampling needs)."""
        h = self.to_logits[0](self.transformer.final_layernorm(hidden))
        linear = self.to_logits[1]
        if not image_only:
            return linear(h)
        v = self.config.vocab_size
        return F.linear(h, linear.weight[v:], linear.bias[v:])

    # -- the reference's full forward -------------------------------------------------------

    def embed_sequence(self, input_ids: torch.Tensor) -> torch.Tensor:
        """(b, n) text + image ids -> (b, n', hidden) embeddings as the reference lays them out."""
        cfg = self.config
        x = self.embed_text(input_ids[:, : cfg.text_seq_length])
        image_ids = input_ids[:, cfg.text_seq_length :]
        if image_ids.shape[1]:
            index = torch.arange(image_ids.shape[1], device=input_ids.device)
            x = torch.cat((x, self.embed_image(image_ids, index)), dim=1)
        if x.shape[1] > cfg.total_seq_length:  # v2: the extra leading token pushes one out
            x = x[:, : cfg.total_seq_length]
        return x

    def run_layers(
        self, x: torch.Tensor, kv_out: list[tuple[torch.Tensor, torch.Tensor]] | None = None
    ) -> torch.Tensor:
        """Dense masked attention over the positions of `x` (b, s, hidden) starting at 0.

        When `kv_out` is a list, each layer's keys and values (b, heads, s, head_size) are
        appended to it (the sampler keeps them as its prompt cache).
        """
        s = x.shape[1]
        for layer, kind in zip(self.transformer.layers, self.layer_kinds, strict=True):
            q, k, v = layer.attention.project(layer.input_layernorm(x))
            if kv_out is not None:
                kv_out.append((k, v))
            allowed = self.mask(kind, x.device)[:s, :s]
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=1.0)
            x = layer.finish(x, context)
        return x

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """(b, n) ids (text_seq_length text ids, then image ids) -> (b, n', total vocab) logits,
        the reference `DalleModel`'s for a causal attention mask (n' = n, or n - 1 in v2 at full
        length)."""
        return self.head(self.run_layers(self.embed_sequence(input_ids)))
