"""Throughput against the number of Ray replicas: one job spread over 1, 2, ... replicas.

    nice -n 19 .venv/bin/python benchmarks/bench_scale.py [--replicas 1 2] [--images 32]
        [--batch-size 4] [--model-dir DIR]

Default model: the tiny random-weight model (`studio.engine.testing`), CPU replicas on a local
Ray instance with one CPU each, beside the single worker (one model in this process, as the
window runs it). With `--gpus`, one replica per GPU instead (needs the model files on this
machine). Model loading is excluded: the first job on a fresh pool warms it up and is not
timed. Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _time_job(run) -> float:  # noqa: ANN001
    started = time.perf_counter()
    for _ in run():
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--images", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--model-dir", type=Path, default=None, help="default: the tiny model")
    parser.add_argument("--gpus", action="store_true", help="one replica per GPU")
    args = parser.parse_args()

    import ray
    import torch

    from studio.cluster.plan import SamplingJob, plan_batches
    from studio.cluster.pool import ReplicaPool
    from studio.cluster.where import Where
    from studio.jobs import GenerationRequest
    from studio.jobs.backend import EngineBackend
    from studio.settings import Settings

    model_dir = args.model_dir
    if model_dir is None:
        from studio.engine.testing import write_tiny_model_dir

        model_dir = write_tiny_model_dir(Path(tempfile.mkdtemp(prefix="bench-scale-")))
    cpus = max(args.replicas)
    ray.init(
        address="local",
        num_cpus=None if args.gpus else cpus,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        object_store_memory=200 * 2**20,
    )
    job = SamplingJob("котик с сердечком", 2048, 0.995, 1.0)
    orders = plan_batches(args.images, args.batch_size, seed=0)
    rows = []
    load_before = os.getloadavg()[0]

    torch.set_num_threads(1)  # as a one-CPU replica runs
    device = None if args.gpus else "cpu"
    backend = EngineBackend(Settings(models_dir=str(model_dir), device=device))
    request = GenerationRequest(job.prompt, n_images=args.images, batch_size=args.batch_size)
    backend.load()
    list(
        backend.generate(
            GenerationRequest(job.prompt, n_images=1, batch_size=1), None, lambda: False
        )
    )  # warm-up
    rows.append(
        (
            "single worker (1 thread)",
            1,
            _time_job(lambda: backend.generate(request, None, lambda: False)),
        )
    )

    for n in args.replicas:
        pool = ReplicaPool.start(
            Where.parse("gpus"), str(model_dir), cpu_replicas=None if args.gpus else n
        )
        try:
            list(pool.run(job, plan_batches(n, 1, seed=0), lambda: False))  # warm-up
            rows.append(
                (
                    f"{n} Ray replica(s)",
                    n,
                    _time_job(lambda pool=pool: pool.run(job, orders, lambda: False)),
                )
            )
        finally:
            pool.close()
    ray.shutdown()

    print(
        f"{args.images} images, batch {args.batch_size}, model {model_dir.name}, "
        f"{os.cpu_count()} CPU cores on this machine, load average {load_before:.1f} before "
        f"and {os.getloadavg()[0]:.1f} after"
    )
    print(f"{'generator':<28}{'replicas':>9}{'seconds':>10}{'images / s':>12}{'speed-up':>10}")
    base = rows[0][2]
    for name, n, seconds in rows:
        print(
            f"{name:<28}{n:>9}{seconds:>10.2f}{args.images / seconds:>12.2f}{base / seconds:>9.2f}x"
        )


if __name__ == "__main__":
    main()
