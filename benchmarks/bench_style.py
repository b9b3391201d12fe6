"""Style training speed and memory: steps per second and peak memory, tiny and real sizes.

    nice -n 19 .venv/bin/python benchmarks/bench_style.py [--real] [--real-steps 2]

Each configuration runs in its own process, so its peak resident memory (VmHWM) is its own; on
CUDA the peak allocated GPU memory is reported instead. The data are random codes and captions of
the model's shapes (encoding pictures is not part of a step). The tiny size is the test model
(`studio.engine.testing`); the real size is Emojich's shape with random weights, read from the
cache folder `bench_engine.py --full` writes (written here if absent, about 5.6 GB). The table
also gives `estimate_training_memory`'s figure, to judge the estimate the CLI shows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_engine_full import _peak_rss_gib, write_folder  # noqa: E402

GIB = 1024**3


def measure(size: str, optimizer: str, checkpointing: bool, batch: int, steps: int) -> dict:
    import torch

    from studio.engine import load_models
    from studio.engine.styles import StyleRecipe, StyleTrainer
    from studio.engine.styles.estimate import estimate_training_memory
    from studio.engine.styles.trainer import default_autocast
    from studio.engine.testing import write_tiny_model_dir

    if size == "tiny":
        folder = write_tiny_model_dir(Path(tempfile.mkdtemp()) / "tiny")
        torch.set_num_threads(1)
    else:
        folder = write_folder()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    precision = "bf16" if device == "cuda" else "fp32"
    started = time.perf_counter()
    models = load_models(folder, device=device, precision=precision)
    load_s = time.perf_counter() - started
    cfg = models.config
    g = torch.Generator().manual_seed(0)
    n = max(4, batch)
    text = torch.randint(4, 100, (n, cfg.text_seq_length), generator=g)
    text[:, 12:] = 0
    codes = torch.randint(0, cfg.image_vocab_size, (n, cfg.image_seq_length), generator=g)
    recipe = StyleRecipe(
        steps=steps, batch_size=batch, optimizer=optimizer, gradient_checkpointing=checkpointing
    )
    autocast = default_autocast(models.device)
    trainer = StyleTrainer(models.dalle, text, codes, recipe, autocast)
    times = [r.seconds for r in trainer.steps()]
    peak = torch.cuda.max_memory_allocated() / GIB if device == "cuda" else _peak_rss_gib()
    estimate = estimate_training_memory(cfg, recipe, models.dtype.itemsize, autocast is not None)
    timed = times[1:] or times  # the first step also allocates the optimiser state
    return {
        "size": size,
        "device": device,
        "precision": precision,
        "optimizer": trainer.optimizer_name,
        "checkpointing": checkpointing,
        "batch": batch,
        "steps": steps,
        "load_s": load_s,
        "first_step_s": times[0],
        "step_s": statistics.median(timed),
        "peak_gib": peak,
        "estimate_gib": estimate.total / GIB,
    }


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="also the real Emojich size (slow)")
    parser.add_argument("--real-steps", type=int, default=2, help="steps at the real size")
    parser.add_argument("--real-batch", type=int, default=1, help="batch at the real size")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size, optimizer, checkpointing, batch, steps = args.child
        print(json.dumps(measure(size, optimizer, checkpointing == "1", int(batch), int(steps))))
        return

    runs = [
        ("tiny", "adamw8bit", "1", "2", "30"),
        ("tiny", "adamw", "1", "2", "30"),
        ("tiny", "adamw", "0", "2", "30"),
    ]
    if args.real:
        runs.append(("real", "adamw8bit", "1", str(args.real_batch), str(args.real_steps)))
    print(
        "| size | device | precision | optimizer | grad. ckpt | batch | steps | load s "
        "| 1st step s | s/step | steps/s | peak GiB | estimate GiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        r = _child(*run)
        print(
            f"| {r['size']} | {r['device']} | {r['precision']} | {r['optimizer']} "
            f"| {'on' if r['checkpointing'] else 'off'} | {r['batch']} | {r['steps']} "
            f"| {r['load_s']:.1f} | {r['first_step_s']:.3f} | {r['step_s']:.3f} "
            f"| {1 / r['step_s']:.3g} | {r['peak_gib']:.2f} | {r['estimate_gib']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
