"""`sticker-studio models list|download|import|verify`."""

from __future__ import annotations

import pytest

from studio.cli import main


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny"))


def test_list_and_verify_an_empty_folder(tmp_path, capsys):
    assert main(["models", "list", "--model-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MISSING dalle" in out and "pytorch_model.bin" in out and "absent  vqgan256" in out
    assert main(["models", "verify", "--model-dir", str(tmp_path)]) == 1
    assert "problem: pytorch_model.bin: missing" in capsys.readouterr().out


def test_tiny_folder_is_complete(tiny_dir, capsys):
    assert main(["models", "verify", "--model-dir", str(tiny_dir)]) == 0
    assert "all model files present" in capsys.readouterr().out


def test_import_finds_official_files_in_a_folder(tmp_path, capsys):
    source = tmp_path / "downloads" / "nested"
    source.mkdir(parents=True)
    (source / "bpe.model").write_text("1 0\n9601 4\n1 0 2 3\n", encoding="ascii")
    (source / "pytorch_model.bin").write_bytes(b"weights")
    target = tmp_path / "models"
    assert main(["models", "import", str(tmp_path / "downloads"), "--model-dir", str(target)]) == 0
    assert "imported: pytorch_model.bin, bpe.model" in capsys.readouterr().out
    assert (target / "bpe.model").read_text(encoding="ascii").startswith("1 0")
    assert main(["models", "import", str(tmp_path / "nowhere"), "--model-dir", str(target)]) == 2


def test_download_offline_is_a_clear_error(tmp_path, capsys):
    # The test environment is offline by design (HF_HUB_OFFLINE=1).
    assert main(["models", "download", "tokenizer", "--model-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "offline" in err and "models import" in err
    assert main(["models", "download", "nonsense", "--model-dir", str(tmp_path)]) == 2
