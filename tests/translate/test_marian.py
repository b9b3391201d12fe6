"""The translator gives exactly what transformers' own generate + decode gives for the folder."""

from __future__ import annotations

import json

import pytest

from studio.translate.files import (
    DOWNLOAD_COMMAND,
    TranslatorMissing,
    missing_files,
    require_translator,
)
from studio.translate.marian import Translator, TranslatorError
from tests.translate.tiny_marian import reference_translation

TEXTS = ["a cat in a space helmet", "Happy frog, jumping!", "robot"]


@pytest.mark.parametrize("fixture", ["tiny_marian", "tiny_marian_bin"])
def test_same_russian_as_transformers_generate(fixture, request):
    folder = request.getfixturevalue(fixture)
    translator = Translator.load(folder)
    for text in TEXTS:
        expected = reference_translation(folder, text)
        assert translator.translate(text) == expected
        assert translator.translate(text) == expected  # same text in, same Russian out
    assert len({translator.translate(t) for t in TEXTS}) > 1  # the input matters


def test_the_folders_beam_search_is_used(tiny_marian):
    from transformers import MarianMTModel, MarianTokenizer

    assert json.loads((tiny_marian / "generation_config.json").read_text())["num_beams"] == 3
    translator = Translator.load(tiny_marian)
    tokenizer = MarianTokenizer.from_pretrained(tiny_marian, local_files_only=True)
    model = MarianMTModel.from_pretrained(tiny_marian, local_files_only=True)
    text = TEXTS[1]
    batch = tokenizer([text], return_tensors="pt")
    beams = tokenizer.decode(model.generate(**batch)[0], skip_special_tokens=True)
    greedy = tokenizer.decode(model.generate(**batch, num_beams=1)[0], skip_special_tokens=True)
    assert translator.translate(text) == beams
    assert beams != greedy  # so the check above really tells beam search from greedy


def test_russian_is_left_as_it_is(tiny_marian):
    translator = Translator.load(tiny_marian)
    assert translator.to_russian("Кот в шлеме") == "Кот в шлеме"
    assert translator.to_russian(TEXTS[0]) == reference_translation(tiny_marian, TEXTS[0])


def test_missing_or_empty_folder_says_how_to_get_the_translator(tmp_path, tiny_marian):
    for folder in (tmp_path / "nowhere", tmp_path):
        with pytest.raises(TranslatorMissing) as missing:
            Translator.load(folder)
        assert DOWNLOAD_COMMAND in str(missing.value) and "\n" not in str(missing.value)
    assert missing_files(tiny_marian) == []
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "config.json").write_text("{}")
    with pytest.raises(TranslatorMissing, match="missing in .*source.spm"):
        require_translator(partial)


def test_damaged_files_are_a_clear_error(tiny_marian, tmp_path):
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_marian, damaged)
    (damaged / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(TranslatorError, match="cannot be loaded"):
        Translator.load(damaged)
