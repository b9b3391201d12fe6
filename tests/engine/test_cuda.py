"""CUDA paths (half precision, CUDA graphs); skipped on machines without a GPU."""

from __future__ import annotations

import pytest
import torch

from studio.engine import SamplingParams, load_models
from studio.engine.models import available_precisions
from studio.engine.sampling import sample_with_scores, sampling_steps

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]


@pytest.mark.parametrize("precision", ["fp32", "fp16", "bf16"])
def test_cuda_graph_replay_equals_eager_steps(tiny_dir, precision):
    if precision not in available_precisions("cuda"):
        pytest.skip(f"{precision} not supported on this GPU")
    models = load_models(tiny_dir, device="cuda", precision=precision)
    ids = models.tokenizer.encode_text("кот", models.config.text_seq_length).expand(3, -1)
    params = SamplingParams(top_k=16, top_p=0.95, seed=3)
    graph_codes, graph_scores = sample_with_scores(models.dalle, ids, params)
    steps = sampling_steps(models.dalle, ids, params, cuda_graph=False)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            eager_codes, eager_scores = finished.value
            break
    assert torch.equal(graph_codes, eager_codes)
    torch.testing.assert_close(graph_scores, eager_scores)


def test_half_precision_greedy_matches_fp32_mostly(tiny_dir):
    fp32 = load_models(tiny_dir, device="cuda", precision="fp32")
    fp16 = load_models(tiny_dir, device="cuda", precision="fp16")
    ids = fp32.tokenizer.encode_text("кот", fp32.config.text_seq_length)[None]
    a, _ = sample_with_scores(fp32.dalle, ids, SamplingParams(top_k=1))
    b, _ = sample_with_scores(fp16.dalle, ids, SamplingParams(top_k=1))
    assert (a == b).float().mean() > 0.5  # random tiny weights: near-ties may flip


def test_int8_loads_and_generates(tiny_dir):
    if "int8" not in available_precisions("cuda"):
        pytest.skip("bitsandbytes not usable here")
    models = load_models(tiny_dir, device="cuda", precision="int8")
    ids = models.tokenizer.encode_text("кот", models.config.text_seq_length)[None]
    codes, scores = sample_with_scores(models.dalle, ids, SamplingParams(seed=1))
    assert codes.shape == (1, 64) and torch.isfinite(scores).all()
