"""Top-k / top-p filtering: the reference's transformers 4.x semantics, batched."""

from __future__ import annotations

import pytest
import torch
from rudalle_reference import legacy_top_k_top_p_filtering
from transformers import TopKLogitsWarper, TopPLogitsWarper

from studio.engine.filtering import candidates, filter_logits
from studio.engine.sampling import SamplingParams, choose_tokens


def _logits(batch: int = 4, vocab: int = 50, seed: int = 0) -> torch.Tensor:
    return torch.randn(batch, vocab, generator=torch.Generator().manual_seed(seed)) * 3


@pytest.mark.parametrize(
    ("top_k", "top_p"),
    [(0, 1.0), (1, 0.995), (5, 1.0), (10, 0.5), (50, 0.9), (0, 0.3), (3, 0.0001), (2048, 0.995)],
)
def test_filter_equals_the_reference_function(top_k, top_p):
    logits = _logits()
    expected = legacy_top_k_top_p_filtering(logits, top_k=top_k, top_p=top_p)
    got = filter_logits(logits, top_k, top_p)
    assert torch.equal(torch.isinf(got), torch.isinf(expected))
    torch.testing.assert_close(got[~torch.isinf(got)], expected[~torch.isinf(expected)])


@pytest.mark.parametrize(("top_k", "top_p"), [(0, 1.0), (1, 0.9), (7, 1.0), (10, 0.5), (0, 0.3)])
def test_candidates_are_the_filtered_distribution(top_k, top_p):
    logits = _logits(seed=1)
    expected = filter_logits(logits, top_k, top_p).softmax(dim=-1)
    probs, ids = candidates(logits, top_k, top_p)
    got = torch.zeros_like(expected).scatter(-1, ids, probs)
    torch.testing.assert_close(got, expected)


def test_top_k_warper_is_the_reference_top_k():
    logits = _logits(seed=2)
    for k in (1, 3, 20):
        kept = ~torch.isinf(TopKLogitsWarper(top_k=k)(None, logits))
        reference = ~torch.isinf(legacy_top_k_top_p_filtering(logits, top_k=k, top_p=2.0))
        assert torch.equal(kept, reference)


def test_current_top_p_warper_differs_at_the_threshold():
    # Why top-p is written out: the reference keeps a token whose predecessors' mass equals
    # top_p exactly (strict "> top_p" on the shifted mask); today's warper, which drops tokens
    # whose ascending cumulative mass is <= 1 - top_p, removes it.
    logits = torch.log(torch.tensor([[0.5, 0.25, 0.125, 0.125]]))
    reference = legacy_top_k_top_p_filtering(logits, top_p=0.75)
    assert torch.isinf(reference).tolist() == [[False, False, False, True]]
    assert torch.equal(torch.isinf(filter_logits(logits, 0, 0.75)), torch.isinf(reference))
    warped = TopPLogitsWarper(top_p=0.75)(None, logits)
    assert not torch.equal(torch.isinf(warped), torch.isinf(reference))


def test_greedy_and_sampling_choices():
    logits = _logits(seed=3)
    assert torch.equal(choose_tokens(logits, SamplingParams(top_k=1), None), logits.argmax(-1))
    generator = torch.Generator().manual_seed(0)
    tokens = choose_tokens(logits, SamplingParams(top_k=3, top_p=1.0), generator)
    top3 = logits.topk(3, dim=-1).indices
    assert all(int(t) in top3[i].tolist() for i, t in enumerate(tokens))
