"""`sticker-studio translate TEXT [--model-dir DIR]` on a tiny MarianMT folder."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studio.cli import main
from tests.translate.tiny_marian import reference_translation, write_tiny_marian

MISSING_LINE = (
    "error: the translator (Helsinki-NLP/opus-mt-en-ru) is not installed; get it with "
    "`sticker-studio models download translator` or `sticker-studio models import DIR`\n"
)


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return write_tiny_marian(tmp_path_factory.mktemp("marian"))


@pytest.fixture(scope="module")
def marian_bin(tmp_path_factory):
    return write_tiny_marian(tmp_path_factory.mktemp("marian-bin"), weights="bin", seed=3)


@pytest.mark.parametrize("fixture", ["marian", "marian_bin"])
def test_last_line_is_transformers_own_translation(fixture, request, capsys):
    folder = request.getfixturevalue(fixture)
    text = "a cute panda holds a heart"
    assert main(["translate", text, "--model-dir", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == reference_translation(folder, text)


def test_russian_is_printed_unchanged(marian, capsys):
    assert main(["translate", "Кот в космическом шлеме", "--model-dir", str(marian)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Кот в космическом шлеме"


def test_missing_or_empty_model_dir_is_the_missing_translator_line(tmp_path, capsys):
    for folder in (tmp_path / "nowhere", tmp_path):
        assert main(["translate", "a cat", "--model-dir", str(folder)]) == 2
        assert capsys.readouterr().err == MISSING_LINE
    # Without --model-dir only the model store is searched (empty in this test's home).
    assert main(["translate", "a cat"]) == 2
    assert capsys.readouterr().err == MISSING_LINE


def test_the_model_store_translator_is_used(marian, paths, capsys):
    import shutil

    shutil.copytree(marian, paths.models / "opus-mt-en-ru")
    assert main(["translate", "the robot is dancing"]) == 0
    expected = reference_translation(marian, "the robot is dancing")
    assert capsys.readouterr().out.splitlines()[-1] == expected


def test_a_models_folder_holding_the_translator_will_do(marian, tmp_path, capsys):
    import shutil

    shutil.copytree(marian, tmp_path / "opus-mt-en-ru")
    assert main(["translate", "robot", "--model-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == reference_translation(marian, "robot")


@pytest.mark.slow
def test_as_a_process_stdout_ends_with_the_russian(marian):
    text = "happy sun with sunglasses"
    result = subprocess.run(
        [sys.executable, "-m", "studio", "translate", text, "--model-dir", str(marian)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == reference_translation(marian, text)
