"""Benchmark: export a full 120-sticker pack (the Telegram maximum) and print a table.

    .venv/bin/python benchmarks/bench_pack.py [--stickers 120] [--workers N]

Source pictures are written to a temporary folder first (not timed): cartoon-like figures at the
sizes the studio produces (256 px generator output, 512 and 1024 px cut-outs) plus some
incompressible noise, the worst case for the size search. The export is then timed end to end,
from reading the PNG files to the published folder and zip, once plain and once with outline
and shadow. The target is under 60 s for 120 stickers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from studio.pack import (
    PackSpec,
    RenderOptions,
    StickerSpec,
    export_pack,
    load_rgba,
    render_sticker,
    verify_export,
)


def cartoon(side: int, rng: np.random.Generator) -> Image.Image:
    """A figure like a generated emoji: a shaded body, eyes, a mouth, black strokes."""
    colour = tuple(int(c) for c in rng.integers(40, 255, 3))
    pixels = np.zeros((side, side, 4), np.uint8)
    body = np.zeros((side, side), np.uint8)
    centre = (side // 2 + int(rng.integers(-side // 10, side // 10)), side // 2)
    axes = (int(side * rng.uniform(0.25, 0.45)), int(side * rng.uniform(0.25, 0.45)))
    cv2.ellipse(body, centre, axes, float(rng.uniform(0, 180)), 0, 360, 255, -1, cv2.LINE_AA)
    yy, _xx = np.mgrid[:side, :side]
    shade = (1.0 - 0.35 * yy / side)[..., None]
    pixels[..., :3] = np.clip(np.array(colour) * shade, 0, 255).astype(np.uint8)
    for dx in (-1, 1):
        eye = (centre[0] + dx * axes[0] // 3, centre[1] - axes[1] // 4)
        cv2.circle(pixels, eye, max(2, side // 20), (255, 255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(pixels, eye, max(1, side // 40), (0, 0, 0, 255), -1, cv2.LINE_AA)
    cv2.ellipse(
        pixels,
        (centre[0], centre[1] + axes[1] // 3),
        (axes[0] // 3, axes[1] // 6),
        0,
        0,
        180,
        (20, 20, 20, 255),
        max(1, side // 80),
        cv2.LINE_AA,
    )
    cv2.ellipse(pixels, centre, axes, 0, 0, 360, (0, 0, 0, 255), max(1, side // 100), cv2.LINE_AA)
    noise = rng.normal(0, 4, (side, side, 3))  # generator texture, not flat vector art
    pixels[..., :3] = np.clip(pixels[..., :3] + noise, 0, 255).astype(np.uint8)
    pixels[..., 3] = body
    return Image.fromarray(pixels, "RGBA")


def noise(side: int, rng: np.random.Generator) -> Image.Image:
    return Image.fromarray(rng.integers(0, 256, (side, side, 4), dtype=np.uint8), "RGBA")


def write_sources(folder: Path, count: int) -> list[Path]:
    rng = np.random.default_rng(2026)
    sides = [256, 512, 1024]
    paths = []
    for index in range(count):
        picture = noise(512, rng) if index % 10 == 9 else cartoon(sides[index % 3], rng)
        path = folder / f"src_{index:03d}.png"
        picture.save(path, compress_level=1)
        paths.append(path)
    return paths


def run(paths: list[Path], out: Path, options: RenderOptions, workers: int | None):
    pack = PackSpec(
        "Benchmark pack",
        "benchmark_pack",
        [StickerSpec(p, ["😀"], ["bench"]) for p in paths],
        options,
    )
    start = time.perf_counter()
    result = export_pack(pack, out, make_zip=True, force=True, workers=workers)
    seconds = time.perf_counter() - start
    problems = verify_export(out)
    if problems:
        raise SystemExit(f"export invalid: {problems[0]}")
    return seconds, result


def time_render(paths: list[Path], options: RenderOptions, size: int) -> float:
    """Median ms of one `render_sticker` call (the mask editor's live preview), pictures loaded."""
    pictures = [load_rgba(p) for p in paths[:9]]
    times = []
    for picture in pictures * 3:
        start = time.perf_counter()
        render_sticker(picture, options, size=size)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stickers", type=int, default=120)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        paths = write_sources(scratch, args.stickers)
        rows = []
        for label, options in [
            ("plain", RenderOptions()),
            ("outline 8 + shadow", RenderOptions(outline_px=8, shadow=True, padding_px=4)),
        ]:
            seconds, result = run(paths, scratch / "out", options, args.workers)
            sizes = [r.size_bytes for r in result.stickers]
            lossy = [r for r in result.stickers if not r.lossless]
            rows.append((label, seconds, sizes, lossy, result.thumbnail_bytes))
        preview = [
            (label, size, time_render(paths, options, size))
            for label, options in [
                ("plain", RenderOptions()),
                ("outline 8 + shadow", RenderOptions(outline_px=8, shadow=True, padding_px=4)),
            ]
            for size in (512, 256)
        ]
    print(
        f"pack export benchmark: {args.stickers} stickers (every 10th is noise), "
        f"{os.cpu_count()} CPU cores, workers={args.workers or 'default'}"
    )
    header = (
        f"{'options':<20} {'total s':>8} {'ms/sticker':>11} {'lossless':>9} {'lossy':>6} "
        f"{'median B':>10} {'max B':>9} {'lossy max B':>12} {'thumb B':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, seconds, sizes, lossy, thumb in rows:
        lossy_max = max((r.size_bytes for r in lossy), default=0)
        print(
            f"{label:<20} {seconds:>8.2f} {1000 * seconds / len(sizes):>11.1f} "
            f"{len(sizes) - len(lossy):>9} {len(lossy):>6} {int(statistics.median(sizes)):>10,} "
            f"{max(sizes):>9,} {lossy_max:>12,} {thumb:>8,}"
        )
    print()
    print("render_sticker alone (editor preview), 256/512/1024 px cartoon sources:")
    print(f"{'options':<20} {'size':>5} {'median ms':>10}")
    for label, size, ms in preview:
        print(f"{label:<20} {size:>5} {ms:>10.1f}")
    worst = max(seconds for _label, seconds, *_ in rows)
    print(f"slowest configuration: {worst:.1f} s (target: under 60 s)")


if __name__ == "__main__":
    main()
