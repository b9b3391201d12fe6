"""Cut-out speed per 512 px picture on this machine's CPU, as a table.

    .venv/bin/python benchmarks/bench_segment.py [--threads 2] [--repeats 20] [--official]
        [--compare OTHER.safetensors]

Rows: our shipped model end to end (network + upsampling + edge colours), its network alone,
batched, the paper-gap rule alone (`paper_gaps`, on pictures on Emojich's grainy paper, where
it measures every candidate region; on clean paper it stops at once), the paint-hole, flat-
paint and whiter-paint rules alone (`paint_holes`, `flat_paint`, `whiter_paint`, on the same
pictures), the enclosed-white rule alone with and without its place rules (`enclosed_white`,
same pictures, in turn), the soft-shadow rule alone (`shadows.soft_shadows`, on pictures with
a cast shadow each), our contour fallback, the reference fallback, and (--official) the official
Emojich U-Net architecture with random weights (its speed does not depend on the weights), end
to end and its forward pass alone timed in turn with ours end to end (the speed goal: ours at most
half of it) and once more laid out channels-last as ours runs, and (--compare) another model
file of ours, end to end and network alone, in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from PIL import Image


def _time(fn: Callable[[], object], repeats: int, warmup: int = 2) -> list[float]:
    return _time_interleaved([fn], repeats, warmup)[0]


def _time_interleaved(
    fns: list[Callable[[], object]], repeats: int, warmup: int = 2
) -> list[list[float]]:
    """Times of each of `fns`, called in turn (a, b, a, b, ...), so that a slow start of the
    process or a busy spell of the machine falls on all of them alike. Timed one after the
    other, the same file measured 8-14 ms faster the second time in one run."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, own in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            own.append(time.perf_counter() - start)
    return times


def _pictures(count: int) -> list[Image.Image]:
    from studio.segment.training import synth

    glyphs = synth.noto_glyphs("held_out")
    return [
        Image.fromarray(synth.make_sample(synth.sample_rng(7, i), glyphs, 512, False).image)
        for i in range(count)
    ]


def _emojich_pictures(count: int, **look: float) -> list[np.ndarray]:
    """Pictures on Emojich's own grainy paper (where the paper-gap rule does all its work), with
    `look`'s other `synth.make_sample` options."""
    from studio.segment.training import synth

    glyphs = synth.noto_glyphs("held_out")
    return [
        synth.make_sample(
            synth.sample_rng(8, i), glyphs, 512, False, emojich_paper=1.0, **look
        ).image
        for i in range(count)
    ]


def _rule_on(rule, pictures: list[np.ndarray], masks: list[np.ndarray], index: int):
    return rule(pictures[index], masks[index])


def _opacity(segmenter, rgb: np.ndarray) -> np.ndarray:
    """The network's opacity over picture `rgb`, at the picture's size."""
    import cv2

    probabilities, _ = segmenter.network_outputs([rgb])
    return cv2.resize(probabilities[0], rgb.shape[1::-1], interpolation=cv2.INTER_LINEAR)


def _pick(pictures: list[np.ndarray], opacities: list[np.ndarray], index: int):
    return pictures[index], opacities[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--official", action="store_true", help="also time the Emojich U-Net")
    parser.add_argument("--compare", help="also time this model file of ours (safetensors)")
    args = parser.parse_args(argv)

    import torch

    from studio.segment import Segmenter, contour

    torch.set_num_threads(args.threads)
    pictures = _pictures(8)
    arrays = [np.asarray(p) for p in pictures]
    ours = Segmenter.default("cpu")
    rows: list[tuple[str, int, list[float]]] = []

    cycle = iter(range(10**9))

    def one(fn):
        return lambda: fn(pictures[next(cycle) % len(pictures)])

    models = [("ours", ours)]
    if args.compare:
        models.append(("--compare file", Segmenter.from_shipped_weights(args.compare, "cpu")))
    end_to_end = _time_interleaved([one(seg.cutout) for _, seg in models], args.repeats)
    network = _time_interleaved(
        [(lambda seg=seg: seg._predict([arrays[next(cycle) % 8]])) for _, seg in models],
        args.repeats,
    )
    rows.append(("ours, end to end", 1, end_to_end[0]))
    rows.append(("ours, network only", 1, network[0]))
    batch = [pictures[i % 8] for i in range(4)]
    rows.append(
        (
            "ours, batch of 4",
            4,
            _time(lambda: ours.cutout_many(batch, batch_size=4), max(3, args.repeats // 4)),
        )
    )
    emojich = _emojich_pictures(8)
    masks = [ours.without_paper_gaps().cutout(Image.fromarray(rgb)).mask for rgb in emojich]
    from studio.segment.flat_paint import flat_paint
    from studio.segment.paint_holes import paint_holes
    from studio.segment.paper_gaps import paper_gaps
    from studio.segment.whiter_paint import whiter_paint

    for name, rule in (
        ("paper-gap rule alone (Emojich paper)", paper_gaps),
        ("paint-hole rule alone (same)", paint_holes),
        ("flat-paint rule alone (same)", flat_paint),
        ("whiter-paint rule alone (same)", whiter_paint),
    ):
        rows.append(
            (
                name,
                1,
                _time(
                    lambda rule=rule: _rule_on(rule, emojich, masks, next(cycle) % 8),
                    args.repeats,
                ),
            )
        )
    # The enclosed-white rule on the same pictures, with and without keeping whole the regions
    # the network drops that wall in part of the figure or are most of it in a thin frame.
    from studio.segment.enclosed_white import enclosed_white

    opacities = [_opacity(ours, rgb) for rgb in emojich]
    by_place = _time_interleaved(
        [
            lambda place=place: enclosed_white(
                *_pick(emojich, opacities, next(cycle) % 8), ours.tolerance, by_place=place
            )
            for place in (True, False)
        ],
        args.repeats,
    )
    rows.append(("enclosed-white rule alone (same)", 1, by_place[0]))
    rows.append(("  the same, without place rules", 1, by_place[1]))
    from studio.segment.shadows import soft_shadows

    shaded = _emojich_pictures(8, shadow=1.0)
    opaque = [ours.with_opaque_shadows().cutout(Image.fromarray(rgb)).mask for rgb in shaded]
    rows.append(
        (
            "soft-shadow rule alone (shadows)",
            1,
            _time(lambda: _rule_on(soft_shadows, shaded, opaque, next(cycle) % 8), args.repeats),
        )
    )
    rows.append(
        (
            "our contour fallback",
            1,
            _time(lambda: contour.contour_mask(arrays[next(cycle) % 8]), args.repeats),
        )
    )
    rows.append(
        (
            "reference fallback",
            1,
            _time(lambda: contour.reference_contour_mask(arrays[next(cycle) % 8]), args.repeats),
        )
    )
    if args.compare:
        rows.append(("--compare file, end to end", 1, end_to_end[1]))
        rows.append(("--compare file, network only", 1, network[1]))
    if args.official:
        import segmentation_models_pytorch as smp

        from studio.segment.segmenter import Segmenter as _S
        from studio.segment.segmenter import _Network

        model = smp.Unet("efficientnet-b5", encoder_weights=None, in_channels=3, classes=2).eval()
        official = _S(_Network(model, "emojich", (512,), 0.0, 24), torch.device("cpu"))
        rows.append(
            ("official U-Net (B5), end to end", 1, _time(one(official.cutout), 3, warmup=1))
        )
        # The speed goal is read against the official network's own forward pass, timed in turn
        # with our end-to-end cut-out so that the machine's load falls on both alike.
        tensor = torch.rand(1, 3, 512, 512)

        def forward():
            with torch.inference_mode():
                model(tensor)

        side_by_side = _time_interleaved([one(ours.cutout), forward], max(3, args.repeats // 3))
        rows.append(("ours, end to end (side by side)", 1, side_by_side[0]))
        rows.append(("official U-Net (B5), forward only", 1, side_by_side[1]))
        ratio = statistics.median(side_by_side[0]) / statistics.median(side_by_side[1])
        # Ours runs channels-last; for a fair reading, the official network laid out the same
        # way (the goal stays read against it as the official pipeline runs it, above).
        model = model.to(memory_format=torch.channels_last)
        tensor = tensor.contiguous(memory_format=torch.channels_last)
        rows.append(("official U-Net, forward, NHWC", 1, _time(forward, 3, warmup=1)))

    sys.stdout.write(
        f"CPU threads: {torch.get_num_threads()}, picture 512x512, repeats {args.repeats}\n"
    )
    header = f"{'what':<34} {'median ms/picture':>18} {'p90 ms/picture':>15}"
    sys.stdout.write(header + "\n" + "-" * len(header) + "\n")
    for name, per_call, times in rows:
        per_picture = [t * 1000 / per_call for t in times]
        p90 = float(np.percentile(per_picture, 90))
        sys.stdout.write(f"{name:<34} {statistics.median(per_picture):>18.1f} {p90:>15.1f}\n")
    if args.official:
        sys.stdout.write(
            f"ours end to end / official forward pass: {ratio:.2f}x (goal: at most 0.5x)\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
