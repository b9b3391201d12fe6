"""Our transformer and sampler against the reference `DalleModel` on the same random weights."""

from __future__ import annotations

import pytest
import torch
from rudalle_reference import randomize_, reference_causal_mask, reference_dalle

from studio.engine.checkpoints import load_dalle
from studio.engine.config import DalleConfig
from studio.engine.kvcache import ImageDecoder
from studio.engine.sampling import SamplingParams, perplexity, sample_codes, sample_with_scores


def _config(version: str) -> DalleConfig:
    return DalleConfig(
        num_layers=5,
        hidden_size=64,
        num_attention_heads=4,
        text_seq_length=16,
        image_tokens_per_dim=8,
        vocab_size=200,
        image_vocab_size=96,
        hf_version=version,
    )


@pytest.fixture(scope="module", params=["v2", "v3"])
def pair(request):
    config = _config(request.param)
    reference = randomize_(reference_dalle(config), seed=7)
    ours = load_dalle(reference.state_dict(), config)  # the reference's own layout, masks too
    return config, reference, ours


def _text(config: DalleConfig, batch: int, seed: int = 1) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    text = torch.randint(4, 150, (batch, config.text_seq_length), generator=g)
    text[:, 11:] = 0  # padding: the learned per-position pad tokens
    text[:, 0] = 2
    return text


def _relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


@pytest.mark.parametrize("image_tokens", [0, 1, 23, 64])
def test_logits_equal_reference(pair, image_tokens):
    config, reference, ours = pair
    g = torch.Generator().manual_seed(2)
    image = torch.randint(0, config.image_vocab_size, (3, image_tokens), generator=g)
    ids = torch.cat((_text(config, 3), image), dim=1)
    with torch.no_grad():
        expected, _ = reference(ids, reference_causal_mask(3, config))
        got = ours(ids)
    assert got.shape == expected.shape
    assert _relative_error(got, expected) < 1e-4


@pytest.mark.parametrize("prompts", ["one prompt", "two prompts"])
def test_cached_steps_equal_full_forward(pair, prompts):
    config, _, ours = pair
    text = _text(config, 2) if prompts == "two prompts" else _text(config, 1).expand(3, -1)
    g = torch.Generator().manual_seed(3)
    codes = torch.randint(
        0, config.image_vocab_size, (text.shape[0], config.image_seq_length), generator=g
    )
    with torch.no_grad():
        full = ours(torch.cat((text, codes), dim=1))[..., config.vocab_size :]
        decoder = ImageDecoder(ours, text)
        first = config.prompt_length - 1  # position whose logits predict image token 0
        assert _relative_error(decoder.first_logits, full[:, first]) < 1e-4
        for j in range(config.image_seq_length - 1):
            step = decoder.step(j, codes[:, j])
            assert _relative_error(step, full[:, first + j + 1]) < 1e-4, j


def _reference_greedy(reference, config: DalleConfig, text: torch.Tensor) -> torch.Tensor:
    """The reference pipeline's cached loop with top_k=1 (deterministic)."""
    out, cache = text.clone(), None
    mask = reference_causal_mask(text.shape[0], config)
    with torch.no_grad():
        for _ in range(config.image_seq_length):
            logits, cache = reference(out, mask, use_cache=True, cache=cache)
            out = torch.cat((out, logits[:, -1, config.vocab_size :].argmax(-1, keepdim=True)), 1)
    return out[:, config.text_seq_length :]


def test_greedy_generation_equals_reference_token_for_token(pair):
    config, reference, ours = pair
    text = _text(config, 3)
    text[2, 5] = 77  # a second prompt in the same batch
    expected = _reference_greedy(reference, config, text)
    assert torch.equal(sample_codes(ours, text, SamplingParams(top_k=1)), expected)


def test_perplexity_equals_reference_ranking(pair):
    config, reference, ours = pair
    text = _text(config, 3)
    g = torch.Generator().manual_seed(4)
    codes = torch.randint(0, config.image_vocab_size, (3, config.image_seq_length), generator=g)
    from rudalle_reference import reference_pipelines

    ids = torch.cat((text, codes), dim=1)
    with torch.no_grad():
        logits, _ = reference(ids, reference_causal_mask(3, config))
    image_logits = logits.transpose(1, 2)[:, config.vocab_size :, -config.image_seq_length : -1]
    ce = torch.nn.functional.cross_entropy(
        image_logits.float(), ids[:, -config.image_seq_length + 1 :], reduction="none"
    )
    expected = reference_pipelines().ce_to_ppl(ce)
    got = perplexity(ours, text, codes)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=0)


def test_sampler_scores_equal_perplexity(pair):
    config, _, ours = pair
    text = _text(config, 2)
    codes, scores = sample_with_scores(ours, text, SamplingParams(top_k=20, top_p=0.9, seed=5))
    torch.testing.assert_close(scores, perplexity(ours, text, codes), rtol=1e-5, atol=0)


def test_same_seed_same_codes_and_different_seed_differs(pair):
    config, _, ours = pair
    text = _text(config, 2)
    a = sample_codes(ours, text, SamplingParams(top_k=30, top_p=0.95, seed=11))
    b = sample_codes(ours, text, SamplingParams(top_k=30, top_p=0.95, seed=11))
    c = sample_codes(ours, text, SamplingParams(top_k=30, top_p=0.95, seed=12))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
