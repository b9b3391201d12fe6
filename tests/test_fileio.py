from __future__ import annotations

import os
import stat

import pytest

from studio.fileio import atomic_open, atomic_write_bytes, atomic_write_json


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "a.bin"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.bin"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.json"
    atomic_write_json(target, {"v": 1})
    with pytest.raises(RuntimeError):
        with atomic_open(target, "w") as handle:
            handle.write('{"v": 2, "half')
            raise RuntimeError("disk full")
    assert target.read_text() == '{\n  "v": 1\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_files_get_ordinary_permissions(tmp_path):
    # A new file gets what open() would give it (not the temporary file's private 0600), so an
    # exported pack can be shared; a replaced file keeps its own permissions.
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = tmp_path / "fresh.webp"
    atomic_write_bytes(fresh, b"x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.json"
    kept.write_bytes(b"{}")
    kept.chmod(0o640)
    atomic_write_json(kept, {"a": 1})
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
