"""Start a wider `TinyUNet` from a narrower one's weights, predicting exactly what it did.

Each layer keeps the old weights in its first channels. The new channels a layer produces keep
the fresh model's random weights, and every layer reading them gets zero weights for them, so
at the first step they change nothing; training then grows them (the zero weights receive
gradients at once, as the new channels are not zero). This is function-preserving widening, as
in Net2Net's "wider" operator with the new units' outgoing weights at zero, which needs no
rescaling of the old ones.

The one layout to mind: a decoder block's first convolution reads the deeper level's output
and the skip connection concatenated, so its input channels come in two runs, each widened at
its own end. A wider input (the paper-distance channel) is the same operation on the stem.
"""

from __future__ import annotations

import torch

from studio.segment.tinyunet import TinyUNet


def _input_runs(key: str, weight: torch.Tensor, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The lengths of the runs of input channels that convolution `key` reads: two for a
    decoder block's first convolution, one otherwise. Decoder block k works at level
    i = len(widths) - 2 - k and its first convolution reads cat(level i + 1's output, level i's
    skip)."""
    parts = key.split(".")
    if parts[0] == "up" and parts[2:] == ["0", "0", "weight"]:
        level = len(widths) - 2 - int(parts[1])
        return (widths[level + 1], widths[level])
    return (weight.shape[1],)


def _place(
    old: torch.Tensor, new: torch.Tensor, old_runs: tuple[int, ...], new_runs: tuple[int, ...]
) -> None:
    """Write convolution weights `old` into the start of `new` along the output axis and, run
    by run, along the input axis, zeroing every new input channel."""
    out = old.shape[0]
    old_start = new_start = 0
    for old_len, new_len in zip(old_runs, new_runs, strict=True):
        new[:, new_start + old_len : new_start + new_len] = 0
        new[:out, new_start : new_start + old_len] = old[:, old_start : old_start + old_len]
        old_start += old_len
        new_start += new_len


def widened_state(old: dict[str, torch.Tensor], model: TinyUNet) -> dict[str, torch.Tensor]:
    """`model`'s state with `old` (a state of the same architecture, no wider anywhere and
    with as many or fewer input channels) written into it as described above."""
    old_widths = _widths_of(old)
    target = model.state_dict()
    extra = sorted(set(old) - set(target))
    if extra:
        raise ValueError(f"the old weights have layers this network lacks: {', '.join(extra[:3])}")
    state = {}
    for key, fresh in target.items():
        if key not in old:
            raise ValueError(f"the old weights have no {key}")
        value = old[key]
        if value.shape == fresh.shape:
            state[key] = value.clone()
            continue
        fits = value.dim() == fresh.dim() and all(
            a <= b for a, b in zip(value.shape, fresh.shape, strict=True)
        )
        if not fits:
            raise ValueError(f"{key}: {tuple(value.shape)} does not fit in {tuple(fresh.shape)}")
        new = fresh.detach().clone()
        if value.dim() < 2:  # per-channel vectors: batch norm's weight, bias and statistics
            new[: value.shape[0]] = value
        else:
            old_runs = _input_runs(key, value, old_widths)
            _place(value, new, old_runs, _input_runs(key, new, model.widths))
        state[key] = new
    return state


def _widths_of(state: dict[str, torch.Tensor]) -> tuple[int, ...]:
    """The channel widths of the levels of a `TinyUNet` state: the stem's, then each encoder
    block's."""
    widths = [state["stem.0.weight"].shape[0]]
    level = 0
    while f"down.{level}.0.0.weight" in state:
        widths.append(state[f"down.{level}.0.0.weight"].shape[0])
        level += 1
    return tuple(widths)
