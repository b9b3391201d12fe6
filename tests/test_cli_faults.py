"""The command line when the log folder cannot be written, the disk is full or the data folder
is read-only: commands still work, a user error is exactly one stderr line, never a logging
traceback, never exit 3."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from studio.cli import main


def err_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=180,
    )


@pytest.fixture
def no_log_folder(studio_home):
    (studio_home / "logs").write_text("a file where the log folder should be")
    yield
    logging.getLogger("studio").handlers.clear()


def test_commands_work_when_the_log_folder_cannot_be_created(no_log_folder, tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (32, 32), "blue").save(picture)
    for args in (["doctor"], ["import", str(picture)], ["library", "check"]):
        result = run_cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert "Logging error" not in result.stderr and "Traceback" not in result.stderr
    result = run_cli("pack", "check", str(tmp_path))
    assert result.returncode == 1 and "manifest" in result.stdout
    assert "Logging error" not in result.stderr


def test_a_user_error_is_one_stderr_line_without_a_log_folder(no_log_folder, tmp_path):
    result = run_cli("import", str(tmp_path / "missing.png"))
    assert result.returncode == 2
    assert err_lines(result.stderr) == ["error: 1 of 1 picture(s) were skipped (see above)"]
    result = run_cli("pack", "check", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and len(err_lines(result.stderr)) == 1


def test_a_log_that_cannot_be_written_prints_no_logging_traceback(studio_home, capsys):
    from studio.logs import setup_logging

    setup_logging(studio_home / "logs")
    handler = next(h for h in logging.getLogger("studio").handlers if hasattr(h, "baseFilename"))

    class FullDisk:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

    handler.stream = FullDisk()
    logging.getLogger("studio.test").error("this cannot be written")
    assert capsys.readouterr().err == ""
    handler.stream = None


def test_a_bug_without_a_log_file_says_where_the_details_are(no_log_folder, capsys, monkeypatch):
    import studio.commands.library as library_command

    def bug(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(library_command, "run_check", bug)
    assert main(["library", "check"]) == 3
    assert "details are above" in capsys.readouterr().err


def test_an_os_error_from_deep_inside_is_exit_2(capsys, monkeypatch):
    import studio.commands.library as library_command

    def full(args):
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/data/x")
        except OSError as exc:
            raise RuntimeError("wrapped") from exc

    monkeypatch.setattr(library_command, "run_check", full)
    assert main(["library", "check"]) == 2
    lines = err_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "no space left on device" in lines[0]


@contextlib.contextmanager
def small_disk(path: Path, size: str):
    """A tmpfs of `size` at `path` (root only); skips the test where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_data_folder_still_allows_doctor_check_and_reading(studio_home, tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (32, 32), "blue").save(picture)
    with small_disk(studio_home, "4m"):
        assert run_cli("import", str(picture)).returncode == 0
        before = (studio_home / "data" / "library.sqlite3").read_bytes()
        remount = subprocess.run(["mount", "-o", "remount,ro", str(studio_home)])
        assert remount.returncode == 0
        result = run_cli("doctor")
        assert result.returncode == 0 and "candidates: 1" in result.stdout
        assert "read-only" in result.stdout
        assert "Logging error" not in result.stderr and "Traceback" not in result.stderr
        result = run_cli("library", "check")
        assert result.returncode == 0 and "candidates: 1" in result.stdout
        result = run_cli("import", str(picture))
        assert result.returncode == 2 and len(err_lines(result.stderr)) == 1, result.stderr
        assert "read-only" in result.stderr
        assert (studio_home / "data" / "library.sqlite3").read_bytes() == before
        assert not list((studio_home / "data").glob("*.damaged-*"))


def test_a_full_disk_during_pack_build_is_exit_2_with_one_line(studio_home, tmp_path):
    import numpy as np

    pixels = np.random.default_rng(0).integers(0, 256, (512, 512, 4), dtype=np.uint8)
    pixels[:60, :, 3] = 0  # a transparent band: no cut-out needed
    sticker = Image.fromarray(pixels, "RGBA")
    source = tmp_path / "sticker.png"
    sticker.save(source)
    with small_disk(tmp_path / "disk", "200k") as disk:
        (disk / "filler").write_bytes(b"\0" * 150_000)
        result = run_cli(
            "pack",
            "build",
            str(source),
            str(source),
            "--title",
            "T",
            "--name",
            "abc",
            "--emoji",
            "😀",
            "--out",
            str(disk / "pack"),
        )
        assert result.returncode == 2, result.stderr
        assert len(err_lines(result.stderr)) == 1 and "no space" in result.stderr.lower()
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # nothing half-written
