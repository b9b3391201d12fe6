"""The command line in a temporary STUDIO_HOME, as a user runs it (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args],
        capture_output=True,
        text=True,
        env=env or os.environ.copy(),
        timeout=120,
    )


def test_help_lists_the_commands_quickly():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "usage: sticker-studio" in result.stdout
    assert "doctor" in result.stdout


def test_help_does_not_import_torch_or_qt():
    code = (
        "import sys; from studio.cli import build_parser; build_parser();"
        "print('torch' in sys.modules, 'PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_doctor_reports_the_machine(studio_home):
    result = run_cli("doctor")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Python" in out and sys.version.split()[0] in out
    assert "torch:" in out
    assert "CUDA" in out or "GPU" in out
    assert str(studio_home) in out  # the folders are the temporary home's
    assert "free disk" in out
    assert (studio_home / "logs" / "studio.log").exists()


def test_unknown_command_is_a_usage_error():
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
