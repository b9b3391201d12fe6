"""Sampling speed: our cached sampler against the reference's generation loop, same weights.

    .venv/bin/python benchmarks/bench_engine.py [--threads 1] [--repeats 2] [--device cpu]
    nice -n 19 .venv/bin/python benchmarks/bench_engine.py --full [--steps 6]

`--full` measures the real Emojich size instead (see `bench_engine_full.py`: 5.6 GB of random
weights written once to a cache folder, batch 1/4/16, fp32 and bf16, the reference beside it).

Model: 4 layers, hidden 256, 4 heads, 128 text + 16x16 image tokens, the real vocabularies
(16512 text + 8192 image), batch 4, random weights, fp32. The reference loop is
`rudalle.pipelines.generate_images`' inner loop (cached `DalleModel` calls, top-k then top-p,
multinomial) on the reference model from PyPI `rudalle` 1.1.3 (installed by
`scripts/bootstrap --test`); it filters with the same batched top-k/top-p as ours so that only
the model loop differs. Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "engine"))

from rudalle_reference import randomize_, reference_dalle  # noqa: E402

from studio.engine.checkpoints import load_dalle  # noqa: E402
from studio.engine.config import DalleConfig  # noqa: E402
from studio.engine.filtering import filter_logits  # noqa: E402
from studio.engine.sampling import SamplingParams, sample_codes  # noqa: E402

CONFIG = DalleConfig(
    num_layers=4,
    hidden_size=256,
    num_attention_heads=4,
    text_seq_length=128,
    image_tokens_per_dim=16,
    vocab_size=16384 + 128,
    image_vocab_size=8192,
    hf_version="v2",
)
BATCH = 4
PARAMS = SamplingParams(top_k=2048, top_p=0.995, temperature=1.0, seed=0)


@torch.no_grad()
def reference_loop(model, text: torch.Tensor) -> torch.Tensor:
    """The reference pipeline's per-image-token loop (use_cache=True)."""
    cfg = CONFIG
    n = cfg.total_seq_length
    mask = torch.tril(torch.ones((text.shape[0], 1, n, n), device=text.device))
    out, cache = text.clone(), None
    torch.manual_seed(PARAMS.seed)
    for _ in range(cfg.image_seq_length):
        logits, cache = model(out, mask, use_cache=True, cache=cache)
        logits = logits[:, -1, cfg.vocab_size :] / PARAMS.temperature
        filtered = filter_logits(logits, PARAMS.top_k, PARAMS.top_p)
        sample = torch.multinomial(filtered.softmax(dim=-1), 1)
        out = torch.cat((out, sample), dim=-1)
    return out[:, cfg.text_seq_length :]


def _time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--check-greedy",
        action="store_true",
        help="also check greedy codes equal the reference's (one more loop)",
    )
    parser.add_argument("--full", action="store_true", help="the real Emojich size (slow)")
    parser.add_argument("--steps", type=int, default=6, help="--full: steps timed per batch")
    parser.add_argument(
        "--precisions", nargs="+", default=["fp32", "bf16"], help="--full: precisions to load"
    )
    parser.add_argument(
        "--reference-steps", type=int, default=3, help="--full: reference loop steps"
    )
    parser.add_argument(
        "--reference-batches",
        type=int,
        nargs="+",
        default=[1, 4],
        help="--full: batch sizes for the reference loop",
    )
    args = parser.parse_args()
    if args.full:
        from bench_engine_full import run

        run(args.precisions, args.steps, args.reference_steps, args.reference_batches)
        return
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    reference = randomize_(reference_dalle(CONFIG)).to(device)
    reference.device = device
    ours = load_dalle(reference.state_dict(), CONFIG, device=device)
    g = torch.Generator().manual_seed(0)
    text = torch.randint(4, 16000, (1, CONFIG.text_seq_length), generator=g)
    text[:, 20:] = 0
    text = text.repeat(BATCH, 1).to(device)

    sample_codes(ours, text, PARAMS)  # warm-up (the reference's first steps warm it up)
    tokens = CONFIG.image_seq_length
    ref_s = _time(lambda: reference_loop(reference, text), args.repeats)
    our_s = _time(lambda: sample_codes(ours, text, PARAMS), args.repeats)

    same = None
    if args.check_greedy:
        greedy = SamplingParams(top_k=1)
        same = torch.equal(sample_codes(ours, text, greedy), _reference_greedy(reference, text))

    print(
        f"device {device}, torch threads {torch.get_num_threads()}, batch {BATCH}, "
        f"{tokens} image tokens, median of {args.repeats}"
    )
    print(f"{'sampler':<28}{'s / batch':>12}{'ms / token':>12}{'images / s':>12}{'speed-up':>10}")
    for name, seconds in (("reference loop (rudalle)", ref_s), ("studio cached sampler", our_s)):
        print(
            f"{name:<28}{seconds:>12.3f}{seconds / tokens * 1e3:>12.2f}"
            f"{BATCH / seconds:>12.2f}{ref_s / seconds:>9.1f}x"
        )
    if same is not None:
        print(f"greedy codes identical to the reference: {same}")


@torch.no_grad()
def _reference_greedy(model, text: torch.Tensor) -> torch.Tensor:
    cfg = CONFIG
    n = cfg.total_seq_length
    mask = torch.tril(torch.ones((text.shape[0], 1, n, n), device=text.device))
    out, cache = text.clone(), None
    for _ in range(cfg.image_seq_length):
        logits, cache = model(out, mask, use_cache=True, cache=cache)
        out = torch.cat((out, logits[:, -1, cfg.vocab_size :].argmax(-1, keepdim=True)), dim=-1)
    return out[:, cfg.text_seq_length :]


if __name__ == "__main__":
    main()
