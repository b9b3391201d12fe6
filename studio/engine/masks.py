"""The sparse attention layouts of ruDALL-E: row, column and convolutional masks.

Every layer attends causally, further restricted by one of three layouts over `text + image`
positions (the image assumed to start at `text_seq_length`, also in v2 where it really starts one
later; the masks are used as they are). A query always sees every text key; among image keys it
sees a row band (the last `d + 1` positions), a column (positions a multiple of `d` back), or an
11x11 neighbourhood on the token grid (wrapping around the edges in v2, clamped in v3).

`layer_mask` gives the dense boolean matrix; `KeyWindows` lists, for every query at or after the
image start, the few image keys it sees, so a sampling step gathers only those.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from studio.engine.config import DalleConfig

ROW, COLUMN, CONV = "row", "column", "conv"


def layer_kind(layer_index: int, num_layers: int) -> str:
    """Which layout a layer uses: column every fourth layer from the second, conv last, else row."""
    if (layer_index - 1) % 4 == 0:
        return COLUMN
    if layer_index != num_layers - 1:
        return ROW
    return CONV


def _near(a: torch.Tensor, b: torch.Tensor, reach: int, size: int, wrap: bool) -> torch.Tensor:
    """Whether grid coordinates a and b are within `reach` (circularly when `wrap`)."""
    diff = (a - b).abs()
    if wrap:
        diff = torch.minimum(diff % size, (-diff) % size)
    return diff <= reach


def layer_mask(config: DalleConfig, kind: str, device: torch.device | str = "cpu") -> torch.Tensor:
    """The (N, N) boolean mask [query, key] of a layout, N = text_seq_length + image tokens."""
    t, d = config.text_seq_length, config.image_tokens_per_dim
    n = config.total_seq_length
    pos = torch.arange(n, device=device)
    q, k = pos[:, None], pos[None, :]
    causal = q >= k
    text_key = k < t
    if kind == ROW:
        allowed = (q - k) <= d
    elif kind == COLUMN:
        allowed = (q - k) % d == 0
    elif kind == CONV:
        wrap = config.hf_version == "v2"
        cell_q, cell_k = (q - t).clamp(min=0), (k - t).clamp(min=0)
        reach = config.conv_kernel // 2
        near = _near(cell_q // d, cell_k // d, reach, d, wrap) & _near(
            cell_q % d, cell_k % d, reach, d, wrap
        )
        allowed = (q == k) | ((q >= t) & near)
    else:
        raise ValueError(f"unknown mask kind {kind!r}")
    return causal & (text_key | allowed)


@dataclass(frozen=True)
class KeyWindows:
    """For queries at positions `t .. N-1`: the image-region keys each one sees.

    `slots[q - t]` holds key positions minus `t` (indices into the image-region cache), padded to
    a fixed width; `valid` marks the real entries. Padding points at slot 0 and is masked out.
    """

    slots: torch.Tensor  # (N - t, width) long
    valid: torch.Tensor  # (N - t, width) bool

    @property
    def width(self) -> int:
        return self.slots.shape[1]


def key_windows(config: DalleConfig, kind: str, device: torch.device | str = "cpu") -> KeyWindows:
    """Compact per-query key lists of a layout's image region (text keys are always all seen)."""
    t = config.text_seq_length
    region = layer_mask(config, kind)[t:, t:]  # (R, R): query slot x key slot
    counts = region.sum(dim=1)
    width = int(counts.max())
    # A stable sort of "not visible" puts the visible slots first, in increasing order.
    order = torch.sort((~region).to(torch.uint8), dim=1, stable=True).indices[:, :width]
    valid = torch.arange(width)[None, :] < counts[:, None]
    slots = torch.where(valid, order, torch.zeros_like(order))
    return KeyWindows(slots=slots.to(device), valid=valid.to(device))
