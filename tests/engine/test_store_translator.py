"""The translator as an optional file set of the model store: listed, imported, downloaded,
verified, never required for generation."""

from __future__ import annotations

import json
import shutil

import pytest

from studio.cli import main
from studio.engine.errors import ModelFileError
from studio.engine.store import MANIFEST, ModelStore
from studio.translate.files import TRANSLATOR_DIR, missing_files
from tests.translate.tiny_marian import write_tiny_marian

SNAPSHOT = [
    "config.json",
    "pytorch_model.bin",
    "generation_config.json",
    "source.spm",
    "target.spm",
    "vocab.json",
    "tokenizer_config.json",
]


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return write_tiny_marian(tmp_path_factory.mktemp("marian"))


def _translator(store):
    return [s for s in store.status() if s.key == "translator"]


def test_optional_and_never_needed_for_generation(tmp_path):
    store = ModelStore(tmp_path)
    files = _translator(store)
    assert [f.filename for f in files] == [f"{TRANSLATOR_DIR}/{n}" for n in SNAPSHOT]
    assert not any(f.required or f.present for f in files)
    assert "translator" not in {s.key for s in store.missing()}
    assert not any("opus-mt" in p for p in store.verify())


def test_import_takes_a_whole_snapshot_with_safetensors_weights(marian, tmp_path, capsys):
    source = tmp_path / "downloads" / "models--Helsinki-NLP--opus-mt-en-ru" / "snapshots" / "abc"
    shutil.copytree(marian, source)
    (tmp_path / "downloads" / "config.json").write_text("{}")  # someone else's config
    models = tmp_path / "models"
    assert main(["models", "import", str(tmp_path / "downloads"), "--model-dir", str(models)]) == 0
    assert f"{TRANSLATOR_DIR}/model.safetensors" in capsys.readouterr().out
    folder = models / TRANSLATOR_DIR
    assert missing_files(folder) == []
    assert (folder / "config.json").read_bytes() == (marian / "config.json").read_bytes()
    files = _translator(ModelStore(models))
    assert all(f.present for f in files)
    assert f"{TRANSLATOR_DIR}/model.safetensors" in [f.filename for f in files]
    assert main(["models", "list", "--model-dir", str(models)]) == 0
    listing = capsys.readouterr().out
    assert "ok      translator opus-mt-en-ru/model.safetensors" in listing


def test_a_snapshot_with_pickled_weights_is_not_taken_for_emojich(tmp_path, capsys):
    source = write_tiny_marian(tmp_path / "snapshot", weights="bin")
    models = tmp_path / "models"
    assert main(["models", "import", str(source), "--model-dir", str(models)]) == 0
    assert not (models / "pytorch_model.bin").exists()  # the Emojich transformer's name
    assert (models / TRANSLATOR_DIR / "pytorch_model.bin").is_file()
    assert missing_files(models / TRANSLATOR_DIR) == []


def test_an_incomplete_snapshot_is_not_imported_file_by_file(marian, tmp_path):
    source = tmp_path / "partial"
    shutil.copytree(marian, source)
    (source / "target.spm").unlink()
    models = tmp_path / "models"
    with pytest.raises(ModelFileError, match="no model files found"):
        ModelStore(models).import_folder(source)
    assert not (models / TRANSLATOR_DIR).exists()


def test_verify_reports_a_translator_partly_there(marian, tmp_path):
    shutil.copytree(marian, tmp_path / TRANSLATOR_DIR)
    assert ModelStore(tmp_path).verify() == [
        p for p in ModelStore(tmp_path).verify() if "opus-mt" not in p
    ]
    (tmp_path / TRANSLATOR_DIR / "target.spm").unlink()
    assert f"{TRANSLATOR_DIR}/target.spm: missing (English -> Russian translator)" in (
        ModelStore(tmp_path).verify()
    )


def test_download_translator_fetches_the_snapshot_into_its_folder(tmp_path, monkeypatch):
    import huggingface_hub

    asked = []

    def fake_download(repo, filename, *, local_dir, tqdm_class):
        asked.append((repo, filename, local_dir))
        path = local_dir / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        return str(path)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    monkeypatch.setattr(huggingface_hub, "get_hf_file_metadata", lambda url: None)
    store = ModelStore(tmp_path)
    done = store.download(["translator"])
    assert done == [f"{TRANSLATOR_DIR}/{n}" for n in SNAPSHOT]
    assert {repo for repo, _, _ in asked} == {"Helsinki-NLP/opus-mt-en-ru"}
    assert [name for _, name, _ in asked] == SNAPSHOT  # hub paths: the repository's root
    assert {local for _, _, local in asked} == {tmp_path / TRANSLATOR_DIR}
    assert not (tmp_path / "pytorch_model.bin").exists()  # not the Emojich weights' place
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest[f"{TRANSLATOR_DIR}/vocab.json"] == {"size": 1}
    assert store.download(["translator"]) == []
    (tmp_path / TRANSLATOR_DIR / "vocab.json").write_bytes(b"")
    assert f"{TRANSLATOR_DIR}/vocab.json: empty file" in store.verify()


def test_download_all_required_leaves_the_translator_alone(tmp_path, monkeypatch):
    import huggingface_hub

    asked = []

    def fake_download(repo, filename, *, local_dir, tqdm_class):
        asked.append(repo)
        path = local_dir / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        return str(path)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    monkeypatch.setattr(huggingface_hub, "get_hf_file_metadata", lambda url: None)
    ModelStore(tmp_path).download()
    assert "Helsinki-NLP/opus-mt-en-ru" not in asked


def test_doctor_reports_the_translator(marian, paths, capsys):
    main(["doctor"])
    assert "optional translator opus-mt-en-ru/" in capsys.readouterr().out
    shutil.copytree(marian, paths.models / TRANSLATOR_DIR)
    main(["doctor"])
    assert "found    translator opus-mt-en-ru/" in capsys.readouterr().out
