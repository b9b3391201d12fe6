"""The models folder: official files, custom folders, verification and downloads."""

from __future__ import annotations

import hashlib
import json
import sys
from types import SimpleNamespace

import pytest

from studio.engine.errors import ModelDownloadError, ModelFileError, ModelFilesMissing
from studio.engine.store import MANIFEST, DownloadCancelled, ModelStore


def test_default_folder_is_the_studios(paths):
    assert ModelStore().models_dir == paths.models


def test_status_of_the_official_files(tmp_path):
    store = ModelStore(tmp_path)
    keys = [s.key for s in store.status()]
    assert keys == ["dalle", "vqgan", "tokenizer", "unet", "vqgan256", *["translator"] * 7]
    assert [s.key for s in store.missing()] == ["dalle", "vqgan", "tokenizer", "unet"]
    (tmp_path / "bpe.model").write_text("x", encoding="ascii")
    tokenizer = next(s for s in store.status() if s.key == "tokenizer")
    assert tokenizer.present and tokenizer.size_bytes == 1 and tokenizer.expected_size is None
    with pytest.raises(ModelFilesMissing, match="pytorch_model.bin"):
        store.require()


def test_verify_uses_sizes_learned_at_download(tmp_path):
    for name in ("pytorch_model.bin", "vqgan.gumbelf8-sber-dwt.model.ckpt", "bpe.model"):
        (tmp_path / name).write_bytes(b"1234")
    (tmp_path / "unet_effnetb5").mkdir()
    (tmp_path / "unet_effnetb5" / "pytorch_model_v2.bin").write_bytes(b"")
    (tmp_path / MANIFEST).write_text(json.dumps({"pytorch_model.bin": {"size": 10}}))
    problems = ModelStore(tmp_path).verify(structure=False)
    assert problems == [
        "pytorch_model.bin: 4 bytes, expected 10 (incomplete or a different file)",
        "unet_effnetb5/pytorch_model_v2.bin: empty file",
    ]
    # Read as the loader reads them, the 4-byte VQGAN and tokenizer are refused too.
    deep = ModelStore(tmp_path).verify()
    assert deep[:2] == problems
    assert [p.split(":")[0] for p in deep[2:]] == [
        "vqgan.gumbelf8-sber-dwt.model.ckpt",
        "bpe.model",
    ]


def test_custom_folder_description(tiny_dir):
    store = ModelStore(tiny_dir)
    assert [s.key for s in store.status()] == ["dalle", "vqgan", "tokenizer", *["translator"] * 7]
    assert store.missing() == [] and store.verify() == []
    assert store.description()["id"] == "tiny-emojich"


def test_broken_description(tmp_path):
    (tmp_path / "studio-model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="studio-model.json"):
        ModelStore(tmp_path).status()


def test_download_reports_progress_and_can_be_cancelled(tmp_path, monkeypatch):
    import huggingface_hub

    seen = []

    def fake_download(repo, filename, *, local_dir, tqdm_class):
        bar = tqdm_class(total=30, initial=10)  # a resumed download: 10 bytes already there
        for _ in range(2):
            bar.update(10)
        path = local_dir / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 30)
        return str(path)

    digest = hashlib.sha256(b"x" * 30).hexdigest()
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    monkeypatch.setattr(
        huggingface_hub, "get_hf_file_metadata", lambda url: SimpleNamespace(etag=f'"{digest}"')
    )
    store = ModelStore(tmp_path)
    done = store.download(["tokenizer"], on_progress=lambda *a: seen.append(a))
    assert done == ["bpe.model"] and seen == [("tokenizer", 20, 30), ("tokenizer", 30, 30)]
    recorded = json.loads((tmp_path / MANIFEST).read_text())["bpe.model"]
    assert recorded == {"size": 30, "sha256": digest}
    assert "bpe.model" not in " ".join(store.verify(check_hashes=True, structure=False))
    (tmp_path / "bpe.model").write_bytes(b"y" * 30)  # same size, other content
    assert "bpe.model: content differs" in " ".join(store.verify(check_hashes=True))
    assert "bpe.model" not in " ".join(store.verify(structure=False))
    assert store.download(["tokenizer"]) == []  # present: nothing to do
    with pytest.raises(DownloadCancelled, match="resume"):
        store.download(["dalle"], should_stop=lambda: True)


def test_renamed_repositories_are_tried_in_order(tmp_path, monkeypatch):
    import huggingface_hub
    from huggingface_hub.errors import RepositoryNotFoundError

    tried = []

    def fake_download(repo, filename, *, local_dir, tqdm_class):
        tried.append(repo)
        if repo != "sberbank-ai/rudalle-utils":
            response = SimpleNamespace(headers={}, status_code=404, url=repo, request=None)
            raise RepositoryNotFoundError("gone", response=response)
        (local_dir / filename).write_bytes(b"ok")
        return str(local_dir / filename)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake_download)
    ModelStore(tmp_path).download(["tokenizer"])
    assert tried == ["ai-forever/rudalle-utils", "sberbank-ai/rudalle-utils"]


def test_custom_files_cannot_be_downloaded(tiny_dir, tmp_path):
    (tiny_dir / "bpe.model").rename(tmp_path / "bpe.model")
    try:
        with pytest.raises(ModelDownloadError, match="custom model folder"):
            ModelStore(tiny_dir).download(["tokenizer"])
    finally:
        (tmp_path / "bpe.model").rename(tiny_dir / "bpe.model")


def test_store_does_not_import_torch():
    import subprocess

    code = (
        "import sys; from studio.engine import ModelStore; ModelStore('.').status(); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
