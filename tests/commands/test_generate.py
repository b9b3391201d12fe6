"""`sticker-studio generate` on a tiny random-weight model folder."""

from __future__ import annotations

import json

import pytest
import torch
from PIL import Image

from studio.cli import main


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def five_cats(out, tiny_dir) -> list[str]:
    """The same fixed-seed request, written to `out`."""
    return [
        "generate",
        "Котик с сердечком",
        "-n",
        "5",
        "--out",
        str(out),
        "--seed",
        "7",
        "--batch-size",
        "2",
        "--top-k",
        "32",
        "--top-p",
        "0.9",
        "--temperature",
        "0.9",
        "--model-dir",
        str(tiny_dir),
        "--device",
        "cpu",
    ]


def test_writes_ranked_pngs_and_json(tiny_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(five_cats(out, tiny_dir))
    assert code == 0
    captured = capsys.readouterr()
    assert "5 images" in captured.out and "on the CPU this takes about" in captured.err
    result = json.loads((out / "generation.json").read_text(encoding="utf-8"))
    assert result["prompt"] == "Котик с сердечком" and result["model"] == "tiny-emojich"
    assert result["params"] == {
        "top_k": 32,
        "top_p": 0.9,
        "temperature": 0.9,
        "seed": 7,
        "batch_size": 2,
        "images": 5,
    }
    images = result["images"]
    assert [i["file"] for i in images] == ["001.png", "002.png", "003.png", "004.png", "005.png"]
    scores = [i["perplexity"] for i in images]
    assert scores == sorted(scores)
    assert sorted(i["seed"] for i in images) == [7, 7, 8, 8, 9]
    for item in images:
        with Image.open(out / item["file"]) as png:
            assert png.mode == "RGB" and png.size == (128, 128)
        assert len(item["codes"]) == 64

    again = tmp_path / "again"
    main(five_cats(again, tiny_dir))
    repeat = json.loads((again / "generation.json").read_text(encoding="utf-8"))
    assert [i["codes"] for i in repeat["images"]] == [i["codes"] for i in images]


def test_user_errors_are_one_line(tiny_dir, tmp_path, capsys):
    assert (
        main(["generate", "кот", "--out", str(tmp_path), "--model-dir", str(tmp_path / "empty")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("error: model files missing") and err.count("\n") == 1
    assert (
        main(
            [
                "generate",
                "кот",
                "--out",
                str(tmp_path),
                "--top-p",
                "0",
                "--model-dir",
                str(tiny_dir),
            ]
        )
        == 2
    )
    assert "top_p" in capsys.readouterr().err
    assert main(
        [
            "generate",
            "кот",
            "--out",
            str(tmp_path),
            "--device",
            "cuda",
            "--model-dir",
            str(tiny_dir),
        ]
    ) == (2 if not torch.cuda.is_available() else 0)
