"""`sticker-studio generate` with a prompt that is not Russian: translated first, both recorded."""

from __future__ import annotations

import json

import pytest
import torch

from studio.cli import main
from tests.translate.tiny_marian import reference_translation, write_tiny_marian


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return write_tiny_marian(tmp_path_factory.mktemp("marian"))


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def two_images(prompt, out, tiny_dir, *extra):
    return [
        "generate",
        prompt,
        "-n",
        "2",
        "--out",
        str(out),
        "--seed",
        "5",
        "--batch-size",
        "2",
        "--top-k",
        "16",
        "--model-dir",
        str(tiny_dir),
        "--device",
        "cpu",
        *extra,
    ]


def test_english_prompt_is_translated_and_both_are_recorded(tiny_dir, marian, tmp_path, capsys):
    english = "a cat in a space helmet"
    russian = reference_translation(marian, english)
    out = tmp_path / "out"
    assert main(two_images(english, out, tiny_dir, "--translator-dir", str(marian))) == 0
    assert f"translated: {russian}\n" in capsys.readouterr().out
    result = json.loads((out / "generation.json").read_text(encoding="utf-8"))
    assert result["prompt"] == russian and result["prompt_original"] == english
    # The model was given the Russian: the same images as asking for the Russian directly.
    direct = tmp_path / "direct"
    assert main(two_images(russian, direct, tiny_dir, "--no-translate")) == 0
    again = json.loads((direct / "generation.json").read_text(encoding="utf-8"))
    assert [i["codes"] for i in again["images"]] == [i["codes"] for i in result["images"]]


def test_translator_in_the_models_folder_is_found(tiny_dir, marian, tmp_path, capsys):
    import shutil

    models = tmp_path / "models"
    shutil.copytree(tiny_dir, models)
    shutil.copytree(marian, models / "opus-mt-en-ru")
    english = "the robot is dancing"
    assert main(two_images(english, tmp_path / "out", models)) == 0
    assert f"translated: {reference_translation(marian, english)}" in capsys.readouterr().out


def test_no_translate_sends_the_prompt_as_typed(tiny_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(two_images("a cat", out, tiny_dir, "--no-translate")) == 0
    assert "translated:" not in capsys.readouterr().out
    result = json.loads((out / "generation.json").read_text(encoding="utf-8"))
    assert result["prompt"] == "a cat" == result["prompt_original"]


def test_missing_translator_is_one_line_naming_the_download(tiny_dir, tmp_path, capsys):
    assert main(two_images("a cat", tmp_path / "out", tiny_dir)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "translator" in err
    assert "sticker-studio models download translator" in err and "--no-translate" in err
    assert not (tmp_path / "out").exists()
    # A Russian prompt needs no translator.
    assert main(two_images("кот", tmp_path / "ru", tiny_dir)) == 0
