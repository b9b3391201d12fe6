"""Importing pictures from outside into the gallery (menu and drag-and-drop).

Runs in the background with its own `Library` (SQLite connections belong to one thread). A
picture that brings its own transparency gets that as its cut-out (method "alpha").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from studio.library import CutoutMethod, Library
from studio.paths import StudioPaths

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")
MAX_SIDE = 4096


@dataclass
class ImportReport:
    candidate_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "name: what is wrong"


def importable(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def import_files(paths: Iterable[Path], studio: StudioPaths) -> ImportReport:
    """Add each picture to the library; unreadable files are reported, never fatal."""
    from PIL import Image, UnidentifiedImageError

    report = ImportReport()
    with Library(studio) as lib:
        for path in paths:
            path = Path(path)
            if not importable(path):
                report.problems.append(f"{path.name}: not a picture the studio reads "
                                       f"({', '.join(IMAGE_SUFFIXES)})")
                continue
            try:
                with Image.open(path) as opened:
                    opened.load()
                    image = opened
                    if max(image.size) > MAX_SIDE:
                        image = image.copy()
                        image.thumbnail((MAX_SIDE, MAX_SIDE))
                    has_alpha = image.mode in ("RGBA", "LA") or (
                        image.mode == "P" and "transparency" in image.info
                    )
                    image = image.convert("RGBA" if has_alpha else "RGB")
            except (OSError, UnidentifiedImageError, ValueError) as exc:
                report.problems.append(f"{path.name}: cannot be read ({exc})")
                continue
            imported = lib.import_image(image, path.name)
            report.candidate_ids.append(imported.candidate_id)
            alpha = image.getchannel("A") if has_alpha else None
            if alpha is not None and alpha.getextrema()[0] < 255:
                lib.add_cutout(imported.candidate_id, alpha, CutoutMethod.ALPHA, None)
    log.info("Imported %d picture(s), %d problem(s)", len(report.candidate_ids),
             len(report.problems))
    return report
