"""`generate` without the model files stops at once: one line naming `models download`, before
torch, the sampler or the translator are loaded, and nothing is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Runs the command in a fresh interpreter and reports what it had imported when it returned.
_PROBE = (
    "import sys; from studio.cli import main; rc = main(sys.argv[1:]); "
    "print(rc, 'torch' in sys.modules, 'transformers' in sys.modules)"
)


def _generate(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "STUDIO_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", _PROBE, "generate", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize("prompt", ["кот", "a cat in a hat"])  # the second needs a translator
def test_missing_model_files_fail_before_anything_heavy_is_loaded(tmp_path, prompt):
    out = tmp_path / "out"
    done = _generate(tmp_path, prompt, "-n", "4", "--out", str(out))
    assert done.stdout.split() == ["2", "False", "False"]
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: model files missing in ")
    assert "pytorch_model.bin" in lines[0] and "`sticker-studio models download`" in lines[0]
    assert not out.exists()


def test_a_partly_filled_folder_names_only_what_is_missing(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "bpe.model").write_text("1 0\n", encoding="ascii")
    done = _generate(tmp_path, "кот", "--out", str(tmp_path / "out"), "--model-dir", str(models))
    assert done.stdout.split() == ["2", "False", "False"]
    assert "bpe.model" not in done.stderr and "vqgan" in done.stderr
