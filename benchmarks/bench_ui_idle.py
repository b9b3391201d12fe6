"""What the idle window costs: process CPU time while nothing happens, at several widths.

Builds the real window over a library of candidates that about fills the gallery (where a
layout feedback loop once showed: the scroll bar came and went forever), resizes it to each
width, lets it settle, then runs the event loop idle for a few seconds and reads the process's
CPU time. Offscreen Qt unless QT_QPA_PLATFORM is set (e.g. xcb under xvfb-run). Prints a table.

    .venv/bin/python benchmarks/bench_ui_idle.py [--seconds 3] [--candidates 20] [--backdrop dark]

`--backdrop` shows the gallery's cut-outs on that background (every candidate gets one).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

WIDTHS = (1280, 1366, 1400, 1420, 1440, 1460, 1475, 1600, 1920)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="idle time per width")
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument(
        "--backdrop", default="original", choices=["original", "checkerboard", "light", "dark"]
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["STUDIO_HOME"] = tempfile.mkdtemp(prefix="bench-idle-")
    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "tests" / "ui"), str(root)]  # the test doubles live in tests/
    from PySide6.QtCore import QEventLoop, QTimer
    from ui_fixtures import FakeSegmenter, fill_library, ready_check

    from studio.library import CutoutMethod, Library
    from studio.ui.app import create_application
    from studio.ui.main_window import MainWindow
    from tests.jobs.scripted_backend import ScriptedBackend

    app = create_application()
    library = Library()
    ids = fill_library(library, [float(i) for i in range(args.candidates)])
    if args.backdrop != "original":
        from PIL import Image

        for cid in ids:
            library.add_cutout(cid, Image.new("L", (32, 32), 255), CutoutMethod.UNET, 0.9)
    window = MainWindow(
        library=library,
        backend_factory=ScriptedBackend,
        segmenter_factory=FakeSegmenter,
        model_checker=ready_check,
    )
    window.show()
    window.start()
    from studio.ui.gallery import Backdrop

    window.gallery.set_backdrop(Backdrop(args.backdrop))

    def idle(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    idle(1.0)
    print(f"{'width px':>9} {'columns':>8} {'idle CPU %':>11}")
    for width in WIDTHS:
        window.resize(width, 860)
        idle(0.5)
        cpu, wall = time.process_time(), time.monotonic()
        idle(args.seconds)
        share = (time.process_time() - cpu) / (time.monotonic() - wall)
        print(f"{window.width():>9} {window.gallery.view.column_count():>8} {share:>11.1%}")
    window.shutdown()
    library.close()
    app.processEvents()


if __name__ == "__main__":
    main()
