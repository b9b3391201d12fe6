"""How long the prompt's Russian takes: loading the translator, then each prompt, as a table.

    .venv/bin/python benchmarks/bench_translate.py [--model-dir DIR] [--threads 2] [--repeats 5]

With `--model-dir` (a hub snapshot of Helsinki-NLP/opus-mt-en-ru, e.g. the models folder's
`opus-mt-en-ru/`) it times that translator with its own settings. Without it, it builds a
stand-in of the same size (opus-mt-en-ru's dimensions: 6+6 layers, width 512, 8 heads,
62,518 tokens, beam search of 4) with random weights, whose output is cut at `--tokens` tokens
because random weights never stop by themselves: its time per prompt is that of a translation
of that length, not a measurement of the real model. The window adds its typing pause
(`DEBOUNCE_MS`) before a translation starts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROMPTS = [
    "a cat in a space helmet",
    "happy frog with a red umbrella",
    "a sleepy panda eating bamboo under the moon",
    "robot",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=16, help="stand-in output length")
    args = parser.parse_args()

    import torch

    from studio.translate.marian import Translator
    from studio.ui.prompt_translation import DEBOUNCE_MS

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.model_dir
        what = f"{folder}"
        if folder is None:
            from tests.translate.tiny_marian import write_tiny_marian

            folder = write_tiny_marian(
                Path(scratch) / "stand-in",
                d_model=512,
                layers=6,
                vocab_size=62518,
                init_std=0.02,
                max_length=args.tokens + 1,
                num_beams=4,
            )
            what = f"random-weight stand-in of opus-mt-en-ru's size, {args.tokens} tokens out"
        start = time.perf_counter()
        translator = Translator.load(folder)
        load_s = time.perf_counter() - start
        print(f"translator: {what}")
        print(f"torch threads: {args.threads}; typing pause before a translation: {DEBOUNCE_MS} ms")
        print(f"load (first use, on the worker): {load_s:.2f} s\n")
        print(f"{'prompt':<46} {'median ms':>10} {'max ms':>8}  Russian")
        for prompt in PROMPTS:
            translator.translate(prompt)  # warm-up
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                russian = translator.translate(prompt)
                times.append(1000 * (time.perf_counter() - start))
            shown = russian if len(russian) <= 40 else russian[:39] + "…"
            print(f"{prompt:<46} {statistics.median(times):>10.0f} {max(times):>8.0f}  {shown}")


if __name__ == "__main__":
    main()
