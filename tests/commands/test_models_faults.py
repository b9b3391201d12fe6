"""`models import` and `models verify` under faults: links out of the folder, a full disk, a
code-running pickle, truncated and mismatched files. Never exit 3."""

from __future__ import annotations

import errno
import pickle
import shutil

import pytest

from studio.cli import main


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny"))


def _copy(tiny_dir, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(tiny_dir, folder)
    return folder


@pytest.mark.parametrize("link", [False, True])
def test_a_link_leading_out_of_the_folder_is_refused(tmp_path, capsys, link):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("not for the models folder")
    source = tmp_path / "downloads"
    source.mkdir()
    (source / "pytorch_model.bin").write_bytes(b"weights")
    (source / "bpe.model").symlink_to(secret)
    target = tmp_path / "models"
    args = ["models", "import", str(source), "--model-dir", str(target)]
    code = main(args + (["--link"] if link else []))
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2
    assert len(err) == 1 and "outside" in err[0] and "bpe.model" in err[0]
    assert not (target / "bpe.model").exists() and not (target / "pytorch_model.bin").exists()


def test_a_link_inside_the_folder_is_fine(tmp_path, capsys):
    source = tmp_path / "downloads"
    (source / "real").mkdir(parents=True)
    (source / "real" / "tokenizer.bin").write_text("1 0\n9601 4\n1 0 2 3\n", encoding="ascii")
    (source / "bpe.model").symlink_to(source / "real" / "tokenizer.bin")
    target = tmp_path / "models"
    assert main(["models", "import", str(source), "--model-dir", str(target)]) == 0
    assert not (target / "bpe.model").is_symlink()
    assert (target / "bpe.model").read_text(encoding="ascii").startswith("1 0")


def test_a_full_disk_leaves_no_partial_file(tmp_path, capsys, monkeypatch):
    source = tmp_path / "downloads"
    source.mkdir()
    (source / "pytorch_model.bin").write_bytes(b"w" * 4096)
    target = tmp_path / "models"
    target.mkdir()
    (target / "bpe.model.importing").write_bytes(b"left by a killed import")

    def full_disk(src, dst, **kwargs):
        with open(dst, "wb") as handle:
            handle.write(b"w" * 100)  # part of it, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    code = main(["models", "import", str(source), "--model-dir", str(target)])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2
    assert len(err) == 1 and "no space left on device" in err[0]
    assert sorted(p.name for p in target.iterdir()) == []  # no partial, old one cleaned too


def test_verify_passes_the_tiny_described_folder(tiny_dir, capsys):
    assert main(["models", "verify", "--model-dir", str(tiny_dir)]) == 0
    assert "keys and shapes" in capsys.readouterr().out


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_verify_refuses_a_code_running_pickle_without_running_it(tiny_dir, tmp_path, capsys):
    folder = _copy(tiny_dir, tmp_path)
    marker = tmp_path / "pwned"
    with open(folder / "pytorch_model.bin", "wb") as handle:
        pickle.dump({"transformer.layers.0.x": _RunsCode(marker)}, handle)
    code = main(["models", "verify", "--model-dir", str(folder)])
    out = capsys.readouterr().out
    assert code == 1
    assert "pytorch_model.bin" in out and "could run code" in out
    assert not marker.exists()


def test_verify_reports_truncated_and_mismatched_files(tiny_dir, tmp_path, capsys):
    from studio.engine.testing import write_tiny_model_dir

    folder = _copy(tiny_dir, tmp_path)
    dalle = folder / "pytorch_model.bin"
    dalle.write_bytes(dalle.read_bytes()[: dalle.stat().st_size // 2])
    tokenizer = folder / "bpe.model"
    tokenizer.write_text(tokenizer.read_text(encoding="ascii")[:50], encoding="ascii")
    other = write_tiny_model_dir(tmp_path / "other", hf_version="v3")
    # The v3 transformer file under the v2 VQGAN's name: it is no VQGAN at all.
    shutil.copyfile(other / "pytorch_model_v3.bin", folder / "vqgan.gumbelf8-sber-dwt.model.ckpt")
    code = main(["models", "verify", "--model-dir", str(folder)])
    out = capsys.readouterr().out
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("problem:")]
    assert [p.split(":")[1].strip() for p in problems] == [
        "pytorch_model.bin",
        "vqgan.gumbelf8-sber-dwt.model.ckpt",
        "bpe.model",
    ]
    assert "damaged or truncated" in problems[0]


@pytest.mark.slow  # builds the EfficientNet-B5 U-Net twice
def test_verify_checks_the_official_unet_against_its_network(tmp_path, capsys):
    import torch

    smp = pytest.importorskip("segmentation_models_pytorch")
    from studio.engine.store import ModelStore
    from studio.engine.verify import structure_problems

    folder = tmp_path / "official"
    (folder / "unet_effnetb5").mkdir(parents=True)
    unet = smp.Unet("efficientnet-b5", encoder_weights=None, in_channels=3, classes=2)
    state = unet.state_dict()
    torch.save(state, folder / "unet_effnetb5" / "pytorch_model_v2.bin")
    assert structure_problems(ModelStore(folder)) == []
    state["segmentation_head.0.weight"] = torch.zeros(3, 16, 3, 3)  # three classes
    torch.save(state, folder / "unet_effnetb5" / "pytorch_model_v2.bin")
    (problem,) = structure_problems(ModelStore(folder))
    assert problem.startswith("unet_effnetb5/pytorch_model_v2.bin")
    assert "of another shape" in problem
