"""A damaged library file is moved aside (never deleted); what can be read is recovered."""

from __future__ import annotations

from studio.library import JobSpec, Library


def test_garbage_file_is_moved_aside(paths):
    garbage = b"this is not a database, it is a shopping list\n" * 200
    paths.library_db.write_bytes(garbage)

    with Library(paths) as lib:
        moved = lib.moved_aside_to
        assert moved is not None and moved.parent == paths.library_db.parent
        assert moved.read_bytes() == garbage  # kept byte for byte
        assert lib.candidates() == []
        lib.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 1, 1, 1))
    with Library(paths) as again:
        assert again.moved_aside_to is None and len(again.jobs()) == 1


def test_damaged_pages_cost_only_their_rows(paths):
    with Library(paths) as lib:
        for i in range(200):
            lib.create_job(JobSpec("кот " * 50, "emojich", 2048, 0.995, 1.0, i, 1, 1))
        conn = lib._conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(paths.library_db.read_bytes())
    # Overwrite the middle of the file (table pages) with noise, keeping the header valid.
    start = len(data) // 2
    data[start : start + 8192] = bytes((i * 37) % 251 for i in range(8192))
    paths.library_db.write_bytes(bytes(data))

    with Library(paths) as lib:
        assert lib.moved_aside_to is not None and lib.moved_aside_to.read_bytes() == bytes(data)
        jobs = lib.jobs()
        # 8 KiB of noise covers two of the file's pages: their rows are lost, the others kept.
        assert 150 <= len(jobs) < 200
        assert {j.spec.seed for j in jobs} <= set(range(200))
        assert lib.recovery.kept["jobs"] == len(jobs) and lib.recovery.lost["jobs"] > 0
        assert lib.integrity_ok() and lib.unreadable == {}
    assert len(list(paths.library_db.parent.glob("library.sqlite3.damaged-*"))) == 1


def test_a_file_in_use_is_never_replaced_by_a_recovery(paths):
    from studio.library.db import mark_for_repair

    with Library(paths) as first:
        first.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 1, 1, 1))
        mark_for_repair(paths.library_db, "a deep check found damage")
        with Library(paths) as second:  # the window's worker opening while the window is up
            assert second.recovery is None and second.moved_aside_to is None
            assert len(second.jobs()) == 1
        first.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 2, 1, 1))
    with Library(paths) as alone:  # the next start, with nobody else: recovered
        assert alone.recovery is not None
        assert sorted(j.spec.seed for j in alone.jobs()) == [1, 2]  # no write was lost
