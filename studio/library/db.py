"""Opening the library database: settings, migrations, and telling user problems from damage.

Set-up and migrations run under an exclusive lock beside the file, so several processes opening a
new library at once wait for each other instead of racing. A full disk, a read-only folder or a
busy file is the user's to fix: the file is left alone and, where possible, opened read-only.
Only positive evidence of damage (SQLite says corrupt / not a database, the quick check fails, or
the schema is not ours any more) starts a recovery: the readable rows go into a new file and the
damaged one is kept beside it (`studio.library.salvage`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from studio import faults
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
LOCK_SUFFIX = ".lock"
# Held shared by every open library (every connection, in every process), so a recovery, which
# replaces the file, happens only when nobody else has it open.
USERS_SUFFIX = ".users"
# Left by a deep check that found damage the quick check missed: the next open recovers the file.
REPAIR_MARK_SUFFIX = ".needs-repair"
_LOCK_WAIT_S = 120.0


class LibraryError(StudioError):
    """The library cannot be used as it is."""


class NewerLibraryError(LibraryError):
    """The file was written by a newer Sticker Studio; we never downgrade it."""


class LibraryUnavailable(LibraryError):
    """A user problem (full disk, read-only, permissions, locked) stops the library; the file
    itself is fine and was left untouched."""


class LibraryDamaged(LibraryError):
    """SQLite found damage while reading or writing; what could be read is kept."""


class DamagedFileFound(Exception):
    """Internal: positive evidence of damage while opening."""


@dataclass(frozen=True)
class OpenedDatabase:
    connection: sqlite3.Connection
    # Set when the file was damaged: where it was moved to (it is never deleted).
    moved_aside_to: Path | None = None
    # Set when the file could only be opened read-only: why (a user problem).
    read_only_reason: str | None = None
    # Set when a damaged file was recovered: what was kept and lost (a `RecoveryReport`).
    recovery: object | None = None
    # Set when damage was found but others have the file open, so it was not recovered now.
    damage_pending: str | None = None
    # The shared "in use" lock this connection holds; `release` it when closing.
    users_lock: int | None = None

    def release(self) -> None:
        """Close the connection and give up the "in use" lock."""
        self.connection.close()
        if self.users_lock is not None:
            with contextlib.suppress(OSError):
                os.close(self.users_lock)


def _casefold(text: str | None) -> str | None:
    return text.casefold() if isinstance(text, str) else text


def _decode_text(raw: bytes) -> str:
    # A damaged byte inside a text value must not make the whole row unreadable.
    return raw.decode("utf-8", "replace")


def _prepare(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.row_factory = sqlite3.Row
    conn.text_factory = _decode_text
    # SQLite's lower() and NOCASE know only ASCII; prompts are mostly Russian.
    conn.create_function("casefold", 1, _casefold, deterministic=True)
    return conn


def connect(path: Path) -> sqlite3.Connection:
    """A read-write connection with the studio's settings (the file must be usable)."""
    conn = _prepare(
        sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=True)
    )
    try:
        for pragma in _PRAGMAS:
            conn.execute(pragma)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes: `mode=ro`, or `immutable=1` when even the lock files
    cannot be made (a read-only disk). Raises sqlite3.Error when neither works."""
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        try:
            conn = _prepare(sqlite3.connect(f"{uri}?{flags}", uri=True, isolation_level=None))
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except faults.DATABASE_ERRORS as exc:
            conn.close()
            last = exc
    assert last is not None
    raise last


@cache
def canonical_schema() -> dict[str, tuple[str, str, str | None]]:
    """name -> (type, table name, SQL) of every object the migrations create, as SQLite stores
    them; a file whose schema differs from this was not left so by the studio."""
    conn = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            conn.executescript(script)
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()
    return {name: (kind, table, sql) for kind, name, table, sql in rows}


def same_definition(found: tuple, expected: tuple) -> bool:
    """Whether two schema entries (type, table, SQL) say the same, whatever the spacing (another
    SQLite version may lay out an ALTER TABLE differently)."""

    def norm(entry: tuple) -> tuple:
        kind, table, sql = entry
        if isinstance(sql, str):
            sql = re.sub(r"\s*([(),;=])\s*", r"\1", " ".join(sql.split()))
        return kind, table, sql

    return norm(found) == norm(expected)


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """Objects of our schema that are missing or whose definition changed (damage)."""
    found = {
        name: (kind, table, sql)
        for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
        )
    }
    problems = []
    for name, expected in canonical_schema().items():
        if name not in found:
            problems.append(f"{name} is missing from the schema")
        elif not same_definition(found[name], expected):
            problems.append(f"the definition of {name} was changed")
    return problems


def _check_integrity(conn: sqlite3.Connection) -> None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in rows] != [("ok",)]:
        detail = "; ".join(str(r[0]) for r in rows[:3])
        raise DamagedFileFound(f"integrity check failed: {detail[:300]}")


def migrate(conn: sqlite3.Connection) -> int:
    """Run the migrations this file has not seen yet; returns the version now in force.

    Callers hold the set-up lock (`setup_lock`), so no other process migrates at the same time.
    """
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


@contextlib.contextmanager
def setup_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<library>.lock` while the library is set up, checked,
    migrated or recovered. Without a writable folder there is nothing to set up: no lock."""
    lock_path = path.with_name(path.name + LOCK_SUFFIX)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        _acquire(fd, lock_path)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def _acquire(fd: int, lock_path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: msvcrt locks a byte range instead
        import msvcrt

        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise LibraryUnavailable(_busy_message(lock_path)) from None
                time.sleep(0.05)
    deadline = time.monotonic() + _LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LibraryUnavailable(_busy_message(lock_path)) from None
            time.sleep(0.02)


def _users_fd(path: Path) -> int | None:
    try:
        return os.open(path.with_name(path.name + USERS_SUFFIX), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None


def hold_in_use(path: Path) -> int | None:
    """Take the shared "in use" lock for one open library; returns its descriptor (None where
    locks are not available: a read-only folder, or Windows)."""
    fd = _users_fd(path)
    if fd is None:
        return None
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a recovery replaces the file
    except (ImportError, OSError):
        os.close(fd)
        return None
    return fd


def nobody_else_uses(path: Path) -> bool:
    """True when no other open library (in this process or another) holds the file. Where it
    cannot be known (no lock support), True: nothing is held."""
    fd = _users_fd(path)
    if fd is None:
        return True
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # the test lock is released at once; the caller holds the set-up lock


def _busy_message(lock_path: Path) -> str:
    return (
        f"another Sticker Studio has been setting up the library for {_LOCK_WAIT_S:.0f} s "
        f"({lock_path}); wait for it to finish, or close it and try again"
    )


def move_aside(path: Path, label: str = "damaged") -> Path:
    """Rename a library (and its WAL/SHM companions) out of the way, keeping it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def _open_checked(path: Path) -> sqlite3.Connection:
    """Open read-write, check and migrate; raises DamagedFileFound on evidence of damage."""
    conn = connect(path)
    try:
        _check_integrity(conn)
        migrate(conn)
        problems = schema_problems(conn)
        if problems:
            raise DamagedFileFound("; ".join(problems[:3]))
    except BaseException:
        conn.close()
        raise
    return conn


def _user_message(path: Path, exc: BaseException) -> str:
    return faults.describe(exc, f"cannot use the library {path}") or (
        f"cannot use the library {path}: {exc}"
    )


def _read_only_fallback(path: Path, reason: str) -> OpenedDatabase:
    """The library opened without writing, after a user problem; raises LibraryUnavailable
    saying `reason` when even that is impossible."""
    if not path.is_file():
        raise LibraryUnavailable(reason)
    try:
        conn = connect_read_only(path)
    except faults.DATABASE_ERRORS:
        raise LibraryUnavailable(reason) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except faults.DATABASE_ERRORS:
        version = -1
    if version != SCHEMA_VERSION:  # an older file needs a migration, which needs writing
        conn.close()
        raise LibraryUnavailable(reason)
    log.warning("Library opened read-only: %s", reason)
    return OpenedDatabase(conn, read_only_reason=reason)


def open_database(path: Path, *, allow_read_only: bool = True) -> OpenedDatabase:
    """Open (creating or migrating) the library at `path`.

    User problems raise `LibraryUnavailable` (or, with `allow_read_only`, open the file
    read-only and say why in `read_only_reason`). A damaged file is recovered: its readable rows
    go into a new file, the old one is kept beside it, and `recovery` says what happened.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = _user_message(path, exc)
        if allow_read_only:
            return _read_only_fallback(path, reason)
        raise LibraryUnavailable(reason) from None
    mark = path.with_name(path.name + REPAIR_MARK_SUFFIX)
    try:
        with setup_lock(path):
            opened = _open_or_recover(path, mark)
            return replace(opened, users_lock=hold_in_use(path))
    except (*faults.DATABASE_ERRORS, OSError) as exc:
        reason = _user_message(path, exc)
        if faults.user_problem(exc) is None:
            log.warning("Cannot open the library %s: %r", path, exc)
        if allow_read_only:
            return _read_only_fallback(path, reason)
        raise LibraryUnavailable(reason) from None


def _open_or_recover(path: Path, mark: Path) -> OpenedDatabase:
    """Under the set-up lock: open, or recover a damaged file when nobody else has it open."""
    try:
        if mark.exists() and path.exists():
            raise DamagedFileFound("a deep check found damage the last time it ran")
        return OpenedDatabase(_open_checked(path))
    except NewerLibraryError:
        raise
    except (DamagedFileFound, *faults.DATABASE_ERRORS) as exc:
        if not isinstance(exc, DamagedFileFound) and not faults.is_damage(exc):
            raise
        if not nobody_else_uses(path):
            # Replacing the file under another open library would split the work between
            # two files: read around the damage now, recover at a start when it is alone.
            log.warning("Library %s is damaged (%s) but in use; recovering it later", path, exc)
            return OpenedDatabase(connect(path), damage_pending=str(exc))
        log.error("Library %s is damaged (%s); recovering what can be read", path, exc)
        return _recover(path, mark)


def _recover(path: Path, mark: Path) -> OpenedDatabase:
    from studio.library.salvage import recover_file

    report = recover_file(path)
    mark.unlink(missing_ok=True)
    conn = _open_checked(path)
    return OpenedDatabase(conn, moved_aside_to=report.moved_aside_to, recovery=report)


def mark_for_repair(path: Path, reason: str) -> None:
    """Ask the next open to recover the file (a deep check found damage it could not fix while
    the file was in use)."""
    mark = path.with_name(path.name + REPAIR_MARK_SUFFIX)
    with contextlib.suppress(OSError):
        mark.write_text(reason + "\n", encoding="utf-8")
