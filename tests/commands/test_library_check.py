"""`sticker-studio library check [--repair]`: exit 0 healthy, 1 with named problems, never
anything else; the repair fixes what can be fixed."""

from __future__ import annotations

import os
import time

from PIL import Image

from studio.cli import main
from studio.library import CutoutMethod, JobSpec, Library
from studio.library.testing import CANDIDATES, build_sample_library, install


def run(capsys, *args) -> tuple[int, list[str]]:
    code = main(["library", "check", *args])
    return code, capsys.readouterr().out.splitlines()


def test_no_library_yet_is_healthy(paths, capsys):
    code, out = run(capsys)
    assert code == 0 and "candidates: 0" in out


def test_a_healthy_library(paths, capsys):
    build_sample_library(paths)
    code, out = run(capsys)
    assert code == 0
    assert f"candidates: {CANDIDATES}" in out and "library: healthy" in out


def test_missing_files_and_orphans_are_named_then_repaired(paths, capsys):
    with Library(paths) as lib:
        job = lib.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 1, 3, 1))
        kept = [lib.add_candidate(job.id, i, Image.new("RGB", (4, 4))) for i in range(3)]
        mask = lib.add_cutout(kept[0].id, Image.new("L", (4, 4), 255), CutoutMethod.MANUAL)
        lib.abspath(kept[1].image_path).unlink()
        lib.abspath(mask.mask_path).unlink()
    orphan = paths.media / "candidates" / ("ab" * 16 + ".png")
    orphan.write_bytes(b"a picture no row names")
    tmp = paths.media / "masks" / ".0123.png.abcdefgh.tmp"
    tmp.write_bytes(b"half")
    code, out = run(capsys)
    assert code == 1 and "candidates: 3" in out
    problems = [line for line in out if line.startswith("problem:")]
    assert any("1 candidate picture(s) missing" in p for p in problems)
    assert any("1 cut-out mask file(s) missing" in p for p in problems)
    assert any("leftover temporary" in p for p in problems)

    code, out = run(capsys, "--repair")
    assert code == 0, out
    assert "candidates: 2" in out and "library: healthy" in out
    assert any(line.startswith("repaired:") for line in out)
    assert not tmp.exists()
    code, out = run(capsys)
    assert code == 0


def test_orphans_are_found_when_every_row_is_fine(paths, capsys):
    build_sample_library(paths)
    orphan = paths.media / "imports" / ("cd" * 16 + ".png")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"left by a killed import")
    code, out = run(capsys)
    assert code == 1 and any("orphan media" in line for line in out)
    code, out = run(capsys, "--repair")
    assert code == 0 and not orphan.exists()


def test_a_damaged_file_is_reported_and_recovered(paths, capsys):
    data = bytearray(build_sample_library(paths))
    start = len(data) // 2
    data[start : start + 4096] = bytes(4096)  # one page of zeros in the middle
    install(paths, bytes(data))
    code, out = run(capsys)
    assert code == 1
    assert any(line.startswith("problem:") for line in out)
    code, out = run(capsys, "--repair")
    assert code == 0, out
    assert any("recovered" in line for line in out)
    assert list(paths.data.glob("library.sqlite3.damaged-*"))
    with Library(paths) as lib:
        assert lib.candidates() and lib.unreadable == {}


def test_garbage_is_exit_1_never_a_crash(paths, capsys):
    paths.library_db.write_bytes(b"this is not a database" * 300)
    code, out = run(capsys)
    assert code == 1 and "candidates: 0" in out
    assert any(line.startswith("problem:") for line in out)


def test_doctor_reports_the_library(paths, capsys):
    build_sample_library(paths)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Library" in out and f"candidates: {CANDIDATES}" in out and "library: healthy" in out


def test_repair_failure_is_still_exit_0_or_1(paths, capsys, monkeypatch):
    import studio.library.check as check

    build_sample_library(paths)
    orphan = paths.media / "imports" / ("ef" * 16 + ".png")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"x")
    old = time.time() - 3600
    os.utime(orphan, (old, old))

    def broken(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(orphan))

    monkeypatch.setattr(check, "remove", broken)
    code, out = run(capsys, "--repair")
    assert code == 1 and any("read-only file system" in line for line in out)
