"""`sticker-studio cutout IMAGE... --out DIR`: cut pictures out of their background as RGBA PNGs.

Each picture gets a line saying where its sticker went, which method cut it (the U-Net, or the
contour fallback when the U-Net was unsure) and the U-Net's confidence. A picture that cannot be
read is reported and skipped; the command then exits non-zero after doing the others.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.errors import StudioError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cutout",
        help="cut pictures out of their background (RGBA PNG)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="pictures to cut")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    model = parser.add_mutually_exclusive_group()
    model.add_argument(
        "--emojich",
        type=Path,
        metavar="FILE",
        help="use the official Emojich U-Net (unet_effnetb5/pytorch_model_v2.bin) instead of ours",
    )
    model.add_argument("--weights", type=Path, metavar="FILE", help="another model file of ours")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda if present)")
    parser.add_argument("--batch-size", type=int, default=4, metavar="N")
    parser.set_defaults(run=run)


def _output_path(out: Path, source: Path, taken: set[Path]) -> Path:
    """`out/<stem>.png`, with a number added when two inputs share a stem."""
    candidate = out / f"{source.stem}.png"
    number = 2
    while candidate in taken:
        candidate = out / f"{source.stem}-{number}.png"
        number += 1
    taken.add(candidate)
    return candidate


def run(args: argparse.Namespace) -> int:
    from studio.fileio import atomic_save_image
    from studio.imageio import load_image
    from studio.segment import Segmenter

    if args.batch_size < 1:
        raise StudioError("--batch-size must be at least 1")
    if args.out.exists() and not args.out.is_dir():
        raise StudioError(f"{args.out} is a file; --out needs a folder")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StudioError(f"cannot create the folder {args.out}: {exc.strerror}") from None

    # Read everything first, so a bad file is reported before the model is even loaded.
    loaded = []
    failures = 0
    for path in args.images:
        try:
            picture = load_image(path)
        except StudioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failures += 1
            continue
        loaded.append((path, picture))
    if not loaded:
        raise StudioError("no picture could be read; nothing was written")

    if args.emojich:
        segmenter = Segmenter.from_emojich_unet(args.emojich, args.device)
    elif args.weights:
        segmenter = Segmenter.from_shipped_weights(args.weights, args.device)
    else:
        segmenter = Segmenter.default(args.device)

    taken: set[Path] = set()
    for start in range(0, len(loaded), args.batch_size):
        chunk = loaded[start : start + args.batch_size]
        results = segmenter.cutout_many([p.image for _, p in chunk], batch_size=args.batch_size)
        for (path, picture), result in zip(chunk, results, strict=True):
            target = _output_path(args.out, path, taken)
            try:
                atomic_save_image(target, result.rgba, format="PNG")
            except OSError as exc:
                print(f"error: cannot write {target}: {exc.strerror}", file=sys.stderr)
                failures += 1
                continue
            notes = "".join(f"; {note}" for note in picture.notes)
            if result.review:
                notes += f"; please review: {result.review}"
            print(
                f"{path} -> {target}  method={result.method} "
                f"confidence={result.confidence:.4f}{notes}"
            )
    if failures:
        raise StudioError(f"{failures} of {len(args.images)} pictures were not cut out (see above)")
    return 0
