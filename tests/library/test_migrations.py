"""Schema versioning: forward migrations from every earlier version, and refusal to downgrade."""

from __future__ import annotations

import sqlite3

import pytest

from studio.library import JobSpec, Library, NewerLibraryError
from studio.library.db import migrate, open_database
from studio.library.schema import MIGRATIONS, SCHEMA_VERSION


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def test_fresh_library_is_at_the_latest_version_in_wal_mode(paths):
    opened = open_database(paths.library_db)
    conn = opened.connection
    assert user_version(conn) == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert opened.moved_aside_to is None


def test_version_1_library_keeps_its_rows_when_migrated(paths):
    # A library as the first release wrote it: only migration 1.
    conn = sqlite3.connect(paths.library_db, isolation_level=None)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO packs (title, name, created_at, updated_at) VALUES ('T', 'n', 1, 1)")
    conn.close()

    with Library(paths) as lib:
        (pack,) = lib.packs()
        assert (pack.title, pack.outline_px, pack.shadow, pack.padding_px) == ("T", 0, False, 0)
    conn = sqlite3.connect(paths.library_db)
    assert user_version(conn) == SCHEMA_VERSION
    conn.close()


def test_migrating_twice_changes_nothing(paths):
    conn = open_database(paths.library_db).connection
    assert migrate(conn) == SCHEMA_VERSION
    assert user_version(conn) == SCHEMA_VERSION


def test_a_newer_library_is_refused_and_left_alone(paths):
    conn = sqlite3.connect(paths.library_db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerLibraryError, match="newer Sticker Studio"):
        Library(paths)
    # Not moved aside, not migrated: still the newer version, in place.
    conn = sqlite3.connect(paths.library_db)
    assert user_version(conn) == SCHEMA_VERSION + 1
    conn.close()
    assert list(paths.library_db.parent.glob("*.damaged-*")) == []


def test_a_schema_laid_out_differently_is_not_damage(paths):
    """Another SQLite version may space an ALTER TABLE differently: that is no damage."""
    with Library(paths) as lib:
        lib.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 1, 1, 1))
    conn = sqlite3.connect(paths.library_db, isolation_level=None)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '    ', '\t') WHERE name = 'packs'")
    conn.execute("PRAGMA writable_schema=OFF")
    conn.close()
    with Library(paths) as lib:
        assert lib.recovery is None and len(lib.jobs()) == 1


def test_a_changed_definition_is_damage_and_is_repaired(paths):
    with Library(paths) as lib:
        lib.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 1, 1, 1))
    conn = sqlite3.connect(paths.library_db, isolation_level=None)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'seed ', 'sead ') WHERE name = 'jobs'"
    )
    conn.execute("PRAGMA writable_schema=OFF")
    conn.close()
    with Library(paths) as lib:
        assert lib.recovery is not None and lib.recovery.schema_repaired
        assert [j.spec.seed for j in lib.jobs()] == [1]
