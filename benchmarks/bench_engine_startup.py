"""Start-up cost of the engine: importing it and building the full-size models on the meta
device (what `load_models` does before it reads any weights), each in a fresh interpreter.

    .venv/bin/python benchmarks/bench_engine_startup.py [--repeats 3]

Prints a table (median of the repeats); nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

_PROBE = """
import json, sys, time
started = time.perf_counter()
import torch
from studio.engine.checkpoints import load_dalle
from studio.engine.config import DalleConfig, VqganConfig
from studio.engine.transformer import DalleModel
from studio.engine.vqgan import Vqgan
imported = time.perf_counter()
before = len(sys.modules)
with torch.device("meta"):
    DalleModel(DalleConfig.emojich())
    Vqgan(VqganConfig.official(), dwt=True)
built = time.perf_counter()
print(json.dumps({
    "import_s": imported - started,
    "construct_s": built - imported,
    "modules_added": len(sys.modules) - before,
    "dynamo": "torch._dynamo" in sys.modules,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(args.repeats)
    ]
    print(f"fresh interpreter, median of {args.repeats}")
    print(f"{'import torch + engine':<34}{statistics.median(r['import_s'] for r in runs):>8.2f} s")
    print(
        f"{'build Emojich + VQGAN on meta':<34}"
        f"{statistics.median(r['construct_s'] for r in runs):>8.2f} s"
    )
    print(f"{'modules imported by the build':<34}{runs[-1]['modules_added']:>8d}")
    print(f"{'torch._dynamo imported':<34}{str(runs[-1]['dynamo']):>8}")


if __name__ == "__main__":
    main()
