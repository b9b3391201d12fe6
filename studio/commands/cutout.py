"""`sticker-studio cutout IMAGE... --out DIR`: cut pictures out of their background as RGBA PNGs.

Each picture gets a line saying where its sticker went, which method cut it (the U-Net, or the
contour fallback when the U-Net was unsure) and the U-Net's confidence. A picture that cannot be
read or cut (too small, damaged, a pipe) is reported and skipped; the command does the others,
then exits 2 with one line on stderr. A full or read-only output disk stops it at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studio import faults
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
    skipped: list[str] = []

    def skip(path: Path, reason: str) -> None:
        print(f"{path}: skipped: {reason}", flush=True)
        skipped.append(path.name)

    for path in args.images:
        try:
            loaded.append((path, load_image(path)))
        except StudioError as exc:
            skip(path, str(exc))
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
        for (path, picture), result in _cut_chunk(segmenter, chunk, args.batch_size, skip):
            target = _output_path(args.out, path, taken)
            try:
                atomic_save_image(target, result.rgba, format="PNG")
            except OSError as exc:
                problem = faults.describe(exc, f"cannot write {target}")
                if problem is not None:  # a full or read-only disk: the others would fail too
                    raise StudioError(problem) from None
                skip(path, f"cannot write {target}: {exc}")
                continue
            notes = "".join(f"; {note}" for note in picture.notes)
            if result.review:
                notes += f"; please review: {result.review}"
            print(
                f"{path} -> {target}  method={result.method} "
                f"confidence={result.confidence:.4f}{notes}",
                flush=True,
            )
    if skipped:
        raise StudioError(
            f"{len(skipped)} of {len(args.images)} pictures were not cut out: "
            + ", ".join(skipped[:5])
            + (" ..." if len(skipped) > 5 else "")
        )
    return 0


def _cut_chunk(segmenter, chunk, batch_size, skip):  # noqa: ANN001, ANN202
    """(path, picture) and its cut-out for each picture of `chunk` that can be cut; when the
    batch fails, each picture is tried alone so one bad picture costs only itself."""
    try:
        results = segmenter.cutout_many([p.image for _, p in chunk], batch_size=batch_size)
        return list(zip(chunk, results, strict=True))
    except StudioError:
        pass
    done = []
    for item in chunk:
        path, picture = item
        try:
            done.append((item, segmenter.cutout_many([picture.image], batch_size=1)[0]))
        except StudioError as exc:
            skip(path, str(exc))
    return done
