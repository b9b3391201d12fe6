"""`BpeTokenizer` gives YouTokenToMe's ids on any text, and reads its model files itself."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rudalle_reference import reference_bpe

from studio.engine.errors import TokenizerError
from studio.engine.tokenizer import BpeTokenizer

CORPUS = (
    "котик с сердечком улыбается. Радостный смайлик! грустный котик плачет, собака в шапке\n"
    "зелёный дракон машет лапой; милый медведь с цветком — кот спит на облаке 123 456\n"
    "happy cat with a heart, sad dog crying: green dragon waving (cute bear sleeping)\n"
) * 20

ALPHABET = "котиксердчмляуыёжзщэюъьКОТ abcdeghilnpstwyABC019 .,!?-\t\n\r\v\f▁😀🐱€ßæ\u00a0\u3000"
SAMPLES = [
    "",
    "   ",
    "котик",
    "Котик с сердечком",
    "котик  с   сердечком   ",
    "  leading spaces and trailing\t\n",
    "emoji 😀🐱 inside слов😀а",
    "unknown ßæ€ chars",
    "ßæ€",
    "a▁b▁▁c",
    "non\u00a0breaking\u3000space",
    "очень " * 80,
    "happy cat with a heart",
]


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory):
    import youtokentome

    folder = tmp_path_factory.mktemp("bpe")
    (folder / "corpus.txt").write_text(CORPUS, encoding="utf-8")
    youtokentome.BPE.train(
        data=str(folder / "corpus.txt"),
        model=str(folder / "bpe.model"),
        vocab_size=150,
        n_threads=1,
    )
    return folder / "bpe.model"


@pytest.fixture(scope="module")
def tokenizers(trained_model):
    return BpeTokenizer.from_file(trained_model), reference_bpe(trained_model)


def _reference_ids(bpe, text: str) -> list[int]:
    import youtokentome

    return bpe.encode([text], output_type=youtokentome.OutputType.ID)[0]


@pytest.mark.parametrize("text", SAMPLES)
def test_ids_equal_youtokentome(tokenizers, text):
    ours, reference = tokenizers
    assert ours.encode_ids(text) == _reference_ids(reference, text)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_ids_equal_youtokentome_on_any_text(tokenizers, text):
    ours, reference = tokenizers
    assert ours.encode_ids(text) == _reference_ids(reference, text)


def test_vocab_size_equals_youtokentome(tokenizers):
    ours, reference = tokenizers
    assert ours.vocab_size == reference.vocab_size()


def test_encode_text_wraps_pads_and_truncates(tokenizers):
    ours, reference = tokenizers
    ids = ours.encode_text("котик", 12)
    body = _reference_ids(reference, "котик")
    assert ids.dtype == torch.long and ids.shape == (12,)
    assert ids.tolist() == [2, *body, 3] + [0] * (12 - len(body) - 2)
    long_ids = ours.encode_text("очень " * 80, 16)
    assert long_ids.tolist() == [2, *_reference_ids(reference, "очень " * 80)][:16]


def test_tiny_model_file_matches_youtokentome(tiny_dir):
    ours = BpeTokenizer.from_file(tiny_dir / "bpe.model")
    reference = reference_bpe(tiny_dir / "bpe.model")
    for text in SAMPLES:
        assert ours.encode_ids(text) == _reference_ids(reference, text)


def test_bad_files_raise_clear_errors(tmp_path):
    with pytest.raises(TokenizerError, match="not found"):
        BpeTokenizer.from_file(tmp_path / "missing.model")
    truncated = tmp_path / "truncated.model"
    truncated.write_text("10 5\n9601 4\n97 5\n", encoding="ascii")
    with pytest.raises(TokenizerError, match="truncated"):
        BpeTokenizer.from_file(truncated)
    binary = tmp_path / "binary.model"
    binary.write_bytes(b"\x80\x04\x95PK\x03\x04")
    with pytest.raises(TokenizerError, match="not a YouTokenToMe"):
        BpeTokenizer.from_file(binary)
