"""Seconds per image for the full-size Emojich architecture (random weights) on a CUDA GPU.

    .venv/bin/python benchmarks/bench_engine_gpu.py [--precision fp16] [--batches 1 16 64]
    .venv/bin/python benchmarks/bench_engine_gpu.py --gpus 4 [--batches 16 64] [--repeats 3]

Builds the 24-layer, hidden-2048 transformer directly on the GPU (no files needed), samples
1024 image tokens per batch with top-k 2048 / top-p 0.995 (CUDA graph on and off), and prints
a table with the VQGAN decode timed separately. Needs a GPU; prints why not otherwise.

`--gpus N` runs one process per GPU (CUDA_VISIBLE_DEVICES=i, as a Ray replica with num_gpus=1
sees its GPU), all sampling at once, `--repeats` batches each (CUDA graph on), and prints each
GPU's seconds per batch and the total images per second: the scaling a job spread over the
machine's GPUs gets, without the model files or Ray.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch

from studio.engine.config import DalleConfig, VqganConfig
from studio.engine.models import PRECISION_DTYPES
from studio.engine.sampling import SamplingParams, sampling_steps
from studio.engine.transformer import DalleModel
from studio.engine.vqgan import Vqgan


def _random(module: torch.nn.Module, device: str, dtype: torch.dtype) -> torch.nn.Module:
    module = module.to_empty(device=device)
    with torch.no_grad():
        for name, param in module.named_parameters():
            if name.endswith("weight") and param.dim() == 1:
                param.fill_(1.0)
            else:
                param.normal_(0.0, 0.02)
    return module.to(dtype).eval().requires_grad_(False)


def _run(model: DalleModel, batch: int, graph: bool) -> float:
    ids = torch.randint(4, 16000, (1, 128), device="cuda").expand(batch, -1)
    params = SamplingParams(top_k=2048, top_p=0.995, seed=0)
    torch.cuda.synchronize()
    started = time.perf_counter()
    steps = sampling_steps(model, ids, params, step_interval=1024, cuda_graph=graph)
    for _ in steps:
        pass
    torch.cuda.synchronize()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", default="fp16", choices=["fp32", "fp16", "bf16"])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--gpus", type=int, default=1, help="sample on this many GPUs at once")
    parser.add_argument("--repeats", type=int, default=3, help="--gpus: batches per GPU")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one GPU's part
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA GPU here: nothing to measure")
        return
    if args.gpus > 1:
        _on_gpus(args)
        return
    dtype = PRECISION_DTYPES[args.precision]
    with torch.device("meta"):
        model = DalleModel(DalleConfig.emojich())
        vqgan = Vqgan(VqganConfig.official(), dwt=True)
    model = _random(model, "cuda", dtype)
    if args.json:  # one process of --gpus N: seconds per batch, CUDA graph on
        for batch in args.batches:
            _run(model, batch, True)  # warm-up
            times = [_run(model, batch, True) for _ in range(args.repeats)]
            print(json.dumps({"batch": batch, "seconds": times}), flush=True)
        return
    vqgan = _random(vqgan, "cuda", torch.float32)  # as load_models does
    print(f"{torch.cuda.get_device_name()}, {args.precision}, 1024 image tokens per image")
    print(f"{'batch':>6}{'graph':>7}{'s / batch':>11}{'s / image':>11}{'decode s / image':>18}")
    for batch in args.batches:
        _run(model, batch, True)  # warm-up: kernels, allocator, window tables
        for graph in (True, False):
            seconds = _run(model, batch, graph)
            codes = torch.randint(0, 8192, (min(batch, 8), 1024), device="cuda")
            torch.cuda.synchronize()
            started = time.perf_counter()
            vqgan.decode(codes)
            torch.cuda.synchronize()
            decode = (time.perf_counter() - started) / len(codes)
            print(
                f"{batch:>6}{str(graph):>7}{seconds:>11.2f}{seconds / batch:>11.3f}{decode:>18.3f}"
            )


def _on_gpus(args: argparse.Namespace) -> None:
    """One process per GPU, sampling at the same time; per-GPU and total throughput."""
    available = torch.cuda.device_count()
    if args.gpus > available:
        print(f"asked for {args.gpus} GPUs, this machine has {available}")
        return
    command = [
        sys.executable,
        __file__,
        "--json",
        "--precision",
        args.precision,
        "--repeats",
        str(args.repeats),
        "--batches",
        *map(str, args.batches),
    ]
    procs = [
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "CUDA_VISIBLE_DEVICES": str(i)},
        )
        for i in range(args.gpus)
    ]
    results = [[json.loads(line) for line in p.communicate()[0].splitlines()] for p in procs]
    print(
        f"{args.gpus} x {torch.cuda.get_device_name(0)}, {args.precision}, sampling at once, "
        f"median of {args.repeats} batches per GPU (decode not included)"
    )
    print(
        f"{'batch':>6}"
        + "".join(f"{f'GPU {i} s':>10}" for i in range(args.gpus))
        + f"{'images / s':>12}"
    )
    for row, batch in enumerate(args.batches):
        medians = [statistics.median(r[row]["seconds"]) for r in results]
        total = sum(batch / m for m in medians)
        print(f"{batch:>6}" + "".join(f"{m:>10.2f}" for m in medians) + f"{total:>12.1f}")


if __name__ == "__main__":
    main()
