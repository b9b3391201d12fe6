"""Opening the library database: settings, migrations and what to do with a damaged file."""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from studio.errors import StudioError
from studio.library.schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

# WAL lets the window read while the worker writes; synchronous=FULL makes each commit survive a
# power cut, not only a crash (a candidate is committed the moment it exists).
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


class LibraryError(StudioError):
    """The library cannot be used as it is."""


class NewerLibraryError(LibraryError):
    """The file was written by a newer Sticker Studio; we never downgrade it."""


@dataclass(frozen=True)
class OpenedDatabase:
    connection: sqlite3.Connection
    # Set when the file was damaged: where it was moved to (it is never deleted).
    moved_aside_to: Path | None = None


def _casefold(text: str | None) -> str | None:
    return text.casefold() if isinstance(text, str) else text


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    # SQLite's lower() and NOCASE know only ASCII; prompts are mostly Russian.
    conn.create_function("casefold", 1, _casefold, deterministic=True)
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    return conn


def _check_integrity(conn: sqlite3.Connection) -> None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in rows] != [("ok",)]:
        raise sqlite3.DatabaseError("integrity check failed: " + "; ".join(r[0] for r in rows[:3]))


def migrate(conn: sqlite3.Connection) -> int:
    """Run the migrations this file has not seen yet; returns the version now in force."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerLibraryError(
            f"This library was written by a newer Sticker Studio (schema {version}, this "
            f"version knows {SCHEMA_VERSION}). Update the app to open it."
        )
    for number in range(version, SCHEMA_VERSION):
        # executescript commits on its own, so the migration and the version bump are one
        # explicit transaction inside the script.
        conn.executescript(
            f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
        )
        log.info("Library migrated to schema %d", number + 1)
    return SCHEMA_VERSION


def _move_aside(path: Path) -> Path:
    """Rename a damaged library (and its WAL/SHM companions) out of the way, keeping it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def open_database(path: Path) -> OpenedDatabase:
    """Open (creating or migrating) the library at `path`.

    A file SQLite cannot read, or that fails its integrity check, is moved aside and a fresh
    library is started; the caller tells the user where the old file went.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    moved: Path | None = None
    if path.exists():
        try:
            conn = _connect(path)
            try:
                _check_integrity(conn)
                migrate(conn)
            except BaseException:
                conn.close()
                raise
            return OpenedDatabase(conn)
        except NewerLibraryError:
            raise
        except sqlite3.DatabaseError as exc:
            moved = _move_aside(path)
            log.error("Library %s is damaged (%s); moved it to %s", path, exc, moved)
    conn = _connect(path)
    migrate(conn)
    return OpenedDatabase(conn, moved_aside_to=moved)
