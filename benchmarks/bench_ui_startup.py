"""Time to the main window's first paint, from process launch, without torch.

Starts a fresh interpreter several times (offscreen Qt unless QT_QPA_PLATFORM is set, e.g. under
xvfb-run with QT_QPA_PLATFORM=xcb), builds the real window over an empty library in a temporary
STUDIO_HOME, and records when its first paint event finishes. Prints a table.

    .venv/bin/python benchmarks/bench_ui_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, sys, time
t_start = time.time()
from PySide6.QtCore import QEvent, QObject, QTimer
from studio.ui.app import create_application
from studio.ui.main_window import MainWindow
t_imported = time.time()
app = create_application()
window = MainWindow()
t_built = time.time()
marks = {}

class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint" not in marks:
            QTimer.singleShot(0, lambda: (marks.setdefault("paint", time.time()), app.quit()))
        return False

watch = Watch()
window.installEventFilter(watch)
window.show()
app.exec()
print(json.dumps({"start": t_start, "imported": t_imported, "built": t_built,
                  "paint": marks["paint"], "torch": "torch" in sys.modules}))
window.shutdown()
"""


def run_once(env: dict[str, str]) -> dict[str, float]:
    launched = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    marks = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "interpreter": marks["start"] - launched,
        "imports": marks["imported"] - marks["start"],
        "build window": marks["built"] - marks["imported"],
        "show -> painted": marks["paint"] - marks["built"],
        "launch -> first paint": marks["paint"] - launched,
        "torch imported": float(marks["torch"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = []
    with tempfile.TemporaryDirectory() as home:
        env["STUDIO_HOME"] = home
        run_once(env)  # warm the file cache; not counted
        for _ in range(args.runs):
            results.append(run_once(env))
    print(f"Window first paint, {args.runs} runs, QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}")
    print(f"{'stage':<24}{'median ms':>12}{'min ms':>10}{'max ms':>10}")
    for key in results[0]:
        if key == "torch imported":
            continue
        values = [r[key] * 1000 for r in results]
        print(
            f"{key:<24}{statistics.median(values):>12.0f}{min(values):>10.0f}{max(values):>10.0f}"
        )
    print(f"torch imported before first paint: {any(r['torch imported'] for r in results)}")


if __name__ == "__main__":
    main()
