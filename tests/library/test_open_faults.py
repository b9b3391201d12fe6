"""Fault 1 and 3: a user problem (full, read-only, permission, locked) never moves a healthy
library aside; several processes opening a new library at once do not race."""

from __future__ import annotations

import errno
import multiprocessing
import sqlite3

import pytest

import studio.library.db as db
from studio.library import JobSpec, Library, LibraryError
from studio.library.db import LibraryUnavailable, open_database


def spec(seed: int = 1) -> JobSpec:
    return JobSpec("кот", "emojich", 2048, 0.995, 1.0, seed, 1, 1)


def sqlite_error(code: int, message: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorcode = code
    exc.sqlite_errorname = "injected"
    return exc


@pytest.fixture
def healthy(paths):
    with Library(paths) as lib:
        lib.create_job(spec())
    return paths.library_db.read_bytes()


USER_PROBLEMS = [
    (sqlite3.SQLITE_FULL, "database or disk is full", "disk is full"),
    (sqlite3.SQLITE_READONLY, "attempt to write a readonly database", "read-only"),
    (sqlite3.SQLITE_CANTOPEN, "unable to open database file", "cannot be opened"),
    (sqlite3.SQLITE_BUSY, "database is locked", "locked"),
    (sqlite3.SQLITE_IOERR_WRITE, "disk I/O error", "input/output"),
]


@pytest.mark.parametrize(("code", "message", "said"), USER_PROBLEMS)
def test_a_user_problem_leaves_the_library_alone_and_opens_it_read_only(
    paths, healthy, monkeypatch, code, message, said
):
    def fails(path):
        raise sqlite_error(code, message)

    monkeypatch.setattr(db, "connect", fails)
    with Library(paths) as lib:
        assert lib.read_only and said in lib.read_only_reason
        assert lib.moved_aside_to is None and lib.recovery is None
        assert [j.spec.seed for j in lib.jobs()] == [1]  # still readable
        with pytest.raises(LibraryUnavailable, match="read-only"):
            lib.create_job(spec(2))
    assert paths.library_db.read_bytes() == healthy
    assert not list(paths.data.glob("library.sqlite3.damaged-*"))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_an_os_error_on_the_folder_is_a_user_problem(paths, healthy, monkeypatch, code):
    from pathlib import Path

    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self == paths.data:
            raise OSError(code, "injected", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(LibraryUnavailable):
        open_database(paths.library_db, allow_read_only=False)
    opened = open_database(paths.library_db)
    assert opened.read_only_reason is not None and opened.moved_aside_to is None
    opened.connection.close()
    assert paths.library_db.read_bytes() == healthy


def test_a_full_disk_while_creating_the_schema_is_not_damage(paths, monkeypatch):
    real_connect = db.connect

    def full_disk(path):
        conn = real_connect(path)
        conn.execute("PRAGMA max_page_count = 1")  # SQLite's own SQLITE_FULL on the next page
        return conn

    monkeypatch.setattr(db, "connect", full_disk)
    with pytest.raises(LibraryUnavailable, match="disk is full"):
        Library(paths)  # a schema that cannot be written cannot be read either
    assert not list(paths.data.glob("library.sqlite3.damaged-*"))
    monkeypatch.setattr(db, "connect", real_connect)
    with Library(paths) as lib:  # space again: the set-up simply finishes
        assert lib.jobs() == [] and not lib.read_only


def test_a_write_on_a_full_disk_is_a_user_error_and_leaves_no_file(paths, monkeypatch):
    from PIL import Image

    with Library(paths) as lib:
        job = lib.create_job(spec())
        pages = lib._conn.execute("PRAGMA page_count").fetchone()[0]
        lib._conn.execute(f"PRAGMA max_page_count = {pages}")
        picture = Image.new("RGB", (64, 64), "red")
        with pytest.raises(LibraryUnavailable, match="disk is full"):
            for index in range(200):  # fills the last free pages, then the disk is full
                lib.add_candidate(job.id, index, picture, codes=bytes(4000))
        stored = {c.image_path for c in lib.candidates()}
    on_disk = {f"media/candidates/{p.name}" for p in (paths.media / "candidates").iterdir()}
    assert on_disk == stored  # the picture of the row that failed was removed again


def _open_and_write(home: str, barrier, seed: int, results) -> None:
    import os

    os.environ["STUDIO_HOME"] = home
    from studio.library import Library

    barrier.wait()
    try:
        with Library() as lib:
            lib.create_job(spec(seed))
            results.put(("ok", seed, lib.moved_aside_to is not None))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", seed, repr(exc)))


def test_racing_first_opens_wait_for_each_other(studio_home):
    workers = 6
    context = multiprocessing.get_context("spawn")
    for round_ in range(2):  # a fresh library each round
        home = studio_home / f"race-{round_}"
        barrier = context.Barrier(workers)
        results = context.Queue()
        processes = [
            context.Process(target=_open_and_write, args=(str(home), barrier, seed, results))
            for seed in range(workers)
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        assert sorted(o for o in outcomes if o[0] != "ok") == []
        assert not any(moved for _, _, moved in outcomes)
        data = home / "data"
        assert not list(data.glob("library.sqlite3.damaged-*"))
        conn = sqlite3.connect(data / "library.sqlite3")
        seeds = sorted(row[0] for row in conn.execute("SELECT seed FROM jobs"))
        conn.close()
        assert seeds == list(range(workers))  # every acknowledged write is there


def test_library_error_is_a_studio_error():
    from studio.errors import StudioError

    assert issubclass(LibraryUnavailable, LibraryError) and issubclass(LibraryError, StudioError)
