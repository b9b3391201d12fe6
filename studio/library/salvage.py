"""Recovering a damaged library: every row that can still be read goes into a new file.

The damaged file is worked on as a copy and then kept beside the library as
`library.sqlite3.damaged-<time>` (never deleted). Damage to the schema text is repaired from our
own migrations first, so a flipped byte in a CREATE statement does not cost every row. Rows are
read one by one, so a bad page costs only the rows stored on it. Moving the whole file aside with
nothing recovered is the last resort, and the report says so.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studio.faults import DATABASE_ERRORS
from studio.fileio import fsync_dir
from studio.library.db import canonical_schema, migrate, move_aside, same_definition

log = logging.getLogger(__name__)

# How far past the last id seen a scan is resumed, and the most ids probed one by one.
_RESUME_STEPS = (1, 2, 8, 64, 512, 4096)
_EXTRA_PROBES = 20_000


@dataclass
class RecoveryReport:
    """What a recovery kept and lost, by table."""

    moved_aside_to: Path | None
    kept: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)
    schema_repaired: bool = False

    @property
    def anything_kept(self) -> bool:
        return any(self.kept.values())

    def summary(self) -> str:
        """One paragraph for the user: what was kept, what was lost, where the old file is."""
        if not self.anything_kept:
            return (
                "The library file was damaged and nothing could be read from it; a new, empty "
                f"library was started. The damaged file was kept as {self.moved_aside_to}."
            )
        kept = ", ".join(f"{n} {table}" for table, n in self.kept.items() if n)
        lost = sum(self.lost.values())
        lost_text = (
            f"{lost} damaged row(s) could not be read ("
            + ", ".join(f"{n} {table}" for table, n in self.lost.items() if n)
            + ")"
            if lost
            else "no row was lost"
        )
        return (
            f"The library file was damaged. Everything readable was recovered ({kept}); "
            f"{lost_text}. The damaged file was kept as {self.moved_aside_to}."
        )


def readable_ids(conn: sqlite3.Connection, table: str) -> tuple[list[int], int]:
    """Row ids of `table` that can be found, even past damaged pages, and how many ids were
    seen but could not be read. A scan that stops at a bad page is resumed further on; gaps
    are probed one id at a time."""
    seen: set[int] = set()
    for plan in ("", " NOT INDEXED"):
        seen.update(_scan_ids(conn, table, plan))
    found = set(seen)
    failed = 0
    top = max(seen, default=0)
    with contextlib.suppress(*DATABASE_ERRORS):
        top = max(top, conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0)
    # Our ids are dense (1, 2, 3, ...): probe the gaps, but never for ever on a damaged id.
    for rowid in range(1, min(top, len(seen) + _EXTRA_PROBES) + 1):
        if rowid in found:
            continue
        try:
            row = conn.execute(f"SELECT rowid FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except DATABASE_ERRORS:
            failed += 1
            continue
        if row is not None:
            found.add(rowid)
    return sorted(found), failed


def _scan_ids(conn: sqlite3.Connection, table: str, plan: str) -> Iterator[int]:
    last = 0
    step = 0
    while step < len(_RESUME_STEPS):
        try:
            cursor = conn.execute(
                f"SELECT rowid FROM {table}{plan} WHERE rowid > ? ORDER BY rowid",
                (last if last == 0 else last + _RESUME_STEPS[step] - 1,),
            )
            for (rowid,) in cursor:
                last = rowid
                yield rowid
            return
        except DATABASE_ERRORS:
            step += 1


def read_row(
    conn: sqlite3.Connection, table: str, rowid: int, columns: list[str]
) -> dict[str, object] | None:
    """One row by id as {column: value}, or None when it cannot be read. When the whole row
    cannot be read, each column is tried alone (an unreadable one comes back as None)."""
    try:
        row = conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        return None if row is None else {c: row[c] for c in columns if c in row.keys()}
    except DATABASE_ERRORS:
        pass
    values: dict[str, object] = {}
    for column in columns:
        try:
            found = conn.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,))
            row = found.fetchone()
        except DATABASE_ERRORS:
            continue
        if row is not None:
            values[column] = row[0]
    return values or None


def _repair_schema(conn: sqlite3.Connection) -> bool:
    """Put our own definitions back where the schema text was damaged; True if it changed.

    Entries are matched by name, or, for a damaged name, by their place in the schema table.
    """
    canonical = canonical_schema()
    order = list(canonical)
    conn.execute("PRAGMA writable_schema=ON")
    try:
        rows = conn.execute(
            "SELECT rowid, type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).fetchall()
        present = {row[2] for row in rows}
        changed = False
        for position, (rowid, kind, name, table, sql) in enumerate(rows):
            row_name = name
            if name not in canonical:
                if position >= len(order) or order[position] in present:
                    continue
                name = order[position]
            expected = canonical[name]
            if not same_definition((kind, table, sql), expected) or name != row_name:
                conn.execute(
                    "UPDATE sqlite_master SET type = ?, name = ?, tbl_name = ?, sql = ?"
                    " WHERE rowid = ?",
                    (*expected[:1], name, *expected[1:], rowid),
                )
                changed = True
        return changed
    finally:
        conn.execute("PRAGMA writable_schema=OFF")


def _open_copy(copy: Path) -> tuple[sqlite3.Connection | None, bool]:
    """The damaged copy, opened with its schema repaired, or None when it is not a database."""
    from studio.library.db import _prepare

    try:
        conn = _prepare(sqlite3.connect(copy, isolation_level=None))
    except DATABASE_ERRORS:
        return None, False
    try:
        repaired = _repair_schema(conn)
        conn.close()
        conn = _prepare(sqlite3.connect(copy, isolation_level=None))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, repaired
    except DATABASE_ERRORS as exc:
        log.warning("The damaged library cannot be read at all: %s", exc)
        conn.close()
        return None, False


def _tables() -> list[str]:
    return [name for name, (kind, _, _) in canonical_schema().items() if kind == "table"]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection, report: RecoveryReport):
    for table in _tables():
        try:
            ids, failed = readable_ids(source, table)
        except DATABASE_ERRORS:
            ids, failed = [], 0
        columns = _columns(target, table)
        defaults = _defaults(target, table)
        kept = 0
        for rowid in ids:
            row = read_row(source, table, rowid, columns)
            if row is None or not _insert(target, table, row, defaults):
                failed += 1
                continue
            kept += 1
        report.kept[table] = kept
        report.lost[table] = failed


def _defaults(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    """Column -> the value a damaged one is replaced by: its declared default, else 0 for a
    NOT NULL number (a time, a count)."""
    out: dict[str, object] = {}
    for _, name, kind, not_null, default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        if default is not None:
            out[name] = conn.execute(f"SELECT {default}").fetchone()[0]
        elif not_null and kind.upper() in ("REAL", "INTEGER"):
            out[name] = 0
    return out


def _insert(
    target: sqlite3.Connection, table: str, row: dict[str, object], defaults: dict[str, object]
) -> bool:
    """Insert a recovered row; a value the damage made impossible (a CHECK or NOT NULL fails,
    or it could not be read) is replaced by the column's default, one column at a time."""
    # Columns that could not be read get their default at once; a value that breaks a rule
    # (the error names its column) is replaced by its default, one column at a time.
    values = {**{c: v for c, v in defaults.items() if c not in row}, **row}
    for _ in range(len(defaults) + 1):
        sql = f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"
        try:
            target.execute(sql, list(values.values()))
            return True
        except DATABASE_ERRORS as exc:
            message = str(exc)
        culprits = [
            c for c, v in defaults.items() if re.search(rf"\b{c}\b", message) and values[c] != v
        ]
        if not culprits:
            return False
        values[culprits[0]] = defaults[culprits[0]]
    return False


def _restore_references(target: sqlite3.Connection, report: RecoveryReport) -> None:
    """Make every reference point at a row again: a candidate whose job or import row was lost
    keeps its picture under a stand-in; other dangling rows follow their ON DELETE rule."""
    now = time.time()
    target.execute(
        "INSERT OR IGNORE INTO jobs (id, prompt, model_id, top_k, top_p, temperature, seed,"
        " images_requested, batch_size, state, error, created_at)"
        " SELECT DISTINCT job_id, '(recovered)', 'unknown', 0, 0, 0, 0, 1, 1, 'interrupted',"
        " 'Recovered from a damaged library; the job''s settings were lost.', ?"
        " FROM candidates WHERE job_id IS NOT NULL AND job_id NOT IN (SELECT id FROM jobs)",
        (now,),
    )
    target.execute(
        "INSERT OR IGNORE INTO imports (id, original_name, created_at)"
        " SELECT DISTINCT import_id, '(recovered)', ? FROM candidates"
        " WHERE import_id IS NOT NULL AND import_id NOT IN (SELECT id FROM imports)",
        (now,),
    )
    for _ in range(10):  # deleting a row can leave others dangling in turn
        violations = target.execute("PRAGMA foreign_key_check").fetchall()
        if not violations:
            return
        for table, rowid, _parent, fk_index in violations:
            rules = {r[0]: r for r in target.execute(f"PRAGMA foreign_key_list({table})")}
            rule = rules.get(fk_index)
            if rule is not None and rule[6] == "SET NULL":
                target.execute(f"UPDATE {table} SET {rule[3]} = NULL WHERE rowid = ?", (rowid,))
            else:
                target.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
                report.kept[table] = report.kept.get(table, 0) - 1
                report.lost[table] = report.lost.get(table, 0) + 1


def recover_file(path: Path) -> RecoveryReport:
    """Copy what can be read from the damaged library at `path` into a new file that takes its
    place; the damaged file is moved aside. The caller holds the set-up lock."""
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6}"
    work = path.with_name(f".{path.name}.salvage-{stamp}")
    fresh = path.with_name(f".{path.name}.recovered-{stamp}")
    report = RecoveryReport(moved_aside_to=None)
    try:
        shutil.copyfile(path, work)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():  # committed rows not yet checkpointed live in the WAL
            shutil.copyfile(wal, work.with_name(work.name + "-wal"))
        target = sqlite3.connect(fresh, isolation_level=None)
        try:
            target.execute("PRAGMA foreign_keys=OFF")
            migrate(target)
            source, report.schema_repaired = _open_copy(work)
            if source is not None:
                try:
                    target.execute("BEGIN")
                    _copy_rows(source, target, report)
                    _restore_references(target, report)
                    target.execute("COMMIT")
                finally:
                    source.close()
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
        report.moved_aside_to = move_aside(path)
        try:
            fresh.replace(path)
        except OSError:
            report.moved_aside_to.rename(path)  # put the damaged file back rather than nothing
            raise
        fsync_dir(path.parent)
    finally:
        for leftover in (work, fresh):
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    leftover.with_name(leftover.name + suffix).unlink()
    log.warning("Library recovered: %s", report.summary())
    return report
