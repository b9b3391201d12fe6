"""One-token-at-a-time decoding of image tokens against preallocated keys and values.

Per step the work is: embed one token, and per layer one row through the projections and the MLP,
attention over the prompt's keys (computed once per prompt and shared by every image in the
batch) plus the handful of image keys the layer's layout lets the query see (33 row, 32 column
or 121 conv keys at full size), and the image vocabulary's logits. Nothing grows with the number
of tokens already generated: keys and values are written in place into buffers sized for the
whole image.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch

from studio.engine.masks import KeyWindows
from studio.engine.transformer import DalleModel

log = logging.getLogger(__name__)


@dataclass
class LayerCache:
    text_k: torch.Tensor  # (1 or b, heads, t, head_size): prompt keys before the image region
    text_v: torch.Tensor
    region_k: torch.Tensor  # (b, heads, image tokens, head_size): positions t .. t + R - 1
    region_v: torch.Tensor
    windows: KeyWindows


class ImageDecoder:
    """Holds the caches of one batch and advances it one image token at a time."""

    def __init__(self, model: DalleModel, text_ids: torch.Tensor) -> None:
        """Run the prompt: `text_ids` (b, text_seq_length). Identical prompts in the batch are
        computed once and their keys shared."""
        self.model = model
        cfg = model.config
        self.batch = text_ids.shape[0]
        self.t = cfg.text_seq_length
        self.prompt_length = cfg.prompt_length
        device = text_ids.device
        unique, inverse = torch.unique(text_ids, dim=0, return_inverse=True)
        shared = unique.shape[0] == 1

        kv: list[tuple[torch.Tensor, torch.Tensor]] = []
        hidden = model.run_layers(model.embed_text(unique), kv_out=kv)  # (u, P, hidden)
        last = hidden[:, -1:]
        self.first_logits = self._expand(model.head(last, image_only=True)[:, 0], inverse, shared)

        windows = model.key_windows(device)
        self.layers: list[LayerCache] = []
        t, p, r = self.t, self.prompt_length, cfg.image_seq_length
        for (k, v), kind in zip(kv, model.layer_kinds, strict=True):
            heads, head_size = k.shape[1], k.shape[3]
            region_k = k.new_zeros(self.batch, heads, r, head_size)
            region_v = v.new_zeros(self.batch, heads, r, head_size)
            if p > t:  # v2: the last text position already lies in the masks' image region
                region_k[:, :, : p - t] = self._expand(k[:, :, t:p], inverse, shared)
                region_v[:, :, : p - t] = self._expand(v[:, :, t:p], inverse, shared)
            text_k, text_v = k[:, :, :t], v[:, :, :t]
            if not shared:
                text_k, text_v = text_k[inverse], text_v[inverse]
            self.layers.append(
                LayerCache(
                    text_k.contiguous(), text_v.contiguous(), region_k, region_v, windows[kind]
                )
            )
        self._index = torch.zeros(1, dtype=torch.long, device=device)  # image index of the step
        self._graph: torch.cuda.CUDAGraph | None = None
        self._tokens: torch.Tensor | None = None
        self._logits: torch.Tensor | None = None

    def _expand(self, x: torch.Tensor, inverse: torch.Tensor, shared: bool) -> torch.Tensor:
        if shared:
            return x.expand(self.batch, *x.shape[1:])
        return x[inverse]

    def step(self, image_index: int, tokens: torch.Tensor) -> torch.Tensor:
        """Feed image token `image_index` (tokens (b,)) -> (b, image vocab) logits for the next."""
        self._index.fill_(image_index)
        if self._graph is not None:
            self._tokens.copy_(tokens)
            self._graph.replay()
            return self._logits.clone()  # the graph's output buffer is reused by the next step
        return self._step(tokens, self._index)

    def _step(self, tokens: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        # Positions come in as a device tensor and every write is in place, so the same kernels
        # serve every step: the step can be captured once as a CUDA graph and replayed.
        model = self.model
        slot = index + (self.prompt_length - self.t)  # (1,) image-region slot of this token
        x = model.embed_image(tokens[:, None], index)  # (b, 1, hidden)
        for layer, cache in zip(model.transformer.layers, self.layers, strict=True):
            q, k, v = layer.attention.project(layer.input_layernorm(x))  # (b, heads, 1, d)
            cache.region_k.index_copy_(2, slot, k)
            cache.region_v.index_copy_(2, slot, v)
            context = _windowed_attention(q, cache, slot)
            x = layer.finish(x, context)
        return model.head(x, image_only=True)[:, 0]

    def capture_cuda_graph(self) -> bool:
        """Record one step as a CUDA graph (call before the first `step`); False if this
        device or model cannot be captured, and steps then run eagerly."""
        if self._index.device.type != "cuda":
            return False
        self._tokens = torch.zeros(self.batch, dtype=torch.long, device=self._index.device)
        self._index.fill_(0)  # warm-up writes land in step 0's slot, which step 0 overwrites
        try:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                for _ in range(2):
                    self._step(self._tokens, self._index)
            torch.cuda.current_stream().wait_stream(side)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                self._logits = self._step(self._tokens, self._index)
        except RuntimeError as exc:
            log.warning("CUDA graph capture failed, sampling eagerly: %s", exc)
            self._graph = None
            return False
        self._graph = graph
        return True


def _windowed_attention(q: torch.Tensor, cache: LayerCache, slot: torch.Tensor) -> torch.Tensor:
    """q (b, heads, 1, d) against all prompt keys and the query's window of image keys."""
    slots = cache.windows.slots.index_select(0, slot)[0]  # (w,)
    valid = cache.windows.valid.index_select(0, slot)[0]
    win_k = cache.region_k.index_select(2, slots)  # (b, heads, w, d)
    win_v = cache.region_v.index_select(2, slots)
    shared = cache.text_k.shape[0] == 1 and q.shape[0] > 1
    if shared:
        # One prompt for the whole batch: fold the batch into the rows of a per-head matmul
        # instead of broadcasting, which would copy the prompt keys once per image.
        q_rows = q[:, :, 0].transpose(0, 1)  # (heads, b, d)
        text_scores = (q_rows @ cache.text_k[0].transpose(-1, -2)).transpose(0, 1)[:, :, None]
    else:
        text_scores = q @ cache.text_k.transpose(-1, -2)  # (b, heads, 1, t)
    win_scores = (q @ win_k.transpose(-1, -2)).masked_fill(~valid, float("-inf"))
    probs = torch.cat((text_scores, win_scores), dim=-1).softmax(dim=-1)
    t = text_scores.shape[-1]
    if shared:
        text_probs = probs[:, :, 0, :t].transpose(0, 1)  # (heads, b, t)
        text_part = (text_probs @ cache.text_v[0]).transpose(0, 1)[:, :, None]  # (b, heads, 1, d)
    else:
        text_part = probs[..., :t] @ cache.text_v
    return text_part + probs[..., t:] @ win_v
