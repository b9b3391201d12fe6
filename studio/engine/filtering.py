"""Top-k / top-p filtering with the reference's semantics, batched over the whole batch.

The reference (transformers 4.x `top_k_top_p_filtering`) keeps the `top_k` largest logits (ties
with the k-th kept), then sorts descending and removes every token whose *preceding* cumulative
probability already exceeds `top_p` (the removal mask shifted right by one, so the most likely
token always stays). `TopKLogitsWarper` still computes exactly that first part and is used as
is. The current `TopPLogitsWarper` sorts ascending and drops tokens whose ascending cumulative
mass is `<= 1 - top_p`: the same rule only up to rounding and ties at the threshold, so the
reference's top-p rule is written out here.

Sampling never needs the full filtered vocabulary: `candidates` returns the surviving tokens'
probabilities in descending order (top-k already sorts them), which is what the sampler draws
from; `filter_logits` gives the full-vocabulary view for checks and other callers.
"""

from __future__ import annotations

import torch

from studio.transformers_lock import TRANSFORMERS_IMPORT

with TRANSFORMERS_IMPORT:  # the translator may be importing from transformers on another thread
    from transformers import TopKLogitsWarper


def top_p_removal(sorted_probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """For probabilities sorted descending (..., n): which to remove under the reference rule."""
    remove = sorted_probs.cumsum(dim=-1) > top_p
    remove = torch.cat((torch.zeros_like(remove[..., :1]), remove[..., :-1]), dim=-1)
    return remove


def filter_logits(logits: torch.Tensor, top_k: int, top_p: float) -> torch.Tensor:
    """(b, v) logits -> the same with filtered entries set to -inf (reference semantics)."""
    if top_k > 0:
        logits = TopKLogitsWarper(top_k=top_k)(None, logits)
    if 0 <= top_p <= 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        remove_sorted = top_p_removal(sorted_logits.softmax(dim=-1), top_p)
        remove = remove_sorted.scatter(-1, order, remove_sorted)
        logits = logits.masked_fill(remove, float("-inf"))
    return logits


def candidates(logits: torch.Tensor, top_k: int, top_p: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(b, v) logits -> (probs, token ids), each (b, k): the filtered distribution's support.

    Probabilities are those of softmax(filter_logits(...)) (removed tokens get exactly 0), laid
    out in descending logit order; k = top_k (or the whole vocabulary when top_k is 0).
    """
    vocab = logits.shape[-1]
    if 0 < top_k < vocab:
        values, ids = torch.topk(logits, top_k, dim=-1)  # sorted, descending
        # TopKLogitsWarper keeps every token tied with the k-th value; so does this when the
        # tie is within the k, and ties straddling the cut are vanishingly rare with float
        # logits (they would add equal-probability tokens).
    else:
        values, ids = torch.sort(logits, descending=True, dim=-1)
    probs = values.softmax(dim=-1)
    if 0 <= top_p <= 1.0:
        remove = top_p_removal(probs, top_p)
        probs = probs.masked_fill(remove, 0.0)
        probs = probs / probs.sum(dim=-1, keepdim=True)
    return probs, ids
