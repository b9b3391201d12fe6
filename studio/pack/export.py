"""Exporting a pack: render, encode, write the Telegram layout, publish it atomically.

Everything is written into a temporary folder beside the output, read back and checked against
the rules, and only then renamed into place; the zip is written to a temporary file and renamed
the same way. A failure or a cancel at any point leaves the disk as it was before.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from studio.errors import StudioError
from studio.pack.encode import encode_webp
from studio.pack.imageload import has_transparency, load_image, to_rgba
from studio.pack.render import render_sticker, render_thumbnail
from studio.pack.rules import TELEGRAM_RULES, sticker_file_name
from studio.pack.spec import MaskedImage, PackSpec, StickerSource
from studio.pack.validate import ensure_valid
from studio.pack.verify import verify_export, verify_zip


class ExportError(StudioError):
    """The pack could not be written where asked."""


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


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    zip_path: Path | None
    stickers: list[StickerReport]
    thumbnail_bytes: int


def load_source(source: StickerSource) -> Image.Image:
    """The RGBA picture a sticker source stands for (see `spec.StickerSource`)."""
    if isinstance(source, Image.Image):
        return to_rgba(source)
    if isinstance(source, MaskedImage):
        picture = load_image(source.image).rgba
        mask = load_image(source.mask).rgba.convert("L")
        if mask.size != picture.size:
            mask = mask.resize(picture.size, Image.Resampling.BILINEAR)
        # The picture's own alpha (if any) and the mask both have to keep a pixel.
        alpha = np.minimum(np.asarray(picture.getchannel("A")), np.asarray(mask))
        picture.putalpha(Image.fromarray(alpha, "L"))
        return picture
    if isinstance(source, str | os.PathLike):
        return load_image(source).rgba
    if callable(source):
        return to_rgba(source())
    raise TypeError(f"not a sticker source: {type(source).__name__}")


def _fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (POSIX only; Windows cannot open folders)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _looks_like_pack(folder: Path) -> bool:
    """Only a folder this export could have made (or an empty one) may be replaced."""
    manifest = TELEGRAM_RULES["set"]["manifest_file"]
    return (folder / manifest).is_file() or not any(folder.iterdir())


def _check_destination(out: Path, zip_path: Path | None, force: bool) -> None:
    for target, what in ((out, "folder"), (zip_path, "zip")):
        if target is None or not (target.exists() or target.is_symlink()):
            continue
        if not force:
            raise ExportError(
                f"{target} already exists; choose another output or use --force to replace it"
            )
        if what == "folder" and not target.is_dir():
            raise ExportError(f"{target} exists and is not a folder; choose another output")
        if what == "folder" and not _looks_like_pack(target):
            raise ExportError(
                f"{target} exists and is not a sticker pack folder; refusing to replace it, "
                "choose another output"
            )
        if what == "zip" and not target.is_file():
            raise ExportError(f"{target} exists and is not a file; choose another output")


def _make_parents(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; return the ones created, deepest first."""
    created = []
    probe = folder
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot create the folder {folder}: {exc.strerror or exc}; choose another output"
        ) from None
    return created


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _new_path(folder: Path, prefix: str, suffix: str = "") -> Path:
    """A fresh, unused name in `folder` (the caller creates it exclusively)."""
    return folder / f"{prefix}{secrets.token_hex(4)}{suffix}"


def _make_staging(out: Path) -> Path:
    # os.mkdir, unlike mkdtemp, honours the umask: the published pack gets ordinary permissions.
    for _ in range(100):
        staging = _new_path(out.parent, f".{out.name}.export-")
        try:
            staging.mkdir()
            return staging
        except FileExistsError:
            continue
    raise ExportError(f"cannot create a temporary folder in {out.parent}")


def _write_file(path: Path, data: bytes) -> None:
    """Write a new file in the staging folder and flush it to disk before it is published."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_zip(folder: Path, zip_path: Path) -> Path:
    """Zip the pack's files (flat, stored: WebP is compressed already) into a temp file."""
    tmp = _new_path(zip_path.parent, f".{zip_path.name}.", ".tmp")
    try:
        with open(tmp, "xb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
                for path in sorted(folder.iterdir()):
                    archive.write(path, arcname=path.name)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _publish(staging: Path, out: Path) -> None:
    """Rename `staging` to `out`, moving an old `out` aside first and deleting it after."""
    old = None
    if out.exists():
        old = _new_path(out.parent, f".{out.name}.old-")
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    _fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    _check_destination(out, zip_path, force)
    created = _make_parents(out.parent)
    try:
        staging = _make_staging(out)
    except OSError as exc:
        _remove_empty(created)
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
            zip_tmp = _write_zip(staging, zip_path)
            problems = verify_zip(zip_tmp, staging)
            if problems:
                raise RuntimeError(f"zip fails its own check: {problems[0]}")
        if should_stop is not None and should_stop():
            raise ExportCancelled()
        _publish(staging, out)
        if zip_tmp is not None and zip_path is not None:
            os.replace(zip_tmp, zip_path)
            _fsync_dir(zip_path.parent)
            zip_tmp = None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if zip_tmp is not None:
            zip_tmp.unlink(missing_ok=True)
        _remove_empty(created)
        raise
    if on_progress is not None and make_zip:
        on_progress(ExportProgress(len(pack.stickers) + 2, len(pack.stickers) + 2, "zip written"))
    return ExportResult(out, zip_path, reports, thumbnail_bytes)


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
            sticker = render_sticker(picture, pack.options)
            if TELEGRAM_RULES["sticker"]["needs_transparency"] and not has_transparency(sticker):
                raise StudioError(
                    "the picture has no transparent background; cut it out first, "
                    "or add padding or an outline"
                )
            encoded = encode_webp(sticker, max_bytes)
        except StudioError as exc:
            raise ExportError(f"{pack.describe(index)}: {exc}") from None
        file_name = sticker_file_name(index)
        _write_file(folder / file_name, encoded.data)
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
    _write_file(folder / thumb_rule["file"], thumbnail.data)
    manifest = {
        "title": pack.title.strip(),
        "name": pack.name,
        "sticker_type": TELEGRAM_RULES["set"]["sticker_type"],
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
    _write_file(folder / TELEGRAM_RULES["set"]["manifest_file"], text.encode("utf-8"))
    if on_progress is not None:
        on_progress(ExportProgress(len(pack.stickers) + 1, total, "thumbnail and manifest"))
    return [reports[i] for i in range(len(pack.stickers))], thumbnail.size
