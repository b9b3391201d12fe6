"""Is the gallery smooth with thousands of candidates? Query, first paint, scrolling, triage.

Fills a temporary library (on /dev/shm when there is one, so filling is quick) with N
candidates of 256 px, opens the real gallery panel (offscreen Qt unless QT_QPA_PLATFORM says
otherwise) at 1200x800, then: reloads the model, paints the first screen, scrolls the whole list a
screen at a time (painting each screen and letting visible thumbnails arrive), and triages 200
candidates by keyboard. A 10 ms heartbeat on the UI thread records the longest stall.
With `--backdrop checkerboard` (or light, dark) every candidate also gets a cut-out mask and the
gallery shows the cut-outs on that background (composed off the UI thread).

    .venv/bin/python benchmarks/bench_ui_gallery.py [--counts 1000 5000] [--backdrop dark]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def fill(library, n: int, with_cutouts: bool = False) -> None:
    import numpy as np
    from PIL import Image

    from studio.jobs.request import GenerationRequest
    from studio.library import CutoutMethod

    rng = np.random.default_rng(0)
    per_job = 256
    mask = np.zeros((256, 256), np.uint8)
    mask[64:192, 64:192] = 255
    mask_png = Image.fromarray(mask)
    for start in range(0, n, per_job):
        count = min(per_job, n - start)
        job = library.create_job(GenerationRequest(f"кот номер {start}", n_images=count).to_spec())
        for i in range(count):
            pixels = np.full((256, 256, 3), 245, np.uint8)
            pixels[64:192, 64:192] = rng.integers(0, 255, 3, dtype=np.uint8)  # something to see
            candidate = library.add_candidate(
                job.id,
                i,
                Image.fromarray(pixels),
                np.arange(1024, dtype="<u2").tobytes(),
                float(rng.uniform(5, 50)),
                seed=start + i,
            )
            if with_cutouts:
                library.add_cutout(candidate.id, mask_png, CutoutMethod.UNET, 0.9)


def measure(n: int, on_disk: bool = False, backdrop: str = "original") -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from studio.library import Library
    from studio.ui.app import create_application
    from studio.ui.gallery import Backdrop, GalleryPanel
    from studio.ui.heartbeat import Heartbeat

    app = create_application()
    base = "/dev/shm" if Path("/dev/shm").is_dir() and not on_disk else None
    with tempfile.TemporaryDirectory(dir=base) as home:
        os.environ["STUDIO_HOME"] = home
        library = Library()
        t = time.perf_counter()
        fill(library, n, with_cutouts=backdrop != "original")
        fill_s = time.perf_counter() - t
        panel = GalleryPanel(library)
        panel.set_backdrop(Backdrop(backdrop))
        panel.resize(1200, 800)
        panel.show()
        app.processEvents()
        beat = Heartbeat()
        beat.start()
        t = time.perf_counter()
        panel.model.reload()
        reload_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        panel.view.viewport().repaint()
        first_paint_ms = (time.perf_counter() - t) * 1000
        bar = panel.view.verticalScrollBar()
        paints = []
        t_scroll = time.perf_counter()
        value = 0
        while value <= bar.maximum():
            bar.setValue(value)
            t = time.perf_counter()
            panel.view.viewport().repaint()
            paints.append((time.perf_counter() - t) * 1000)
            app.processEvents()
            value += bar.pageStep()
        scroll_s = time.perf_counter() - t_scroll
        scroll_gap_ms = beat.stop()
        panel.thumbnails.wait_idle(60_000)
        app.processEvents()
        bar.setValue(0)
        panel.select_candidate(panel.model.candidate(0).id)
        panel.view.setFocus()
        keys = [Qt.Key.Key_K, Qt.Key.Key_X, Qt.Key.Key_S, Qt.Key.Key_Right]
        beat.start()
        t = time.perf_counter()
        for i in range(200):
            QTest.keyClick(panel.view, keys[i % 4])
            app.processEvents()
        triage_ms = (time.perf_counter() - t) * 1000 / 200
        triage_gap_ms = beat.stop()
        library.close()
        panel.close()
        return {
            "fill library (s)": fill_s,
            "model reload (ms)": reload_ms,
            "first screen paint (ms)": first_paint_ms,
            "screens scrolled": len(paints),
            "paint per screen, median (ms)": statistics.median(paints),
            "paint per screen, max (ms)": max(paints),
            "scroll whole list (s)": scroll_s,
            "triage key incl. library write (ms)": triage_ms,
            "thumbnails cached": len(panel.thumbnails),
            "longest UI gap, reload + scroll (ms)": scroll_gap_ms,
            "longest UI gap, triage (ms)": triage_gap_ms,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="library in the system temp folder (real fsyncs), not /dev/shm",
    )
    parser.add_argument(
        "--backdrop",
        default="original",
        choices=["original", "checkerboard", "light", "dark"],
        help="show cut-outs on this background (each candidate gets a mask)",
    )
    args = parser.parse_args()
    results = {n: measure(n, args.on_disk, args.backdrop) for n in args.counts}
    where = "temp folder on disk" if args.on_disk else "/dev/shm"
    print(
        f"Gallery with N candidates (1200x800 view, library in {where}, QT_QPA_PLATFORM="
        f"{os.environ['QT_QPA_PLATFORM']}, pictures: {args.backdrop})"
    )
    header = f"{'measure':<40}" + "".join(f"{'N=' + str(n):>12}" for n in args.counts)
    print(header)
    for key in results[args.counts[0]]:
        row = "".join(f"{results[n][key]:>12.1f}" for n in args.counts)
        print(f"{key:<40}{row}")


if __name__ == "__main__":
    main()
