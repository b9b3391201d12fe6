"""Exporting a pack: render, encode, write the Telegram layout, publish it atomically.

Everything is written into a temporary folder beside the output, read back and checked against
the rules, and only then renamed into place; the zip is written to a temporary file and renamed
the same way. A failure or a cancel at any point leaves the disk as it was before.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from studio.errors import StudioError
from studio.fileio import fsync_dir
from studio.pack.encode import encode_webp
from studio.pack.imageload import has_transparency, load_source
from studio.pack.publish import (
    ExportError,
    check_destination,
    clean_stale_exports,
    make_parents,
    make_staging,
    publish_folder,
    remove_empty,
    remove_stale_zip,
    write_new_file,
    write_zip_beside,
)
from studio.pack.render import render_for_kind, render_thumbnail
from studio.pack.rules import TELEGRAM_RULES, kind_rules, sticker_file_name
from studio.pack.spec import PackSpec
from studio.pack.validate import Problem, ensure_valid
from studio.pack.verify import verify_export, verify_zip


class ExportCancelled(StudioError):
    """The export was stopped before it finished; nothing was written."""

    def __init__(self) -> None:
        super().__init__("the export was cancelled; nothing was written")


@dataclass(frozen=True)
class ExportProgress:
    """Reported after each step: `done` of `total` steps, and what just finished."""

    done: int
    total: int
    message: str


@dataclass(frozen=True)
class StickerReport:
    """One written sticker file."""

    index: int
    file: str
    size_bytes: int
    lossless: bool
    quality: float
    width: int
    height: int
    opaque: bool = False  # no transparent pixel: Telegram accepts it, but it shows as a square


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    zip_path: Path | None
    stickers: list[StickerReport]
    thumbnail_bytes: int
    removed_zip: Path | None = None  # an earlier export's zip that no longer matched
    warnings: list[Problem] = field(default_factory=list)  # accepted, but worth a look


def export_pack(
    pack: PackSpec,
    out: str | os.PathLike,
    *,
    make_zip: bool = False,
    force: bool = False,
    on_progress: Callable[[ExportProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> ExportResult:
    """Write `pack` to the folder `out` (and `out`.zip with `make_zip`) in Telegram's layout.

    The pack is validated first (`PackInvalid` lists the problems). An existing output is
    replaced only with `force`, and only if it is a pack folder. `on_progress` gets an
    `ExportProgress` after each sticker; `should_stop` is polled between stickers, and a True
    raises `ExportCancelled`. Stickers are rendered and encoded on `workers` threads (OpenCV and
    libwebp release the GIL). On any failure nothing is left behind.
    """
    ensure_valid(pack)
    out = Path(out).expanduser().absolute()
    zip_path = out.with_name(out.name + ".zip") if make_zip else None
    clean_stale_exports(out)
    check_destination(out, zip_path, force)
    created = make_parents(out.parent)
    try:
        staging = make_staging(out)
    except OSError as exc:
        remove_empty(created)
        raise ExportError(
            f"cannot write into {out.parent}: {exc.strerror or exc}; choose another output"
        ) from None

    zip_tmp: Path | None = None
    try:
        reports, thumbnail_bytes = _write_pack(
            pack, staging, make_zip, on_progress, should_stop, workers
        )
        problems = verify_export(staging)
        if problems:  # a bug, not a user mistake: the export must be valid by construction
            raise RuntimeError(f"exported pack fails its own check: {problems[0]}")
        if zip_path is not None:
            zip_tmp = write_zip_beside(staging, zip_path)
            problems = verify_zip(zip_tmp, staging)
            if problems:
                raise RuntimeError(f"zip fails its own check: {problems[0]}")
        if should_stop is not None and should_stop():
            raise ExportCancelled()
        publish_folder(staging, out)
        if zip_tmp is not None and zip_path is not None:
            os.replace(zip_tmp, zip_path)
            fsync_dir(zip_path.parent)
            zip_tmp = None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if zip_tmp is not None:
            zip_tmp.unlink(missing_ok=True)
        remove_empty(created)
        raise
    # Replacing the folder without a zip would leave an earlier export's zip that no longer
    # matches it; a user uploading it would send the old pack.
    removed_zip = remove_stale_zip(out) if force and zip_path is None else None
    if on_progress is not None and make_zip:
        on_progress(ExportProgress(len(pack.stickers) + 2, len(pack.stickers) + 2, "zip written"))
    warnings = [
        Problem(
            "file",
            "the picture has no transparent background, so it shows as a square; cut it out "
            "or add padding or an outline if that is not meant",
            report.index,
            warning=True,
        )
        for report in reports
        if report.opaque and TELEGRAM_RULES["sticker"]["warn_when_opaque"]
    ]
    return ExportResult(out, zip_path, reports, thumbnail_bytes, removed_zip, warnings)


def _write_pack(
    pack: PackSpec,
    folder: Path,
    make_zip: bool,
    on_progress: Callable[[ExportProgress], None] | None,
    should_stop: Callable[[], bool] | None,
    workers: int | None,
) -> tuple[list[StickerReport], int]:
    total = len(pack.stickers) + 1 + (1 if make_zip else 0)
    max_bytes = TELEGRAM_RULES["sticker"]["max_bytes"]
    first_sticker: list[Image.Image] = []

    def make(index: int) -> StickerReport:
        try:
            picture = load_source(pack.stickers[index].source)
            sticker = render_for_kind(picture, pack.options, pack.kind)
            opaque = not has_transparency(sticker)
            if TELEGRAM_RULES["sticker"]["needs_transparency"] and opaque:
                raise StudioError(
                    "the picture has no transparent background; cut it out first, "
                    "or add padding or an outline"
                )
            encoded = encode_webp(sticker, max_bytes)
        except StudioError as exc:
            raise ExportError(f"{pack.describe(index)}: {exc}") from None
        file_name = sticker_file_name(index)
        write_new_file(folder / file_name, encoded.data)
        if index == 0:
            first_sticker.append(sticker)
        return StickerReport(
            index,
            file_name,
            encoded.size,
            encoded.lossless,
            encoded.quality,
            sticker.width,
            sticker.height,
            opaque,
        )

    reports: dict[int, StickerReport] = {}
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pack-export") as pool:
        pending: set[Future] = {pool.submit(make, i) for i in range(len(pack.stickers))}
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    report = future.result()
                    reports[report.index] = report
                    if on_progress is not None:
                        on_progress(ExportProgress(len(reports), total, report.file))
                if should_stop is not None and should_stop():
                    raise ExportCancelled()
        except BaseException:
            for future in pending:
                future.cancel()
            raise

    thumb_rule = TELEGRAM_RULES["thumbnail"]
    thumbnail = encode_webp(render_thumbnail(first_sticker[0]), thumb_rule["max_bytes"])
    write_new_file(folder / thumb_rule["file"], thumbnail.data)
    manifest = {
        "title": pack.title.strip(),
        "name": pack.name,
        "sticker_type": kind_rules(pack.kind)["sticker_type"],
        "needs_repainting": bool(pack.needs_repainting),
        "thumbnail": thumb_rule["file"],
        "stickers": [
            {
                "file": reports[i].file,
                "format": TELEGRAM_RULES["sticker"]["sticker_format"],
                "emoji_list": list(sticker.emoji_list),
                "keywords": [k.strip() for k in sticker.keywords],
            }
            for i, sticker in enumerate(pack.stickers)
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_new_file(folder / TELEGRAM_RULES["set"]["manifest_file"], text.encode("utf-8"))
    if on_progress is not None:
        on_progress(ExportProgress(len(pack.stickers) + 1, total, "thumbnail and manifest"))
    return [reports[i] for i in range(len(pack.stickers))], thumbnail.size
