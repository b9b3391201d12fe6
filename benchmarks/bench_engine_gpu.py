"""Seconds per image for the full-size Emojich architecture (random weights) on a CUDA GPU.

    .venv/bin/python benchmarks/bench_engine_gpu.py [--precision fp16] [--batches 1 16 64]

Builds the 24-layer, hidden-2048 transformer directly on the GPU (no files needed), samples
1024 image tokens per batch with top-k 2048 / top-p 0.995 (CUDA graph on and off), and prints
a table with the VQGAN decode timed separately. Needs a GPU; prints why not otherwise.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA GPU here: nothing to measure")
        return
    dtype = PRECISION_DTYPES[args.precision]
    with torch.device("meta"):
        model = DalleModel(DalleConfig.emojich())
        vqgan = Vqgan(VqganConfig.official(), dwt=True)
    model = _random(model, "cuda", dtype)
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


if __name__ == "__main__":
    main()
