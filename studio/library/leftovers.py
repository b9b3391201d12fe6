"""Leftovers of writes a killed process never finished: cleaned on the next start.

Only files the studio itself makes are touched, recognised by their exact name pattern, and only
when they are old enough that no live process can still be writing them: temporary files of
atomic writes (`.<name>.<random>.tmp`), media files no library row names (the file is written
before its row, so a kill in between leaves one), and the work files of an interrupted recovery.
Orphan media are cleaned only when every row of the library could be read and names a file that
is there (a row that is unreadable or damaged today must not lose its picture), and never when
they are older than a damaged library kept beside it (its rows may name them).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studio.faults import DATABASE_ERRORS
from studio.paths import StudioPaths

log = logging.getLogger(__name__)

# Old enough that the process that made it is gone (a write takes milliseconds, a busy
# library waits at most 10 s for its lock).
DEFAULT_MIN_AGE_S = 600.0
MEDIA_FOLDERS = ("candidates", "imports", "masks")
_MEDIA_NAME = re.compile(r"[0-9a-f]{32}\.png")
# `studio.fileio.atomic_open`: ".<target name>.<mkstemp's 8 random characters>.tmp".
_TMP_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")
_RECOVERY_NAME = re.compile(r"\.library\.sqlite3\.(salvage|recovered)-[0-9-]+(-wal|-shm|-journal)?")


@dataclass
class Leftovers:
    """What is left over: temporary files and media files no row names."""

    temporary: list[Path] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    # False when some rows could not be read, so orphans were not looked for.
    orphans_known: bool = True

    def all(self) -> list[Path]:
        return [*self.temporary, *self.orphans]


def _files(folder: Path) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if entry.is_file() and not entry.is_symlink():
                yield entry


def _old_enough(path: Path, min_age_s: float, now: float) -> bool:
    try:
        return now - path.stat().st_mtime >= min_age_s
    except OSError:
        return False


_NAMED_MEDIA = re.compile(rf"media/({'|'.join(MEDIA_FOLDERS)})/[0-9a-f]{{32}}\.png")


def referenced_media(conn: sqlite3.Connection, data: Path) -> set[str] | None:
    """Every media path the library names, or None when some could not be read, or a name
    is not one the studio writes, or names a missing file (damage may have changed it)."""
    try:
        rows = conn.execute(
            "SELECT image_path FROM candidates UNION ALL SELECT mask_path FROM cutouts"
        ).fetchall()
    except DATABASE_ERRORS:
        return None
    named = {row[0] for row in rows}
    for name in named:
        if not isinstance(name, str) or not _NAMED_MEDIA.fullmatch(name):
            return None
        if not (data / name).is_file():
            return None
    return named


def _kept_damaged_time(data: Path) -> float:
    """When the newest damaged library kept in `data` was last written (0: none)."""
    times = [0.0]
    for path in data.glob("library.sqlite3.damaged-*"):
        with contextlib.suppress(OSError):
            times.append(path.stat().st_mtime)
    return max(times)


def find_leftovers(
    paths: StudioPaths, conn: sqlite3.Connection | None, min_age_s: float = DEFAULT_MIN_AGE_S
) -> Leftovers:
    """Leftovers at least `min_age_s` old. Orphan media are looked for only with a readable
    library connection `conn`."""
    now = time.time()
    found = Leftovers()
    folders = [paths.data, paths.media, *(paths.media / name for name in MEDIA_FOLDERS)]
    for folder in folders:
        for path in _files(folder):
            temporary = _TMP_NAME.fullmatch(path.name) or (
                folder == paths.data and _RECOVERY_NAME.fullmatch(path.name)
            )
            if temporary and _old_enough(path, min_age_s, now):
                found.temporary.append(path)
    named = referenced_media(conn, paths.data) if conn is not None else None
    if named is None:
        found.orphans_known = False
        return found
    kept_damaged = _kept_damaged_time(paths.data)
    for name in MEDIA_FOLDERS:
        for path in _files(paths.media / name):
            relative = f"media/{name}/{path.name}"
            if (
                _MEDIA_NAME.fullmatch(path.name)
                and relative not in named
                and _old_enough(path, min_age_s, now)
                and path.stat().st_mtime > kept_damaged
            ):
                found.orphans.append(path)
    return found


def remove(paths: list[Path]) -> int:
    """Delete the given leftovers; returns how many went (a read-only disk keeps them)."""
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("Cannot remove the leftover %s: %s", path, exc)
    return removed


def clean_leftovers(
    paths: StudioPaths, conn: sqlite3.Connection | None, min_age_s: float = DEFAULT_MIN_AGE_S
) -> int:
    """Find and delete the leftovers of killed writes; returns how many were removed."""
    found = find_leftovers(paths, conn, min_age_s)
    removed = remove(found.all())
    if removed:
        log.info(
            "Removed %d leftover file(s) of interrupted writes (%d temporary, %d orphan media)",
            removed,
            len(found.temporary),
            len(found.orphans),
        )
    return removed


def clean_leftovers_at_start(paths: StudioPaths) -> int:
    """What the window runs in the background at start-up: clean the leftovers of killed
    writes, reading the library through its own read-only connection."""
    from studio.library.db import connect_read_only

    conn = None
    with contextlib.suppress(*DATABASE_ERRORS):
        conn = connect_read_only(paths.library_db) if paths.library_db.exists() else None
    try:
        return clean_leftovers(paths, conn)
    finally:
        if conn is not None:
            conn.close()
