"""`generate --where gpus|ray://HOST:PORT`: the command's generation on Ray replicas."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from studio.cluster.errors import ClusterLost
from studio.cluster.events import ReplicasProgress
from studio.cluster.plan import SamplingJob, plan_batches
from studio.cluster.where import Where
from studio.errors import StudioError

# Images sampled at once on each replica when --batch-size is not given.
GPU_BATCH = 16
CPU_BATCH = 4


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_on_replicas(
    args: argparse.Namespace,
    prompt: str,
    params,  # noqa: ANN001 - SamplingParams with a concrete seed
    where: Where,
    write_results: Callable[..., int],
) -> int:
    """Start the replicas, spread the batches of `prompt` (what the model is given) over them,
    write the results as locally."""
    from studio.cluster.pool import ReplicaPool
    from studio.engine.events import BatchReady

    if args.device is not None:
        raise StudioError(
            "--device is for --where local; replicas use their GPU (or the CPU with --cpu-replicas)"
        )
    if args.cpu_replicas is not None and args.cpu_replicas < 1:
        raise StudioError("--cpu-replicas must be at least 1")
    models_dir = str(args.model_dir) if args.model_dir is not None else None
    _say(f"starting replicas on {where}...")
    pool = ReplicaPool.start(where, models_dir, args.precision, cpu_replicas=args.cpu_replicas)
    try:
        replicas = pool.replicas
        on_gpu = any(r.device.startswith("cuda") for r in replicas)
        batch_size = args.batch_size or (GPU_BATCH if on_gpu else CPU_BATCH)
        _say(
            f"model {pool.model_id} on {len(replicas)} replica(s): "
            f"{', '.join(r.name for r in replicas)}; seed {params.seed}"
        )
        job = SamplingJob(prompt, params.top_k, params.top_p, params.temperature)
        orders = plan_batches(args.images, batch_size, params.seed)
        started = time.perf_counter()
        results = []
        last_report = 0.0
        where_info = {
            "model": pool.model_id,
            "device": ", ".join(sorted({r.device for r in replicas})),
            "precision": replicas[0].precision,
            "where": str(where),
            "replicas": [r.name for r in replicas],
        }
        try:
            for event in pool.run(job, orders, lambda: False):
                if isinstance(event, ReplicasProgress):
                    now = time.perf_counter()
                    if now - last_report > 2.0:
                        last_report = now
                        _say(
                            f"  {event.tokens_done}/{event.tokens_total} tokens, "
                            f"{event.images_done}/{event.images_total} images done, "
                            f"{event.replicas} replica(s)"
                        )
                elif isinstance(event, BatchReady):
                    results.extend(event.images)
        except ClusterLost as exc:
            if not results:
                raise
            # The finished batches are kept, as in the window: written, then the error.
            write_results(args, prompt, params, batch_size, results, where_info, started)
            raise ClusterLost(
                f"{exc}: {len(results)} of {args.images} images written to {args.out}"
            ) from None
        return write_results(args, prompt, params, batch_size, results, where_info, started)
    finally:
        pool.close()
