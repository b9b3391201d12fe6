"""How fast the mask editor keeps up with the mouse: time per stroke update.

One stroke update is what happens for each mouse-move event while painting: the event reaches the
canvas, the brush segment is painted into the mask (`studio.masks.paint_segment`), the dirty box
of the overlay composite is recomposed, and the canvas repaints the dirty rectangles (mask box and
brush cursor) synchronously (`QWidget.repaint`, which flushes every pending update). Also timed
apart: the mask operation alone, the composite alone, and the end of a stroke (undo diff and
contours). Offscreen Qt platform, one thread.

    .venv/bin/python benchmarks/bench_masks.py [--steps 300] [--view 1100x800]

Prints a table; the aim is under 16 ms per update (60 updates a second).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.masks import Brush, paint_segment  # noqa: E402
from studio.ui.editor import MaskCanvas, MaskDocument, Tool, ToolSettings  # noqa: E402


def _picture(side: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(side)
    yy, xx = np.mgrid[:side, :side]
    rgb = np.stack(
        [(xx * 255 // side), (yy * 255 // side), ((xx + yy) * 127 // side)], axis=2
    ).astype(np.uint8)
    rgb = np.clip(rgb.astype(np.int16) + rng.integers(-8, 8, rgb.shape), 0, 255).astype(np.uint8)
    r = side * 0.35
    dist = np.hypot(xx - side / 2, yy - side / 2)
    mask = np.clip((r - dist) * 255 + 128, 0, 255).astype(np.uint8)
    return rgb, mask


def _path(canvas: MaskCanvas, side: int, steps: int, step_px: float) -> list[QPointF]:
    """A wavy line over the visible part of the picture, `step_px` screen pixels between mouse
    events (a brisk hand at a 125 Hz mouse)."""
    top_left = canvas.to_widget(0, 0)
    bottom_right = canvas.to_widget(side, side)
    x0, x1 = max(0.0, top_left.x()) + 20, min(canvas.width(), bottom_right.x()) - 20
    y0, y1 = max(0.0, top_left.y()) + 20, min(canvas.height(), bottom_right.y()) - 20
    mid, amplitude = (y0 + y1) / 2, (y1 - y0) * 0.4
    points = []
    x, direction = x0, 1.0
    for i in range(steps):
        y = mid + amplitude * math.sin(i / 20)
        dx = math.sqrt(max(1.0, step_px**2 - (amplitude / 20 * math.cos(i / 20)) ** 2))
        x += direction * dx
        if not x0 <= x <= x1:  # turn back at the edge of the visible picture
            direction = -direction
            x = min(x1, max(x0, x))
        points.append(QPointF(x, y))
    return points


def _move(canvas: MaskCanvas, pos: QPointF, buttons) -> None:
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        canvas.mapToGlobal(pos),
        Qt.MouseButton.NoButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, event)


def _press(canvas: MaskCanvas, pos: QPointF, kind: QEvent.Type) -> None:
    event = QMouseEvent(
        kind,
        pos,
        canvas.mapToGlobal(pos),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton
        if kind == QEvent.Type.MouseButtonPress
        else Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, event)


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered) * 1e3, p95 * 1e3, ordered[-1] * 1e3


def bench(side: int, brush_px: float, zoom: str, steps: int, view: tuple[int, int]) -> dict:
    document = MaskDocument()
    canvas = MaskCanvas(document)
    canvas._ants.stop()  # measure strokes, not the outline animation
    canvas.resize(*view)
    canvas.show()
    QApplication.processEvents()
    rgb, mask = _picture(side)
    document.load(rgb, mask)
    if zoom == "fit":
        canvas.fit()
    else:
        canvas.zoom_to(float(zoom.rstrip("%")) / 100, QPointF(view[0] / 2, view[1] / 2))
    canvas.set_settings(ToolSettings(tool=Tool.BRUSH, brush_size=brush_px, hardness=0.7))
    canvas.repaint()
    QApplication.processEvents()

    path = _path(canvas, side, steps, step_px=8.0)
    update_times, op_times, composite_times = [], [], []
    _press(canvas, path[0], QEvent.Type.MouseButtonPress)
    canvas.repaint()
    for pos in path[1:]:
        t0 = time.perf_counter()
        _move(canvas, pos, Qt.MouseButton.LeftButton)
        canvas.repaint(canvas._cursor_rect())  # flushes every pending dirty rectangle too
        update_times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    _press(canvas, path[-1], QEvent.Type.MouseButtonRelease)
    _ = document.contours  # what the outline needs once the stroke ends
    canvas.repaint()
    end_time = time.perf_counter() - t0
    # A whole-view repaint: what each tick of the marching outline costs while idle.
    full = []
    for _ in range(10):
        t0 = time.perf_counter()
        canvas.repaint()
        full.append(time.perf_counter() - t0)

    # The parts alone, on the same segments.
    scratch = document.mask.copy()
    brush = Brush(size=brush_px, hardness=0.7)
    image_points = [canvas.to_image(p) for p in path]
    for a, b in zip(image_points, image_points[1:], strict=False):
        t0 = time.perf_counter()
        box = paint_segment(scratch, a, b, brush)
        op_times.append(time.perf_counter() - t0)
        if box is not None:
            t0 = time.perf_counter()
            canvas.composite.update(scratch, box)
            composite_times.append(time.perf_counter() - t0)
    canvas.close()
    return {
        "update": _stats(update_times),
        "op": _stats(op_times),
        "composite": _stats(composite_times),
        "end": end_time * 1e3,
        "full": statistics.median(full) * 1e3,
        "zoom": canvas.zoom,
    }


def bench_one_shot(side: int, repeats: int = 5) -> dict[str, float]:
    """Median ms of each click-and-done operation, including its undo step (`apply`)."""
    from studio import masks

    rgb, mask = _picture(side)
    mask = mask.copy()
    mask[side // 2 - 20 : side // 2 + 20, side // 2 - 20 : side // 2 + 20] = 0  # a hole
    c = side / 2
    lasso_points = [
        (c - 0.3 * side, c),
        (c, c - 0.4 * side),
        (c + 0.3 * side, c),
        (c, c + 0.4 * side),
    ]
    operations = {
        "lasso": lambda m: masks.lasso(m, lasso_points),
        "wand": lambda m: masks.magic_wand(m, rgb, (5.0, 5.0), 32, True),
        "wand, hard edge": lambda m: masks.magic_wand(
            m, rgb, (5.0, 5.0), 32, True, antialias=False
        ),
        "find contours": lambda m: masks.find_contours(m) and m,
        "drop shape": lambda m: masks.drop_contour(m, masks.find_contours(m)[0]),
        "fill holes": masks.fill_holes,
        "remove islands": lambda m: masks.remove_islands(m, 500),
        "grow 4": lambda m: masks.grow(m, 4),
        "smooth 4": lambda m: masks.smooth(m, 4),
        "feather 4": lambda m: masks.feather(m, 4),
    }
    results = {}
    for name, operation in operations.items():
        times = []
        for _ in range(repeats):
            history = masks.MaskHistory(mask)
            t0 = time.perf_counter()
            new = operation(history.mask)
            history.apply(new, name)
            times.append(time.perf_counter() - t0)
        results[name] = statistics.median(times) * 1e3
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="mouse events per stroke")
    parser.add_argument("--view", default="1100x800", help="canvas size in screen pixels")
    args = parser.parse_args()
    view = tuple(int(v) for v in args.view.split("x"))
    app = QApplication.instance() or QApplication([])
    print(f"Stroke update timing, canvas {view[0]}x{view[1]}, {args.steps} mouse events a stroke")
    print("(ms; update = event + mask op + composite + repaint of dirty rects; stroke end =")
    print(" release + undo diff + contours + full repaint; full view = one outline tick)")
    header = (
        f"{'image':>6} {'brush':>6} {'view':>5} {'zoom':>6} | {'update med':>10} {'p95':>7} "
        f"{'max':>7} | {'op med':>7} {'composite':>9} | {'stroke end':>10} {'full view':>9}"
    )
    print(header)
    print("-" * len(header))
    for side in (512, 1024):
        for brush_px in (16.0, 64.0, 160.0):
            for zoom in ("fit", "100%", "400%"):
                r = bench(side, brush_px, zoom, args.steps, view)
                med, p95, worst = r["update"]
                print(
                    f"{side:>6} {brush_px:>6.0f} {zoom:>5} {r['zoom']:>6.2f} | {med:>10.2f} "
                    f"{p95:>7.2f} {worst:>7.2f} | {r['op'][0]:>7.2f} {r['composite'][0]:>9.2f} "
                    f"| {r['end']:>10.1f} {r['full']:>9.1f}"
                )
    print()
    print("One-shot operations (ms, median of 5; operation + its undo step)")
    by_size = {side: bench_one_shot(side) for side in (512, 1024)}
    print(f"{'operation':>15} | {'512 px':>7} {'1024 px':>8}")
    for name in by_size[512]:
        print(f"{name:>15} | {by_size[512][name]:>7.1f} {by_size[1024][name]:>8.1f}")
    del app


if __name__ == "__main__":
    main()
