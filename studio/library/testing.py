"""A realistic small library, byte flips, and what plain SQLite can still read of a damaged file
(the rows a start must keep), for the fault tests and `benchmarks/bench_faults.py`.

Not a product feature, like `studio.engine.testing`.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

from PIL import Image

from studio.library import CandidateStatus, CutoutMethod, JobSpec, JobState, Library
from studio.paths import StudioPaths

JOBS = 6
PER_JOB = 8
CANDIDATES = JOBS * PER_JOB


def build_sample_library(paths: StudioPaths) -> bytes:
    """Jobs, candidates (some kept), cut-outs, a pack and an import; returns the file's bytes
    with everything checkpointed into it (no WAL)."""
    with Library(paths) as lib:
        picture = Image.new("RGB", (4, 4), (255, 0, 0))
        for j in range(JOBS):
            job = lib.create_job(JobSpec(f"котик {j} " * 3, "emojich", 2048, 0.995, 1.0, j, 8, 4))
            for i in range(PER_JOB):
                c = lib.add_candidate(job.id, i, picture, bytes(range(64)), 1.0 + i, i)
                if i % 2:
                    lib.set_status([c.id], CandidateStatus.KEPT)
                if i % 3 == 0:
                    mask = Image.new("L", (4, 4), 255)
                    lib.add_cutout(c.id, mask, CutoutMethod.UNET, 0.9)
            lib.set_job_state(job.id, JobState.FINISHED)
        pack = lib.create_pack("Коты", "cats")
        for candidate_id in range(1, 10):
            lib.add_pack_item(pack.id, candidate_id, ["😀"], ["cat"])
        lib._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return paths.library_db.read_bytes()


def flip_bytes(data: bytes, seed: int) -> bytes:
    """1 to 3 random bits flipped anywhere after the first 100 bytes (the file header)."""
    rnd = random.Random(seed)
    out = bytearray(data)
    for _ in range(rnd.randint(1, 3)):
        position = rnd.randrange(100, len(out))
        out[position] ^= 1 << rnd.randrange(8)
    return bytes(out)


def install(paths: StudioPaths, data: bytes, media_from: StudioPaths | None = None) -> None:
    """Put `data` in place as the library file, with no WAL or recovered file beside it (and
    the pictures it names, copied from `media_from`)."""
    for old in paths.data.glob("library.sqlite3*"):
        old.unlink()
    paths.data.mkdir(parents=True, exist_ok=True)
    paths.library_db.write_bytes(data)
    if media_from is not None:
        shutil.copytree(media_from.media, paths.media, dirs_exist_ok=True)


def readable_candidate_ids(path: Path) -> set[int]:
    """Candidates plain SQLite can read whole from the file, one row at a time."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    conn.text_factory = bytes
    ids = set()
    try:
        for candidate_id in range(1, CANDIDATES + 1):
            try:
                row = conn.execute("SELECT * FROM candidates WHERE id = ?", (candidate_id,))
                if row.fetchone() is not None:
                    ids.add(candidate_id)
            except (sqlite3.Error, UnicodeDecodeError):
                continue
    finally:
        conn.close()
    return ids
