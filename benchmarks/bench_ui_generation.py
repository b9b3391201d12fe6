"""How responsive the window stays while a job generates: the longest UI-thread gap.

Builds the real main window (offscreen Qt unless QT_QPA_PLATFORM says otherwise) on the
engine's tiny random-weight model (the real Emojich weights are not needed to measure the UI
side: the worker thread, events, library writes and gallery inserts are the same), queues jobs,
and runs a 10 ms heartbeat timer on the UI thread meanwhile. Prints a table.

    .venv/bin/python benchmarks/bench_ui_generation.py [--images 32] [--batch 4] [--device cpu]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=32)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        from studio.settings import Settings
        from studio.ui.app import create_application
        from studio.ui.main_window import MainWindow

        # Written by a child process, so that torch is not imported here before start-up.
        model_dir = Path(home) / "tiny-model"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from studio.engine.testing import "
                "write_tiny_model_dir as w; w(sys.argv[1])",
                str(model_dir),
            ],
            check=True,
        )
        app = create_application()
        window = MainWindow(settings=Settings(models_dir=str(model_dir), device=args.device))
        window.show()
        app.processEvents()
        # Start-up: torch and the engine load in the worker thread while the window is up.
        window.heartbeat.start()
        t_start = time.perf_counter()
        window.start()
        deadline = time.monotonic() + 120
        while not (window.prompt_panel.model_ready and window.device_info):
            app.processEvents()
            time.sleep(0.001)
            if time.monotonic() > deadline:
                sys.exit("the model check or the device probe did not finish")
        startup = (
            time.perf_counter() - t_start,
            window.heartbeat.ticks,
            window.heartbeat.stop(),
            window.heartbeat.late_ticks,
        )

        def run(jobs: int, images: int) -> tuple[float, int, float, int]:
            window.sampler_panel.set_image_count(images)
            window.sampler_panel.set_batch_size(min(args.batch, images))
            t0 = time.perf_counter()
            for i in range(jobs):
                window.generate(f"котик с сердечком {i}")
            while not window.queue.is_idle() or window.heartbeat.running:
                app.processEvents()
                time.sleep(0.001)
            beat = window.heartbeat
            return time.perf_counter() - t0, beat.ticks, beat.longest_gap_ms, beat.late_ticks

        # The first job loads the models in the worker thread: measured on its own.
        first = run(1, 1)
        steady = run(args.jobs, args.images)
        shown = window.gallery.model.rowCount()
        window.shutdown()

    print(
        f"UI responsiveness during generation ({args.jobs} jobs x {args.images} images, "
        f"batch {args.batch}, tiny model on {args.device}, "
        f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']})"
    )
    print(
        f"{'measure':<32}{'start-up (torch loads)':>24}{'first job (loads model)':>25}"
        f"{'later jobs':>12}"
    )
    rows = [
        ("wall time (s)", "{:.2f}", 0),
        ("heartbeat ticks (10 ms timer)", "{:d}", 1),
        ("longest UI-thread gap (ms)", "{:.1f}", 2),
        ("gaps over 50 ms", "{:d}", 3),
    ]
    for label, fmt, i in rows:
        print(
            f"{label:<32}{fmt.format(startup[i]):>24}{fmt.format(first[i]):>25}"
            f"{fmt.format(steady[i]):>12}"
        )
    print(f"candidates in the gallery: {shown}")


if __name__ == "__main__":
    main()
