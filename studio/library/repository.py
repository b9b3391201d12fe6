"""The library: one object per thread over the SQLite file and the media folder.

Each thread (the window, the generation worker) opens its own `Library`; WAL mode lets them read
and write side by side. Files are written before the row that names them, atomically, so a row
never points at a missing or half-written file, whatever moment the process dies at; a file whose
row could not be written is removed again.

Reads survive damage: a row that cannot be read is skipped and remembered in `unreadable` (the
window says so and starts a deep check), never raised to the panels loading at start-up.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from studio import faults
from studio.fileio import atomic_write_bytes
from studio.library.db import (
    LibraryDamaged,
    LibraryError,
    LibraryUnavailable,
    open_database,
)
from studio.library.records import (
    Candidate,
    CandidateStatus,
    Cutout,
    CutoutMethod,
    ImportedImage,
    Job,
    JobSpec,
    JobState,
    Pack,
    PackItem,
)
from studio.library.salvage import readable_ids
from studio.library.telegram_records import TelegramRecords
from studio.paths import StudioPaths, studio_paths

log = logging.getLogger(__name__)

# A value the damage made impossible (a status that is no status, text where JSON was).
_CONVERSION_ERRORS = (ValueError, TypeError, KeyError, IndexError)

CandidateSort = Literal["perplexity", "time", "prompt"]

_CANDIDATE_COLUMNS = (
    "c.id, c.job_id, c.import_id, c.idx, c.image_path, c.codes, c.perplexity, c.seed, c.status,"
    " c.starred, c.created_at, COALESCE(j.prompt, i.prompt, i.original_name) AS prompt,"
    " j.prompt_original"
)
_CANDIDATE_FROM = (
    "candidates c LEFT JOIN jobs j ON j.id = c.job_id LEFT JOIN imports i ON i.id = c.import_id"
)
# One candidate by id, without the joins when they are what is damaged.
_CANDIDATE_BY_ID = (
    "SELECT c.*, COALESCE((SELECT j.prompt FROM jobs j WHERE j.id = c.job_id),"
    " (SELECT COALESCE(i.prompt, i.original_name) FROM imports i WHERE i.id = c.import_id))"
    " AS prompt, (SELECT j.prompt_original FROM jobs j WHERE j.id = c.job_id) AS prompt_original"
    " FROM candidates c WHERE c.id = ?"
)
_SORTS: dict[str, str] = {
    # Lower perplexity is better; imported images (no perplexity) go last.
    "perplexity": "c.perplexity IS NULL, c.perplexity ASC, c.id ASC",
    "time": "c.created_at DESC, c.id DESC",
    "prompt": "casefold(COALESCE(j.prompt, i.prompt, i.original_name)) ASC,"
    " c.perplexity IS NULL, c.perplexity ASC, c.id ASC",
}


def _encode_png(image: Any) -> bytes:
    if isinstance(image, bytes | bytearray):
        return bytes(image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _job(row: sqlite3.Row) -> Job:
    spec = JobSpec(
        prompt=row["prompt"],
        model_id=row["model_id"],
        top_k=row["top_k"],
        top_p=row["top_p"],
        temperature=row["temperature"],
        seed=row["seed"],
        images_requested=row["images_requested"],
        batch_size=row["batch_size"],
        source_candidate_id=row["source_candidate_id"],
        prompt_rows=row["prompt_rows"],
        prompt_original=row["prompt_original"],
        style=row["style"] if "style" in row.keys() else None,
    )
    return Job(
        id=row["id"],
        spec=spec,
        state=JobState(row["state"]),
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        error=row["error"],
    )


def _candidate(row: sqlite3.Row) -> Candidate:
    return Candidate(
        id=row["id"],
        job_id=row["job_id"],
        import_id=row["import_id"],
        index=row["idx"],
        image_path=row["image_path"],
        codes=row["codes"],
        perplexity=row["perplexity"],
        seed=row["seed"],
        status=CandidateStatus(row["status"]),
        starred=bool(row["starred"]),
        created_at=row["created_at"],
        prompt=row["prompt"],
        prompt_original=row["prompt_original"],
    )


def _cutout(row: sqlite3.Row) -> Cutout:
    return Cutout(
        id=row["id"],
        candidate_id=row["candidate_id"],
        version=row["version"],
        mask_path=row["mask_path"],
        method=CutoutMethod(row["method"]),
        confidence=row["confidence"],
        edited=bool(row["edited"]),
        created_at=row["created_at"],
        review=row["review"],
    )


def _pack(row: sqlite3.Row) -> Pack:
    return Pack(
        id=row["id"],
        title=row["title"],
        name=row["name"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        outline_px=row["outline_px"],
        shadow=bool(row["shadow"]),
        padding_px=row["padding_px"],
        kind=row["kind"],
        needs_repainting=bool(row["needs_repainting"]),
    )


def _pack_item(row: sqlite3.Row) -> PackItem:
    return PackItem(
        id=row["id"],
        pack_id=row["pack_id"],
        candidate_id=row["candidate_id"],
        position=row["position"],
        emoji_list=json.loads(row["emoji_list"]),
        keywords=json.loads(row["keywords"]),
    )


def _candidate_order(sort: str):  # noqa: ANN202 - a sort key over Candidate
    """The gallery's SQL orders, in Python (for rows read one by one around damage)."""

    def missing_last(value: float | None) -> tuple[bool, float]:
        return (value is None, value if value is not None else 0.0)

    if sort == "time":
        return lambda c: (-c.created_at, -c.id)
    if sort == "prompt":
        return lambda c: ((c.prompt or "").casefold(), *missing_last(c.perplexity), c.id)
    return lambda c: (*missing_last(c.perplexity), c.id)


class Library(TelegramRecords):
    """Repository API over the library database and its media files."""

    def __init__(self, paths: StudioPaths | None = None, *, allow_read_only: bool = True) -> None:
        self.paths = paths or studio_paths()
        with contextlib.suppress(OSError):  # a read-only data folder can still be read
            self.paths.ensure()
        opened = open_database(self.paths.library_db, allow_read_only=allow_read_only)
        self._opened = opened
        self._conn = opened.connection
        #: Where a damaged library file was moved to when this one was opened, if it was.
        self.moved_aside_to: Path | None = opened.moved_aside_to
        #: What the recovery of a damaged file kept and lost (a `RecoveryReport`), if one ran.
        self.recovery = opened.recovery
        #: Why the library could only be opened read-only (a user problem), if so.
        self.read_only_reason: str | None = opened.read_only_reason
        #: Rows that could not be read, by table: skipped, never raised to the caller.
        self.unreadable: dict[str, set[int]] = {}
        #: The first read error that made rows unreadable (what the deep check looks into).
        self.first_read_error: str | None = None

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        self._opened.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refuse_writes(self) -> None:
        if self.read_only_reason is not None:
            raise LibraryUnavailable(
                f"the library is open read-only, so nothing can be saved: {self.read_only_reason}"
            )

    def _translate(self, exc: Exception) -> LibraryError:
        """A user problem or damage as the library's own error; None for anything else."""
        problem = faults.describe(exc, f"cannot write to the library {self.paths.library_db}")
        if problem is not None:
            return LibraryUnavailable(problem)
        if faults.is_damage(exc):
            return LibraryDamaged(
                f"the library file is damaged ({exc}); run `sticker-studio library check "
                "--repair` with the studio closed, or restart the studio to recover it"
            )
        return None  # type: ignore[return-value]

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._refuse_writes()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        except sqlite3.IntegrityError:
            raise
        except faults.DATABASE_ERRORS as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from None

    def abspath(self, relative: str) -> Path:
        """The real path of a file the library names (stored relative to the data folder)."""
        return self.paths.data / relative

    def _write_media(self, folder: str, data: bytes, suffix: str = ".png") -> str:
        self._refuse_writes()
        relative = f"media/{folder}/{uuid.uuid4().hex}{suffix}"
        try:
            atomic_write_bytes(self.abspath(relative), data)
        except OSError as exc:
            problem = faults.describe(exc, "cannot save a picture")
            if problem is None:
                raise
            raise LibraryUnavailable(problem) from None
        return relative

    @contextmanager
    def _media_row(self, folder: str, data: bytes) -> Iterator[str]:
        """Write a media file for a row the body then inserts; if the row is not written (full
        disk, damage, a constraint), the file is removed again so no orphan is left."""
        relative = self._write_media(folder, data)
        try:
            yield relative
        except BaseException:
            with contextlib.suppress(OSError):
                self.abspath(relative).unlink()
            raise

    # -- reading around damage -----------------------------------------------------------------

    def _note_unreadable(self, table: str, rowid: int | None, error: object) -> None:
        if self.first_read_error is None:
            self.first_read_error = f"{table}: {error}"
            log.warning("Library: a row of %s cannot be read (%s); skipping it", table, error)
        self.unreadable.setdefault(table, set()).add(-1 if rowid is None else rowid)

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of a query; a user problem is raised as `LibraryUnavailable`, damage as
        sqlite3.DatabaseError for the caller to read around."""
        try:
            return self._conn.execute(sql, args).fetchall()
        except faults.DATABASE_ERRORS as exc:
            if faults.user_problem(exc) is not None and not faults.is_damage(exc):
                raise self._translate(exc) from None
            if isinstance(exc, sqlite3.DatabaseError):
                raise
            raise sqlite3.DatabaseError(f"unreadable text in the file ({exc})") from None

    def _convert(self, rows: Iterable[sqlite3.Row], convert, table: str) -> list:  # noqa: ANN001
        out = []
        for row in rows:
            try:
                out.append(convert(row))
            except _CONVERSION_ERRORS as exc:
                rowid = row["id"] if isinstance(row["id"], int) else None
                self._note_unreadable(table, rowid, exc)
        return out

    def _rows_one_by_one(self, table: str, sql_by_id: str, convert) -> list:  # noqa: ANN001
        """Every readable row of `table`, read one at a time (after a bulk read failed)."""
        try:
            ids, failed = readable_ids(self._conn, table)
        except faults.DATABASE_ERRORS as exc:
            self._note_unreadable(table, None, exc)
            return []
        if failed:
            self._note_unreadable(table, None, f"{failed} row(s) on damaged pages")
        out = []
        for rowid in ids:
            try:
                row = self._conn.execute(sql_by_id, (rowid,)).fetchone()
            except faults.DATABASE_ERRORS as exc:
                self._note_unreadable(table, rowid, exc)
                continue
            if row is not None:
                out.extend(self._convert([row], convert, table))
        return out

    def _read(self, table: str, sql: str, args: Sequence[Any], convert, sql_by_id: str):  # noqa: ANN001, ANN201
        """All rows of a query, converted; if the query fails on damage, the table's readable
        rows one by one instead (the caller filters and sorts those itself): (rows, exact)."""
        try:
            return self._convert(self._query(sql, args), convert, table), True
        except sqlite3.DatabaseError as exc:
            self._note_unreadable(table, None, exc)
            return self._rows_one_by_one(table, sql_by_id, convert), False

    def _one(self, what: str, sql: str, args: Sequence[Any], convert):  # noqa: ANN001, ANN201
        """One row or None; damage is raised as `LibraryDamaged` naming `what`."""
        try:
            row = self._query(sql, args)
        except sqlite3.DatabaseError as exc:
            raise LibraryDamaged(
                f"{what} cannot be read: the library file is damaged ({exc})"
            ) from None
        if not row:
            return None
        try:
            return convert(row[0])
        except _CONVERSION_ERRORS as exc:
            raise LibraryDamaged(f"{what} cannot be read: it is damaged ({exc})") from None

    def integrity_ok(self) -> bool:
        try:
            return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except faults.DATABASE_ERRORS:
            return False

    # -- jobs -----------------------------------------------------------------------------------

    def create_job(self, spec: JobSpec) -> Job:
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO jobs (prompt, model_id, top_k, top_p, temperature, seed,"
                " images_requested, batch_size, source_candidate_id, prompt_rows, created_at,"
                " prompt_original, style)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    spec.prompt,
                    spec.model_id,
                    spec.top_k,
                    spec.top_p,
                    spec.temperature,
                    spec.seed,
                    spec.images_requested,
                    spec.batch_size,
                    spec.source_candidate_id,
                    spec.prompt_rows,
                    time.time(),
                    spec.prompt_original,
                    spec.style,
                ),
            )
        return self.job(cur.lastrowid)

    def job(self, job_id: int) -> Job:
        job = self._one(f"Job {job_id}", "SELECT * FROM jobs WHERE id = ?", (job_id,), _job)
        if job is None:
            raise LibraryError(f"There is no job {job_id} in the library.")
        return job

    def jobs(self, states: Iterable[JobState] | None = None) -> list[Job]:
        """Jobs, oldest first, optionally only those in `states` (unreadable ones skipped)."""
        wanted = None if states is None else [str(s) for s in states]
        if wanted is None:
            sql, args = "SELECT * FROM jobs ORDER BY id", []
        else:
            sql = f"SELECT * FROM jobs WHERE state IN ({','.join('?' * len(wanted))}) ORDER BY id"
            args = wanted
        jobs, exact = self._read("jobs", sql, args, _job, "SELECT * FROM jobs WHERE id = ?")
        if not exact and wanted is not None:
            jobs = [j for j in jobs if str(j.state) in wanted]
        return jobs

    def set_job_state(self, job_id: int, state: JobState, error: str | None = None) -> Job:
        now = time.time()
        with self._transaction() as db:
            if state is JobState.RUNNING:
                db.execute(
                    "UPDATE jobs SET state = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
                    (state, now, job_id),
                )
            elif state is JobState.QUEUED:
                db.execute("UPDATE jobs SET state = ? WHERE id = ?", (state, job_id))
            else:
                db.execute(
                    "UPDATE jobs SET state = ?, finished_at = ?, error = ? WHERE id = ?",
                    (state, now, error, job_id),
                )
        return self.job(job_id)

    def mark_interrupted_jobs(self) -> list[Job]:
        """Jobs left 'running' by a process that died; call once at start-up. A read-only or
        damaged library leaves them as they are (they are marked at a later start)."""
        stale = self.jobs([JobState.RUNNING])
        marked = []
        for job in stale:
            try:
                self.set_job_state(job.id, JobState.INTERRUPTED, "The app stopped while it ran.")
            except (LibraryUnavailable, LibraryDamaged) as exc:
                log.warning("Job %d stays marked running: %s", job.id, exc)
                continue
            marked.append(job)
        return marked

    def delete_job(self, job_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    # -- candidates -----------------------------------------------------------------------------

    def add_candidate(
        self,
        job_id: int,
        index: int,
        image: Any,
        codes: bytes | None = None,
        perplexity: float | None = None,
        seed: int | None = None,
    ) -> Candidate:
        """Store one generated image (a PIL image or PNG bytes); committed before returning."""
        try:
            with (
                self._media_row("candidates", _encode_png(image)) as relative,
                self._transaction() as db,
            ):
                cur = db.execute(
                    "INSERT INTO candidates (job_id, idx, image_path, codes, perplexity, seed,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (job_id, index, relative, codes, perplexity, seed, time.time()),
                )
        except sqlite3.IntegrityError as exc:
            raise LibraryError(
                f"Cannot store candidate {index} of job {job_id}: {exc}. The job may have been "
                "deleted, or this candidate was stored already."
            ) from exc
        return self.candidate(cur.lastrowid)

    def import_image(
        self, image: Any, original_name: str, prompt: str | None = None
    ) -> ImportedImage:
        """Add a picture from outside (a PIL image or PNG bytes) to the gallery; `prompt`, when
        given, is shown and searched instead of the file name."""
        now = time.time()
        with self._media_row("imports", _encode_png(image)) as relative, self._transaction() as db:
            import_id = db.execute(
                "INSERT INTO imports (original_name, prompt, created_at) VALUES (?, ?, ?)",
                (original_name, prompt, now),
            ).lastrowid
            candidate_id = db.execute(
                "INSERT INTO candidates (import_id, image_path, created_at) VALUES (?, ?, ?)",
                (import_id, relative, now),
            ).lastrowid
        return ImportedImage(import_id, original_name, now, candidate_id)

    def candidate(self, candidate_id: int) -> Candidate:
        found = self._one(
            f"Candidate {candidate_id}",
            f"SELECT {_CANDIDATE_COLUMNS} FROM {_CANDIDATE_FROM} WHERE c.id = ?",
            (candidate_id,),
            _candidate,
        )
        if found is None:
            raise LibraryError(f"There is no candidate {candidate_id} in the library.")
        return found

    def candidates(
        self,
        *,
        job_id: int | None = None,
        statuses: Iterable[CandidateStatus] | None = None,
        prompt_contains: str | None = None,
        starred: bool | None = None,
        sort: CandidateSort = "perplexity",
        limit: int | None = None,
    ) -> list[Candidate]:
        """Gallery query: filter by job, status, prompt text (as sent or as typed) and star; sort
        as the gallery asks."""
        where: list[str] = []
        args: list[Any] = []
        if job_id is not None:
            where.append("c.job_id = ?")
            args.append(job_id)
        if statuses is not None:
            wanted = [str(s) for s in statuses]
            where.append(f"c.status IN ({','.join('?' * len(wanted))})")
            args.extend(wanted)
        if prompt_contains:
            where.append(
                "(instr(casefold(COALESCE(j.prompt, i.prompt, i.original_name)), casefold(?)) > 0"
                " OR instr(casefold(COALESCE(j.prompt_original, '')), casefold(?)) > 0)"
            )
            args.extend([prompt_contains, prompt_contains])
        if starred is not None:
            where.append("c.starred = ?")
            args.append(int(starred))
        if sort not in _SORTS:
            raise ValueError(f"unknown sort {sort!r}; use one of {sorted(_SORTS)}")
        sql = f"SELECT {_CANDIDATE_COLUMNS} FROM {_CANDIDATE_FROM}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY " + _SORTS[sort]
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        found, exact = self._read("candidates", sql, args, _candidate, _CANDIDATE_BY_ID)
        if exact:
            return found
        # Read one by one around damage: filter and sort here as the query would have.
        wanted = None if statuses is None else {str(s) for s in statuses}
        needle = prompt_contains.casefold() if prompt_contains else None
        found = [
            c
            for c in found
            if (job_id is None or c.job_id == job_id)
            and (wanted is None or str(c.status) in wanted)
            and (needle is None or needle in (c.prompt or "").casefold())
            and (starred is None or c.starred == starred)
        ]
        found.sort(key=_candidate_order(sort))
        return found if limit is None else found[: int(limit)]

    def set_status(self, candidate_ids: Sequence[int], status: CandidateStatus) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE candidates SET status = ? WHERE id = ?",
                [(str(status), cid) for cid in candidate_ids],
            )

    def set_starred(self, candidate_ids: Sequence[int], starred: bool) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE candidates SET starred = ? WHERE id = ?",
                [(int(starred), cid) for cid in candidate_ids],
            )

    # -- cut-outs -------------------------------------------------------------------------------

    def add_cutout(
        self,
        candidate_id: int,
        mask_png: Any,
        method: CutoutMethod,
        confidence: float | None = None,
        edited: bool = False,
        review: str | None = None,
    ) -> Cutout:
        """Save a mask (PIL "L" image or PNG bytes) as the candidate's newest cut-out version;
        `review`: why a person should look at it (`CutoutResult.review`), or None."""
        with self._media_row("masks", _encode_png(mask_png)) as relative, self._transaction() as db:
            version = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM cutouts WHERE candidate_id = ?",
                (candidate_id,),
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO cutouts (candidate_id, version, mask_path, method, confidence,"
                " edited, created_at, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    candidate_id,
                    version,
                    relative,
                    str(method),
                    confidence,
                    int(edited),
                    time.time(),
                    review,
                ),
            )
        return self._cutout_by_id(cur.lastrowid)

    def _cutout_by_id(self, cutout_id: int) -> Cutout:
        found = self._one(
            f"Cut-out {cutout_id}", "SELECT * FROM cutouts WHERE id = ?", (cutout_id,), _cutout
        )
        if found is None:
            raise LibraryError(f"There is no cut-out {cutout_id} in the library.")
        return found

    def current_cutout(self, candidate_id: int) -> Cutout | None:
        history = self.cutout_history(candidate_id)
        return history[-1] if history else None

    def current_cutouts(self, candidate_ids: Iterable[int] | None = None) -> dict[int, Cutout]:
        """The newest readable cut-out of each candidate (all candidates, or those given)."""
        sql = (
            "SELECT * FROM cutouts c WHERE version ="
            " (SELECT MAX(version) FROM cutouts WHERE candidate_id = c.candidate_id)"
        )
        rows, exact = self._read("cutouts", sql, (), _cutout, "SELECT * FROM cutouts WHERE id = ?")
        found: dict[int, Cutout] = {}
        for cutout in sorted(rows, key=lambda c: c.version):  # newest last, so it wins
            found[cutout.candidate_id] = cutout
        if candidate_ids is None:
            return found
        return {cid: found[cid] for cid in candidate_ids if cid in found}

    def cutout_history(self, candidate_id: int) -> list[Cutout]:
        """Every readable saved version, oldest first."""
        rows, exact = self._read(
            "cutouts",
            "SELECT * FROM cutouts WHERE candidate_id = ? ORDER BY version",
            (candidate_id,),
            _cutout,
            "SELECT * FROM cutouts WHERE id = ?",
        )
        if not exact:
            rows = [c for c in rows if c.candidate_id == candidate_id]
            rows.sort(key=lambda c: c.version)
        return rows

    def restore_cutout(self, cutout_id: int) -> Cutout:
        """Make an earlier version current again, as a new version (history is never lost)."""
        old = self._cutout_by_id(cutout_id)
        data = self.abspath(old.mask_path).read_bytes()
        return self.add_cutout(
            old.candidate_id, data, old.method, old.confidence, old.edited, old.review
        )

    # -- packs ----------------------------------------------------------------------------------

    def create_pack(self, title: str, name: str) -> Pack:
        now = time.time()
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO packs (title, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (title, name, now, now),
            )
        return self.pack(cur.lastrowid)

    def pack(self, pack_id: int) -> Pack:
        found = self._one(f"Pack {pack_id}", "SELECT * FROM packs WHERE id = ?", (pack_id,), _pack)
        if found is None:
            raise LibraryError(f"There is no pack {pack_id} in the library.")
        return found

    def packs(self) -> list[Pack]:
        """Every readable pack, oldest first."""
        by_id = "SELECT * FROM packs WHERE id = ?"
        return self._read("packs", "SELECT * FROM packs ORDER BY id", (), _pack, by_id)[0]

    _PACK_FIELDS = frozenset(
        {"title", "name", "outline_px", "shadow", "padding_px", "kind", "needs_repainting"}
    )

    def update_pack(self, pack_id: int, **fields: Any) -> Pack:
        """Change any of title, name, outline_px, shadow, padding_px, kind ('stickers' or
        'emoji') and needs_repainting."""
        unknown = set(fields) - self._PACK_FIELDS
        if unknown:
            raise ValueError(f"unknown pack fields: {sorted(unknown)}")
        if fields:
            sets = ", ".join(f"{name} = ?" for name in fields)
            values = [int(v) if isinstance(v, bool) else v for v in fields.values()]
            with self._transaction() as db:
                db.execute(
                    f"UPDATE packs SET {sets}, updated_at = ? WHERE id = ?",
                    (*values, time.time(), pack_id),
                )
        return self.pack(pack_id)

    def delete_pack(self, pack_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM packs WHERE id = ?", (pack_id,))

    def pack_items(self, pack_id: int) -> list[PackItem]:
        """The pack's readable stickers in order."""
        items, exact = self._read(
            "pack_items",
            "SELECT * FROM pack_items WHERE pack_id = ? ORDER BY position, id",
            (pack_id,),
            _pack_item,
            "SELECT * FROM pack_items WHERE id = ?",
        )
        if not exact:
            items = [i for i in items if i.pack_id == pack_id]
            items.sort(key=lambda i: (i.position, i.id))
        return items

    def add_pack_item(
        self,
        pack_id: int,
        candidate_id: int,
        emoji_list: Sequence[str] = (),
        keywords: Sequence[str] = (),
    ) -> PackItem:
        """Append a sticker at the end of the pack."""
        with self._transaction() as db:
            position = db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM pack_items WHERE pack_id = ?",
                (pack_id,),
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO pack_items (pack_id, candidate_id, position, emoji_list, keywords)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    pack_id,
                    candidate_id,
                    position,
                    json.dumps(list(emoji_list), ensure_ascii=False),
                    json.dumps(list(keywords), ensure_ascii=False),
                ),
            )
            db.execute("UPDATE packs SET updated_at = ? WHERE id = ?", (time.time(), pack_id))
        row = self._conn.execute("SELECT * FROM pack_items WHERE id = ?", (cur.lastrowid,))
        return _pack_item(row.fetchone())

    def update_pack_item(
        self,
        item_id: int,
        *,
        emoji_list: Sequence[str] | None = None,
        keywords: Sequence[str] | None = None,
    ) -> None:
        with self._transaction() as db:
            if emoji_list is not None:
                db.execute(
                    "UPDATE pack_items SET emoji_list = ? WHERE id = ?",
                    (json.dumps(list(emoji_list), ensure_ascii=False), item_id),
                )
            if keywords is not None:
                db.execute(
                    "UPDATE pack_items SET keywords = ? WHERE id = ?",
                    (json.dumps(list(keywords), ensure_ascii=False), item_id),
                )

    def reorder_pack(self, pack_id: int, item_ids_in_order: Sequence[int]) -> None:
        """Set the order of a pack's stickers; `item_ids_in_order` must name each exactly once."""
        current = {item.id for item in self.pack_items(pack_id)}
        if set(item_ids_in_order) != current or len(item_ids_in_order) != len(current):
            raise LibraryError("The new order must list every sticker of the pack exactly once.")
        with self._transaction() as db:
            db.executemany(
                "UPDATE pack_items SET position = ? WHERE id = ?",
                list(enumerate(item_ids_in_order)),
            )

    def remove_pack_item(self, item_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM pack_items WHERE id = ?", (item_id,))
