"""The deep check of a library, and its repair (`sticker-studio library check [--repair]`).

Looks at everything the quick check at start-up does not: SQLite's full integrity check, our
schema, every row readable as a record, every reference, every file present, and no leftovers.
Reads through its own read-only connection, so it can run while the studio is open.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.faults import DATABASE_ERRORS
from studio.library import repository
from studio.library.db import (
    connect_read_only,
    mark_for_repair,
    nobody_else_uses,
    open_database,
    schema_problems,
    setup_lock,
)
from studio.library.leftovers import DEFAULT_MIN_AGE_S, find_leftovers, remove
from studio.library.salvage import read_row, readable_ids, recover_file
from studio.paths import StudioPaths

log = logging.getLogger(__name__)

# How each table's rows become records (what the studio itself does when it reads them).
_RECORDS: dict[str, Callable[[dict], object]] = {
    "jobs": repository._job,
    "candidates": lambda row: repository._candidate(
        {**row, "prompt": None, "prompt_original": None}  # the job's columns, not the row's
    ),
    "cutouts": repository._cutout,
    "packs": repository._pack,
    "pack_items": repository._pack_item,
}


@dataclass
class CheckReport:
    """The deep check's findings. `database_damaged` problems need a recovery to fix."""

    candidates: int = 0
    problems: list[str] = field(default_factory=list)
    database_damaged: bool = False
    missing_images: list[int] = field(default_factory=list)  # candidate ids
    missing_masks: list[int] = field(default_factory=list)  # cut-out ids
    leftovers: list[Path] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The summary `library check` prints."""
        out = [f"candidates: {self.candidates}"]
        out += [f"repaired: {line}" for line in self.repairs]
        out += [f"problem: {line}" for line in self.problems]
        out.append(
            "library: healthy" if self.healthy else f"library: {len(self.problems)} problem(s)"
        )
        return out


def _table_rows(conn: sqlite3.Connection, table: str, report: CheckReport) -> list[dict]:
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    ids, failed = readable_ids(conn, table)
    rows, unreadable = [], failed
    convert = _RECORDS.get(table)
    for rowid in ids:
        row = read_row(conn, table, rowid, columns)
        try:
            if row is None or set(row) != set(columns):
                raise ValueError("cannot be read")
            if convert is not None:
                convert(row)
        except (ValueError, TypeError, KeyError, IndexError):
            unreadable += 1
            continue
        rows.append(row)
    if unreadable:
        report.problems.append(f"{table}: {unreadable} row(s) cannot be read")
        report.database_damaged = True
    return rows


def _check_database(conn: sqlite3.Connection, paths: StudioPaths, report: CheckReport) -> None:
    integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)").fetchall()]
    if integrity != ["ok"]:
        report.problems.append("SQLite integrity check: " + "; ".join(integrity[:3]))
        report.database_damaged = True
    for problem in schema_problems(conn):
        report.problems.append(f"schema: {problem}")
        report.database_damaged = True
    if report.database_damaged and any("schema" in p for p in report.problems):
        return  # rows cannot be read against a schema that is not ours
    candidates = _table_rows(conn, "candidates", report)
    report.candidates = len(candidates)
    cutouts = _table_rows(conn, "cutouts", report)
    for table in ("jobs", "imports", "packs", "pack_items"):
        _table_rows(conn, table, report)
    dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        report.problems.append(f"{len(dangling)} row(s) refer to rows that are gone")
        report.database_damaged = True
    report.missing_images = [
        row["id"] for row in candidates if not (paths.data / str(row["image_path"])).is_file()
    ]
    report.missing_masks = [
        row["id"] for row in cutouts if not (paths.data / str(row["mask_path"])).is_file()
    ]
    if report.missing_images:
        report.problems.append(
            f"{len(report.missing_images)} candidate picture(s) missing (candidates "
            + ", ".join(map(str, report.missing_images[:10]))
            + ")"
        )
    if report.missing_masks:
        report.problems.append(f"{len(report.missing_masks)} cut-out mask file(s) missing")


def check_library(paths: StudioPaths, min_leftover_age_s: float = 0.0) -> CheckReport:
    """The deep check; never writes."""
    report = CheckReport()
    db = paths.library_db
    if not db.exists():
        return report
    try:
        conn = connect_read_only(db)
    except DATABASE_ERRORS as exc:
        report.problems.append(f"the library file cannot be opened: {exc}")
        report.database_damaged = True
        return report
    try:
        try:
            _check_database(conn, paths, report)
        except DATABASE_ERRORS as exc:
            report.problems.append(f"SQLite: {exc}")
            report.database_damaged = True
        found = find_leftovers(paths, None if report.problems else conn, min_leftover_age_s)
    finally:
        conn.close()
    report.leftovers = found.all()
    if found.temporary:
        report.problems.append(f"{len(found.temporary)} leftover temporary file(s)")
    if found.orphans:
        report.problems.append(
            f"{len(found.orphans)} orphan media file(s) no row names (e.g. {found.orphans[0].name})"
        )
    return report


def repair_library(paths: StudioPaths) -> CheckReport:
    """Fix what can be fixed, then check again; the report lists what was done.

    A damaged database is recovered (the old file kept beside it), rows whose file is missing
    are removed (a cut-out falls back to its previous version), leftovers are deleted.
    """
    first = check_library(paths)
    repairs: list[str] = []
    if first.database_damaged and paths.library_db.exists():
        with setup_lock(paths.library_db):
            if not nobody_else_uses(paths.library_db):
                first.problems.append(
                    "the library is open in Sticker Studio (or another command): close it, "
                    "then repair"
                )
                return first
            recovered = recover_file(paths.library_db)
        repairs.append(recovered.summary())
        first = check_library(paths)
    if first.missing_images or first.missing_masks:
        opened = open_database(paths.library_db, allow_read_only=False)
        conn = opened.connection
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "DELETE FROM cutouts WHERE id = ?", [(i,) for i in first.missing_masks]
            )
            conn.executemany(
                "DELETE FROM candidates WHERE id = ?", [(i,) for i in first.missing_images]
            )
            conn.execute("COMMIT")
        finally:
            opened.release()
        if first.missing_images:
            repairs.append(
                f"removed {len(first.missing_images)} candidate(s) whose picture is gone"
            )
        if first.missing_masks:
            repairs.append(
                f"removed {len(first.missing_masks)} cut-out version(s) whose mask is gone"
            )
    leftovers = check_library(paths).leftovers
    if leftovers:
        repairs.append(f"removed {remove(leftovers)} leftover file(s)")
    final = check_library(paths)
    final.repairs = repairs
    return final


def check_in_background(paths: StudioPaths) -> CheckReport:
    """The deep check the window runs when a read failed although the quick check passed; when
    it confirms damage, the next start recovers the file."""
    report = check_library(paths, min_leftover_age_s=DEFAULT_MIN_AGE_S)
    if report.database_damaged:
        mark_for_repair(paths.library_db, "; ".join(report.problems[:3]))
        log.warning("Deep check: the library is damaged (%s)", "; ".join(report.problems[:3]))
    return report
