"""Writing an export atomically: a staging folder beside the output, renamed into place.

A reader (or a crash) sees the old pack or the new one, never half of either; an existing output
is replaced only when asked, and only if it is a pack folder, never some other folder of the user.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import time
import zipfile
from pathlib import Path

from studio.errors import StudioError
from studio.fileio import fsync_dir
from studio.pack.rules import TELEGRAM_RULES


class ExportError(StudioError):
    """The pack could not be written where asked."""


def _looks_like_pack(folder: Path) -> bool:
    """Only a folder this export could have made (or an empty one) may be replaced.

    Every entry must be one of the pack's own files: a manifest.json alone is not enough, since
    many other kinds of project folder have one.
    """
    for entry in folder.iterdir():
        if not entry.is_file() or entry.is_symlink():
            return False
        if not _is_pack_file_name(entry.name):
            return False
    return True


def _is_pack_file_name(name: str) -> bool:
    own = {TELEGRAM_RULES["set"]["manifest_file"], TELEGRAM_RULES["thumbnail"]["file"]}
    return name in own or re.fullmatch(r"\d{3}\.webp", name) is not None


def remove_stale_zip(out: Path) -> Path | None:
    """After `out` was replaced without a zip, remove an `out`.zip left by an earlier export:
    it no longer matches the folder, and uploading it would send the old pack. Only a zip this
    export could have made (pack files only) is removed; returns its path, or None."""
    zip_path = out.with_name(out.name + ".zip")
    if zip_path.is_symlink() or not zip_path.is_file():
        return None
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return None
    if not names or not all(_is_pack_file_name(name) for name in names):
        return None
    try:
        zip_path.unlink()
    except OSError:  # read-only folder: the pack itself is written; the old zip stays
        return None
    fsync_dir(zip_path.parent)
    return zip_path


def check_destination(out: Path, zip_path: Path | None, force: bool) -> None:
    """Refuse an output folder or zip that exists, unless `force` and it is safe to replace."""
    for target, what in ((out, "folder"), (zip_path, "zip")):
        if target is None or not (target.exists() or target.is_symlink()):
            continue
        if not force:
            raise ExportError(
                f"{target} already exists; choose another output, or allow replacing it (--force)"
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


def make_parents(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; return the ones created, deepest first."""
    created = []
    probe = folder
    while not probe.exists():
        created.append(probe)
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        remove_empty(created)
        raise ExportError(
            f"cannot create the folder {folder}: {exc.strerror or exc}; choose another output"
        ) from None
    return created


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _new_path(folder: Path, prefix: str, suffix: str = "") -> Path:
    """A fresh, unused name in `folder` (the caller creates it exclusively)."""
    return folder / f"{prefix}{secrets.token_hex(4)}{suffix}"


# Old enough that the export that made it is gone (an export takes seconds).
STALE_AFTER_S = 600.0


def clean_stale_exports(out: Path, min_age_s: float = STALE_AFTER_S) -> list[Path]:
    """Leftovers of an export of `out` that was killed: its staging folder, its zip's temporary
    file, and the old pack moved aside while being replaced (put back when `out` is missing,
    deleted otherwise). Only names this module makes, holding only pack files, and old enough;
    returns what was removed or restored."""
    parent = out.parent
    if not parent.is_dir():
        return []
    name = re.escape(out.name)
    staging = re.compile(rf"\.{name}\.(export|old)-[0-9a-f]{{8}}")
    zip_tmp = re.compile(rf"\.{name}\.zip\.[0-9a-f]{{8}}\.tmp")
    now = time.time()
    done: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        try:
            info = entry.lstat()
        except OSError:
            continue
        if now - info.st_mtime < min_age_s or entry.is_symlink():
            continue
        try:
            match = staging.fullmatch(entry.name)
            if match and entry.is_dir() and _looks_like_pack(entry):
                if match.group(1) == "old" and not out.exists():
                    os.replace(entry, out)  # killed between the two renames of a replace
                else:
                    shutil.rmtree(entry)
                done.append(entry)
            elif zip_tmp.fullmatch(entry.name) and entry.is_file():
                entry.unlink()
                done.append(entry)
        except OSError:
            continue  # a read-only folder keeps its leftovers; the export itself will say why
    return done


def make_staging(out: Path) -> Path:
    # os.mkdir, unlike mkdtemp, honours the umask: the published pack gets ordinary permissions.
    for _ in range(100):
        staging = _new_path(out.parent, f".{out.name}.export-")
        try:
            staging.mkdir()
            return staging
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {out.parent}")


def write_new_file(path: Path, data: bytes) -> None:
    """Write a new file in the staging folder and flush it to disk before it is published."""
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_zip_beside(folder: Path, zip_path: Path) -> Path:
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


def publish_folder(staging: Path, out: Path) -> None:
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
    fsync_dir(out.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
