"""Cut-out training throughput on this machine, as a table: how fast a run of stage 8's recipe
goes for each batch size and number of picture workers, on the CPU or a CUDA GPU.

    .venv/bin/python benchmarks/bench_train.py [--device cuda] [--glyphs glyphs.zip]
        [--batch-sizes 8 32] [--workers 0 4 14] [--precisions fp32 bf16] [--steps 30]
        [--threads 1]

Rows: the network alone (forward and backward of one batch drawn once, over and over: what the
device could do if the pictures cost nothing), the pictures alone (`train.make_batch` in this
process, one thread: the cost each worker carries), and whole training steps (`train.train`,
the pictures drawn by the workers beside it), timed after the first few steps so that starting
the workers is not counted. With --glyphs the pictures come from a glyph pack (`glyph_pack`:
Noto and the five designs, as the shipped model trains); without, from Noto's font alone.
Every row draws the same pictures: only the time differs. With --precisions the network rows
come once per arithmetic (`train --precision`), side by side.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from studio.segment.tinyunet import TinyUNet
from studio.segment.training import glyph_pack, train
from studio.segment.training.train import TrainConfig

# Stage 8's data recipe and loss weights (the model card's $S8 with --shadow-weight 5).
STAGE8_RECIPE = dict(
    paper_distance=True,
    flat=0.35,
    crop=0.45,
    cut_white=0.15,
    line_art=0.3,
    white_spots=0.25,
    loops=0.15,
    emojich_paper=0.5,
    blotches=0.5,
    shadow=0.4,
    decoder=0.3,
    enclosed_weight=2.0,
    shadow_weight=5.0,
)
WARMUP_STEPS = 5  # steps not timed: the workers starting, the device's first kernels


def _config(
    args: argparse.Namespace,
    pack: glyph_pack.GlyphPack,
    out: str,
    batch_size: int,
    workers: int,
    precision: str = "fp32",
) -> TrainConfig:
    return TrainConfig(
        out=out,
        steps=WARMUP_STEPS + args.steps,
        batch_size=batch_size,
        threads=args.threads,
        device=args.device,
        workers=workers,
        precision=precision,
        checkpoint_every=10**9,  # a checkpoint would be timed too; only the last step writes one
        glyphs=str(args.glyphs),
        designs=pack.designs,
        design_glyphs=pack.design_glyphs,
        seed=pack.seed,
        **STAGE8_RECIPE,
    )


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def network_alone(config: TrainConfig, glyphs, repeats: int) -> float:
    """Median seconds of one forward and backward pass with the optimiser step, on one batch."""
    device = torch.device(config.device)
    model = TinyUNet(in_channels=config.in_channels, widths=config.widths)
    model.to(device, memory_format=torch.channels_last)  # as `train.train` lays it out
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    inputs, alpha, weights = (t.to(device) for t in train.make_batch(glyphs, config, 0))
    inputs = inputs.contiguous(memory_format=torch.channels_last)
    times = []
    for i in range(WARMUP_STEPS + repeats):
        _sync(device)
        start = time.perf_counter()
        loss = train.training_step(model, optimizer, config, device, (inputs, alpha, weights))
        loss.item()  # the training loop reads the loss every step too
        if i >= WARMUP_STEPS:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def pictures_alone(config: TrainConfig, glyphs, repeats: int) -> float:
    """Median seconds of drawing one batch (`make_batch`) in this process."""
    times = []
    for step in range(repeats):
        start = time.perf_counter()
        train.make_batch(glyphs, config, step)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def whole_steps(config: TrainConfig) -> float:
    """Seconds per training step after the first `WARMUP_STEPS`, workers drawing the pictures;
    the last step, which writes the run's checkpoint, is not counted either."""
    stamps: list[float] = []
    train.train(config, on_progress=lambda progress: stamps.append(time.perf_counter()))
    timed = stamps[WARMUP_STEPS - 1 : -1]
    return (timed[-1] - timed[0]) / (len(timed) - 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu", help='"cpu" or a CUDA GPU ("cuda")')
    parser.add_argument("--glyphs", type=Path, help="a glyph pack (glyph_pack) to draw from")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8])
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument(
        "--precisions",
        nargs="+",
        default=["fp32"],
        choices=train.PRECISIONS,
        help="the network's arithmetic (train --precision), a row each",
    )
    parser.add_argument("--steps", type=int, default=20, help="timed steps per row (at least 3)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the trainer")
    parser.add_argument("--seed", type=int, default=1234, help="without --glyphs: the run's seed")
    args = parser.parse_args(argv)
    problem = train.device_problem(args.device)
    if problem:
        parser.error(f"--device: {problem}")
    if args.steps < 3:
        parser.error("--steps: at least 3")
    for precision in args.precisions:
        problem = train.precision_problem(precision, args.device)
        if problem:
            parser.error(f"--precisions: {problem}")
    # The training loop logs each run's glyphs; the table is this script's output.
    logging.getLogger("studio.segment.training.train").setLevel(logging.WARNING)
    torch.set_num_threads(args.threads)
    name = torch.cuda.get_device_name(args.device) if args.device != "cpu" else "CPU"
    print(
        f"device: {args.device} ({name}), trainer threads {args.threads}, torch {torch.__version__}"
    )

    rows: list[tuple[str, int, str, str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        if args.glyphs is None:  # Noto alone, packed once for every row
            args.glyphs = str(Path(scratch) / "noto.zip")
            glyph_pack.write_pack(Path(args.glyphs), glyph_pack.gather([], 0, args.seed))
        pack = glyph_pack.read_pack(Path(args.glyphs))
        glyphs = pack.training_glyphs()
        for batch_size in args.batch_sizes:
            probe = str(Path(scratch) / "probe")
            for precision in args.precisions:
                config = _config(args, pack, probe, batch_size, 0, precision)
                seconds = network_alone(config, glyphs, args.steps)
                rows.append(("network alone", batch_size, precision, "-", seconds))
            config = _config(args, pack, probe, batch_size, 0)
            seconds = pictures_alone(config, glyphs, max(5, args.steps // 2))
            rows.append(("pictures alone", batch_size, "-", "none, 1 thread", seconds))
            for precision in args.precisions:
                for workers in args.workers:
                    out = str(Path(scratch) / f"run-b{batch_size}-w{workers}-{precision}")
                    config = _config(args, pack, out, batch_size, workers, precision)
                    seconds = whole_steps(config)
                    rows.append(("whole steps", batch_size, precision, str(workers), seconds))

    print()
    print("| what | batch | precision | workers | ms per step | steps/s | pictures/s |")
    print("|---|---|---|---|---|---|---|")
    for what, batch_size, precision, workers, seconds in rows:
        print(
            f"| {what} | {batch_size} | {precision} | {workers} | {seconds * 1000:.1f} "
            f"| {1 / seconds:.1f} | {batch_size / seconds:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
