"""The library: one object per thread over the SQLite file and the media folder.

Each thread (the window, the generation worker) opens its own `Library`; WAL mode lets them read
and write side by side. Files are written before the row that names them, atomically, so a row
never points at a missing or half-written file, whatever moment the process dies at.
"""

from __future__ import annotations

import io
import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from studio.fileio import atomic_write_bytes
from studio.library.db import LibraryError, open_database
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
from studio.library.telegram_records import TelegramRecords
from studio.paths import StudioPaths, studio_paths

CandidateSort = Literal["perplexity", "time", "prompt"]

_CANDIDATE_COLUMNS = (
    "c.id, c.job_id, c.import_id, c.idx, c.image_path, c.codes, c.perplexity, c.seed, c.status,"
    " c.starred, c.created_at, COALESCE(j.prompt, i.original_name) AS prompt"
)
_CANDIDATE_FROM = (
    "candidates c LEFT JOIN jobs j ON j.id = c.job_id LEFT JOIN imports i ON i.id = c.import_id"
)
_SORTS: dict[str, str] = {
    # Lower perplexity is better; imported images (no perplexity) go last.
    "perplexity": "c.perplexity IS NULL, c.perplexity ASC, c.id ASC",
    "time": "c.created_at DESC, c.id DESC",
    "prompt": "casefold(prompt) ASC, c.perplexity IS NULL, c.perplexity ASC, c.id ASC",
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


class Library(TelegramRecords):
    """Repository API over the library database and its media files."""

    def __init__(self, paths: StudioPaths | None = None) -> None:
        self.paths = (paths or studio_paths()).ensure()
        opened = open_database(self.paths.library_db)
        self._conn = opened.connection
        #: Where a damaged library file was moved to when this one was opened, if it was.
        self.moved_aside_to: Path | None = opened.moved_aside_to

    # -- plumbing -------------------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def abspath(self, relative: str) -> Path:
        """The real path of a file the library names (stored relative to the data folder)."""
        return self.paths.data / relative

    def _write_media(self, folder: str, data: bytes, suffix: str = ".png") -> str:
        relative = f"media/{folder}/{uuid.uuid4().hex}{suffix}"
        atomic_write_bytes(self.abspath(relative), data)
        return relative

    def integrity_ok(self) -> bool:
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- jobs -----------------------------------------------------------------------------------

    def create_job(self, spec: JobSpec) -> Job:
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO jobs (prompt, model_id, top_k, top_p, temperature, seed,"
                " images_requested, batch_size, source_candidate_id, prompt_rows, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ),
            )
        return self.job(cur.lastrowid)

    def job(self, job_id: int) -> Job:
        row = self._conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise LibraryError(f"There is no job {job_id} in the library.")
        return _job(row)

    def jobs(self, states: Iterable[JobState] | None = None) -> list[Job]:
        """Jobs, oldest first, optionally only those in `states`."""
        if states is None:
            rows = self._conn.execute("SELECT * FROM jobs ORDER BY id").fetchall()
        else:
            wanted = [str(s) for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self._conn.execute(
                f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY id", wanted
            ).fetchall()
        return [_job(r) for r in rows]

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
        """Jobs left 'running' by a process that died; call once at start-up."""
        stale = self.jobs([JobState.RUNNING])
        for job in stale:
            self.set_job_state(job.id, JobState.INTERRUPTED, "The app stopped while it ran.")
        return stale

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
        relative = self._write_media("candidates", _encode_png(image))
        try:
            with self._transaction() as db:
                cur = db.execute(
                    "INSERT INTO candidates (job_id, idx, image_path, codes, perplexity, seed,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (job_id, index, relative, codes, perplexity, seed, time.time()),
                )
        except sqlite3.IntegrityError as exc:
            self.abspath(relative).unlink(missing_ok=True)  # no row will ever name it
            raise LibraryError(
                f"Cannot store candidate {index} of job {job_id}: {exc}. The job may have been "
                "deleted, or this candidate was stored already."
            ) from exc
        return self.candidate(cur.lastrowid)

    def import_image(self, image: Any, original_name: str) -> ImportedImage:
        """Add a picture from outside (a PIL image or PNG bytes) to the gallery."""
        relative = self._write_media("imports", _encode_png(image))
        now = time.time()
        with self._transaction() as db:
            import_id = db.execute(
                "INSERT INTO imports (original_name, created_at) VALUES (?, ?)",
                (original_name, now),
            ).lastrowid
            candidate_id = db.execute(
                "INSERT INTO candidates (import_id, image_path, created_at) VALUES (?, ?, ?)",
                (import_id, relative, now),
            ).lastrowid
        return ImportedImage(import_id, original_name, now, candidate_id)

    def candidate(self, candidate_id: int) -> Candidate:
        row = self._conn.execute(
            f"SELECT {_CANDIDATE_COLUMNS} FROM {_CANDIDATE_FROM} WHERE c.id = ?", (candidate_id,)
        ).fetchone()
        if row is None:
            raise LibraryError(f"There is no candidate {candidate_id} in the library.")
        return _candidate(row)

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
        """Gallery query: filter by job, status, prompt text and star; sort as the gallery asks."""
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
                "instr(casefold(COALESCE(j.prompt, i.original_name)), casefold(?)) > 0"
            )
            args.append(prompt_contains)
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
        return [_candidate(r) for r in self._conn.execute(sql, args).fetchall()]

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
    ) -> Cutout:
        """Save a mask (PIL "L" image or PNG bytes) as the candidate's newest cut-out version."""
        relative = self._write_media("masks", _encode_png(mask_png))
        with self._transaction() as db:
            version = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM cutouts WHERE candidate_id = ?",
                (candidate_id,),
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO cutouts (candidate_id, version, mask_path, method, confidence,"
                " edited, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (candidate_id, version, relative, str(method), confidence, int(edited),
                 time.time()),
            )
        return self._cutout_by_id(cur.lastrowid)

    def _cutout_by_id(self, cutout_id: int) -> Cutout:
        row = self._conn.execute("SELECT * FROM cutouts WHERE id = ?", (cutout_id,)).fetchone()
        if row is None:
            raise LibraryError(f"There is no cut-out {cutout_id} in the library.")
        return _cutout(row)

    def current_cutout(self, candidate_id: int) -> Cutout | None:
        row = self._conn.execute(
            "SELECT * FROM cutouts WHERE candidate_id = ? ORDER BY version DESC LIMIT 1",
            (candidate_id,),
        ).fetchone()
        return _cutout(row) if row else None

    def current_cutouts(self, candidate_ids: Iterable[int] | None = None) -> dict[int, Cutout]:
        """The newest cut-out of each candidate (all candidates, or those given)."""
        sql = (
            "SELECT * FROM cutouts c WHERE version ="
            " (SELECT MAX(version) FROM cutouts WHERE candidate_id = c.candidate_id)"
        )
        rows = self._conn.execute(sql).fetchall()
        found = {r["candidate_id"]: _cutout(r) for r in rows}
        if candidate_ids is None:
            return found
        return {cid: found[cid] for cid in candidate_ids if cid in found}

    def cutout_history(self, candidate_id: int) -> list[Cutout]:
        """Every saved version, oldest first."""
        rows = self._conn.execute(
            "SELECT * FROM cutouts WHERE candidate_id = ? ORDER BY version", (candidate_id,)
        ).fetchall()
        return [_cutout(r) for r in rows]

    def restore_cutout(self, cutout_id: int) -> Cutout:
        """Make an earlier version current again, as a new version (history is never lost)."""
        old = self._cutout_by_id(cutout_id)
        data = self.abspath(old.mask_path).read_bytes()
        return self.add_cutout(old.candidate_id, data, old.method, old.confidence, old.edited)

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
        row = self._conn.execute("SELECT * FROM packs WHERE id = ?", (pack_id,)).fetchone()
        if row is None:
            raise LibraryError(f"There is no pack {pack_id} in the library.")
        return _pack(row)

    def packs(self) -> list[Pack]:
        return [_pack(r) for r in self._conn.execute("SELECT * FROM packs ORDER BY id")]

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
        rows = self._conn.execute(
            "SELECT * FROM pack_items WHERE pack_id = ? ORDER BY position, id", (pack_id,)
        ).fetchall()
        return [_pack_item(r) for r in rows]

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
