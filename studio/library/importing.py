"""Adding pictures from outside to the library: File ▸ Import in the window and
`sticker-studio import` run this same code.

Each picture is read robustly (`studio.imageio`: a pipe or device is refused at once, a damaged
file is reported) and becomes a candidate; one that brings its own transparency gets it as its
cut-out (method "alpha"). An unusable file is reported and skipped; a full or read-only disk
stops the import with `LibraryUnavailable`, leaving no orphan file behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from studio.imageio import ImageLoadError, load_image
from studio.library.records import CutoutMethod
from studio.library.repository import Library
from studio.paths import StudioPaths

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")
MAX_SIDE = 4096


@dataclass(frozen=True)
class ImportedPicture:
    path: Path
    candidate_id: int
    with_alpha: bool  # its own transparency became its cut-out
    notes: tuple[str, ...] = ()


@dataclass
class ImportReport:
    candidate_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "name: what is wrong"


def importable(path: Path) -> bool:
    """A file name the import dialog and drag-and-drop accept."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def import_picture(library: Library, path: Path, prompt: str | None = None) -> ImportedPicture:
    """Add one picture; raises `ImageLoadError` for an unusable file, `LibraryError` when the
    library cannot take it (full disk, read-only)."""
    loaded = load_image(path, max_side=MAX_SIDE)
    image = loaded.image
    imported = library.import_image(image, path.name, prompt=prompt)
    with_alpha = loaded.has_transparency
    if with_alpha:
        library.add_cutout(imported.candidate_id, image.getchannel("A"), CutoutMethod.ALPHA, None)
    return ImportedPicture(path, imported.candidate_id, with_alpha, tuple(loaded.notes))


def import_files(
    paths: Iterable[Path],
    studio: StudioPaths | None = None,
    *,
    prompt: str | None = None,
    library: Library | None = None,
    on_picture: Callable[[ImportedPicture], None] | None = None,
    on_problem: Callable[[Path, str], None] | None = None,
) -> ImportReport:
    """Add each picture to the library (its own `Library` unless one is given); unusable files
    are reported and skipped, never fatal. A library that cannot be written raises."""
    report = ImportReport()
    lib = library or Library(studio)
    try:
        for path in map(Path, paths):
            try:
                picture = import_picture(lib, path, prompt)
            except ImageLoadError as exc:
                report.problems.append(f"{path.name}: {exc}")
                if on_problem is not None:
                    on_problem(path, str(exc))
                continue
            report.candidate_ids.append(picture.candidate_id)
            if on_picture is not None:
                on_picture(picture)
    finally:
        if library is None:
            lib.close()
    log.info(
        "Imported %d picture(s), %d problem(s)", len(report.candidate_ids), len(report.problems)
    )
    return report
