"""`sticker-studio pack build|check|publish`: a Telegram sticker pack from image files, headless.

Pictures with their own transparency are used as they are; the others are cut out with the
default segmenter first. Everything is checked (files, count, title, name, emoji, output) before
anything is written, and the export itself is atomic.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from studio.errors import StudioError

if TYPE_CHECKING:  # Pillow and the pack package load when a command runs, not for --help
    from PIL import Image

# The named looks of `studio.pack.looks`, spelled out so that --help does not load the package.
LOOK_KEYS = ["plain", "telegram"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pack", help="build, check or publish a Telegram sticker pack", description=__doc__
    )
    actions = parser.add_subparsers(dest="pack_command", metavar="ACTION", required=True)

    build = actions.add_parser(
        "build",
        help="export images as a Telegram sticker pack (512 px WebP + manifest)",
        description="Export images as a Telegram sticker pack folder (and zip).",
    )
    build.add_argument("images", nargs="+", metavar="IMAGE", type=Path, help="picture files")
    build.add_argument("--title", required=True, help="pack title shown in Telegram (1-64 chars)")
    build.add_argument(
        "--name",
        required=True,
        help="set name for t.me/addstickers/NAME: English letters, digits, _; starts with a letter",
    )
    build.add_argument(
        "--emoji",
        action="append",
        required=True,
        metavar="E",
        help="emoji for the stickers: once for all, or once per image in order; "
        "a value may hold several emoji ('😀😎')",
    )
    build.add_argument(
        "--keywords",
        nargs="+",
        action="extend",
        default=[],
        metavar="K",
        help="search keywords for every sticker (up to 20, 64 characters in all)",
    )
    build.add_argument(
        "--look",
        choices=LOOK_KEYS,
        default="plain",
        help="plain (the default: edge to edge) or telegram (Telegram's tip: a white outline, "
        "a soft shadow and padding, as new packs get in the window); --outline, --padding and "
        "--shadow change it",
    )
    build.add_argument(
        "--outline",
        type=int,
        default=None,
        metavar="PX",
        help="white outline width in px (0-32; default: the look's)",
    )
    build.add_argument(
        "--padding",
        type=int,
        default=None,
        metavar="PX",
        help="transparent margin in px (0-64; default: the look's)",
    )
    build.add_argument("--shadow", action="store_true", help="add a soft drop shadow")
    build.add_argument(
        "--kind",
        choices=["stickers", "emoji"],
        default="stickers",
        help="stickers (512 px, up to 120) or custom emoji (100x100, up to 200); default stickers",
    )
    build.add_argument(
        "--adaptive",
        action="store_true",
        help="emoji only: Telegram repaints one-colour emoji in the text colour (needs_repainting)",
    )
    build.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default: ./NAME); the zip goes beside it as DIR.zip",
    )
    build.add_argument("--zip", action="store_true", help="also write DIR.zip")
    build.add_argument("--force", action="store_true", help="replace an existing output")
    build.set_defaults(run=run_build)

    check = actions.add_parser(
        "check",
        help="check an exported pack folder against Telegram's rules",
        description="Read every file of an exported pack back and check it against the rules.",
    )
    check.add_argument("folder", type=Path, metavar="DIR")
    check.set_defaults(run=run_check)

    from studio.commands.publish import add_parser as add_publish  # light: argparse only

    add_publish(actions)


class _Cutter:
    """Cuts out pictures without transparency; the segmenter loads once, on first need."""

    def __init__(self) -> None:
        self._segmenter = None
        self._lock = threading.Lock()  # the export renders on several threads
        # Why a cut-out needs a look (`CutoutResult.review`), by picture path.
        self.reviews: dict[Path, str] = {}

    def __call__(self, picture: Image.Image, path: Path) -> Image.Image:
        with self._lock:
            if self._segmenter is None:
                try:
                    from studio.segment import Segmenter  # torch only when a cut-out is needed
                except ImportError as exc:
                    raise StudioError(
                        "this picture has no transparency and the cut-out engine is not "
                        f"available ({exc}); give pictures with a transparent background"
                    ) from None
                self._segmenter = Segmenter.default()
            result = self._segmenter.cutout(picture.convert("RGB"))
            if getattr(result, "review", None):
                self.reviews[path] = result.review
            return result.rgba


def _source(path: Path, cutter: _Cutter) -> Callable[[], Image.Image]:
    def load() -> Image.Image:
        from studio.imageio import load_image
        from studio.pack import has_transparency, to_rgba

        picture = load_image(path).image
        if picture.mode == "RGBA" and has_transparency(picture):
            return picture
        return to_rgba(cutter(picture, path))

    return load


def _check_images(paths: list[Path]) -> None:
    """Fail before writing anything if a file is missing or not an image (header only)."""
    from PIL import Image

    from studio.imageio import ImageLoadError, ensure_regular_file, load_image

    for path in paths:
        if not path.exists():
            raise ImageLoadError(f"{path} does not exist; check the file name")
        if path.is_dir():
            raise ImageLoadError(f"{path} is a folder; give image files (PNG, WebP, JPEG, ...)")
        ensure_regular_file(path)
        try:
            with Image.open(path):
                pass
        except Exception:
            load_image(path)  # raises the precise, user-facing reason


def _render_options(args: argparse.Namespace):  # noqa: ANN202 - a RenderOptions
    """The named look, with the outline, padding and shadow given on the command line."""
    from studio.pack import RenderOptions
    from studio.pack.looks import look_named

    base = look_named(args.look).options
    return RenderOptions(
        outline_px=base.outline_px if args.outline is None else args.outline,
        shadow=base.shadow or args.shadow,
        padding_px=base.padding_px if args.padding is None else args.padding,
    )


def _emoji_per_sticker(values: list[str], count: int) -> list[list[str]]:
    from studio.pack import split_emoji

    lists = [split_emoji(value) for value in values]
    if len(lists) == 1:
        return lists * count
    if len(lists) != count:
        raise StudioError(
            f"got {len(lists)} --emoji for {count} images; give one --emoji for all of them "
            "or exactly one per image, in order"
        )
    return lists


def run_build(args: argparse.Namespace) -> int:
    from studio.pack import (
        ExportProgress,
        PackKind,
        PackSpec,
        StickerSpec,
        ensure_valid,
        export_pack,
        kind_rules,
    )

    kind = PackKind(args.kind)
    limit = kind_rules(kind)["max_stickers"]
    if len(args.images) > limit:
        what = "emoji" if kind is PackKind.EMOJI else "stickers"
        raise StudioError(
            f"got {len(args.images)} images; a Telegram {kind.value} set holds {limit} {what} "
            "at most, so split them into several packs"
        )
    if args.adaptive and kind is not PackKind.EMOJI:
        raise StudioError("--adaptive is only for emoji packs; add --kind emoji or drop it")
    emoji_lists = _emoji_per_sticker(args.emoji, len(args.images))
    keywords = [k.strip() for value in args.keywords for k in value.split(",") if k.strip()]
    cutter = _Cutter()
    pack = PackSpec(
        title=args.title,
        name=args.name,
        stickers=[
            StickerSpec(_source(path, cutter), emoji, keywords, label=path.name)
            for path, emoji in zip(args.images, emoji_lists, strict=True)
        ],
        options=_render_options(args),
        kind=kind,
        needs_repainting=args.adaptive,
    )
    ensure_valid(pack)
    _check_images(args.images)
    out = args.out if args.out is not None else Path.cwd() / args.name

    def progress(step: ExportProgress) -> None:
        print(f"[{step.done}/{step.total}] {step.message}", flush=True)

    result = export_pack(pack, out, make_zip=args.zip, force=args.force, on_progress=progress)
    print(f"{'file':<10} {'source':<28} {'size':>9} {'bytes':>9}  encoding")
    for report, path in zip(result.stickers, args.images, strict=True):
        encoding = "lossless" if report.lossless else f"lossy q={report.quality:.1f}"
        print(
            f"{report.file:<10} {path.name[:28]:<28} {report.width:>4}x{report.height:<4} "
            f"{report.size_bytes:>9,}  {encoding}"
        )
    print(f"thumbnail.webp 100x100, {result.thumbnail_bytes:,} bytes")
    for warning in result.warnings:
        print(f"warning: {pack.describe(warning.sticker)}: {warning.message}")
    for path in args.images:
        if path in cutter.reviews:
            print(f"please review the cut-out of {path.name}: {cutter.reviews[path]}")
    print(f"pack written to {result.folder}")
    if result.zip_path is not None:
        print(f"zip written to {result.zip_path}")
    if result.removed_zip is not None:
        print(f"removed {result.removed_zip}: it held the replaced pack (add --zip for a new one)")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from studio.pack import check_export

    if not args.folder.is_dir():
        raise StudioError(f"{args.folder} is not a folder; give an exported pack folder")
    found = check_export(args.folder)
    problems = [problem for problem in found if not problem.warning]
    for problem in found:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {args.folder}")
        return 1
    warned = len(found) - len(problems)
    also = f" ({warned} warning(s))" if warned else ""
    print(f"{args.folder}: the pack follows Telegram's rules{also}")
    return 0
