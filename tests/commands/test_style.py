"""`sticker-studio style train|list` and `generate --style` on a tiny random-weight model."""

from __future__ import annotations

import json

import pytest
import torch
from PIL import Image, ImageDraw

from studio.cli import main
from studio.engine.styles import read_style, trainable_names


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """20 small cut-out pictures and their captions file."""
    folder = tmp_path_factory.mktemp("pictures")
    lines = []
    for i in range(20):
        image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((4 + i, 6, 60, 58), fill=(200, 10 * i, 40, 255))
        image.save(folder / f"p{i:02}.png")
        lines.append(f"p{i:02}.png\tрыжий котик номер {i}")
    (folder / "captions.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _train(pictures, tiny_dir, *extra: str) -> list[str]:
    images = sorted(str(p) for p in pictures.glob("*.png"))
    return [
        "style", "train", *images, "--captions", str(pictures / "captions.tsv"),
        "--name", "cat", "--steps", "4", "--lr", "1e-3", "--optimizer", "adamw",
        "--model-dir", str(tiny_dir), "--device", "cpu", *extra,
    ]  # fmt: skip


def test_train_list_and_generate_with_the_style(tiny_dir, pictures, paths, tmp_path, capsys):
    assert main(_train(pictures, tiny_dir)) == 0
    captured = capsys.readouterr()
    assert "training on the CPU is slow" in captured.err
    assert "memory: about" in captured.out and "measured on one step" in captured.out
    assert "step 4/4" in captured.out
    path = paths.data / "styles" / "cat.style.safetensors"
    style = read_style(path)
    assert style.info["recipe"]["steps"] == 4 and len(style.info["data"]) == 20
    assert not (paths.data / "styles" / "cat.training.ckpt").exists()

    assert main(["style", "list"]) == 0
    assert "cat\t" in capsys.readouterr().out

    out = tmp_path / "out"
    args = ["generate", "котик", "-n", "2", "--batch-size", "2", "--seed", "3", "--out", str(out),
            "--model-dir", str(tiny_dir), "--device", "cpu", "--no-translate"]  # fmt: skip
    assert main([*args, "--style", "cat"]) == 0
    styled = json.loads((out / "generation.json").read_text(encoding="utf-8"))
    assert main([*args, "--out", str(tmp_path / "plain")]) == 0
    plain = json.loads((tmp_path / "plain" / "generation.json").read_text(encoding="utf-8"))
    assert styled["style"] == "cat" and plain["style"] is None
    assert [i["codes"] for i in styled["images"]] != [i["codes"] for i in plain["images"]]


def test_an_interrupted_training_continues(tiny_dir, pictures, paths, monkeypatch, capsys):
    from studio.engine.styles import trainer as trainer_module

    calls = {"n": 0}
    real_step = trainer_module.StyleTrainer.train_step

    def stop_after_two(self):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_step(self)

    monkeypatch.setattr(trainer_module.StyleTrainer, "train_step", stop_after_two)
    assert main(_train(pictures, tiny_dir)) != 0
    assert (paths.data / "styles" / "cat.training.ckpt").exists()
    assert "stopped at step 2" in capsys.readouterr().out
    monkeypatch.setattr(trainer_module.StyleTrainer, "train_step", real_step)
    assert main(_train(pictures, tiny_dir)) == 0
    assert "continuing 'cat' from step 2/4" in capsys.readouterr().out
    style = read_style(paths.data / "styles" / "cat.style.safetensors")
    assert [h["step"] for h in style.info["losses"]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("few", "at least 20 pictures"),
        ("no-captions", "captions file not found"),
        ("bad-name", "bad style name"),
        ("bad-lr", "learning rate"),
    ],
)
def test_user_problems_are_one_line_exit_2(tiny_dir, pictures, paths, capsys, change, message):
    args = _train(pictures, tiny_dir)
    if change == "few":
        args = [a for a in args if not a.endswith(("p05.png", "p06.png"))]
    elif change == "no-captions":
        args[args.index("--captions") + 1] = str(pictures / "absent.tsv")
    elif change == "bad-name":
        args[args.index("--name") + 1] = "../x"
    else:
        args[args.index("--lr") + 1] = "5"
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_generate_with_an_unknown_style(tiny_dir, tmp_path, paths, capsys):
    code = main(["generate", "кот", "--out", str(tmp_path), "--model-dir", str(tiny_dir),
                 "--device", "cpu", "--no-translate", "--style", "nope"])  # fmt: skip
    assert code == 2
    assert "no style named 'nope'" in capsys.readouterr().err


def test_style_holds_only_trainable_tensors(tiny_dir, pictures, paths):
    from studio.engine import load_models

    assert main(_train(pictures, tiny_dir)) == 0
    style = read_style(paths.data / "styles" / "cat.style.safetensors")
    assert sorted(style.tensors) == sorted(trainable_names(load_models(tiny_dir).dalle))


def test_english_captions_are_translated_like_prompts(tiny_dir, pictures, paths, tmp_path):
    from tests.translate.tiny_marian import reference_translation, write_tiny_marian

    marian = write_tiny_marian(tmp_path / "marian")
    captions = tmp_path / "captions.tsv"
    english = "a happy red cat"
    lines = [f"p{i:02}.png\t{english if i == 0 else 'котик'}" for i in range(20)]
    captions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = _train(pictures, tiny_dir, "--translator-dir", str(marian))
    args[args.index("--captions") + 1] = str(captions)
    assert main(args) == 0
    data = read_style(paths.data / "styles" / "cat.style.safetensors").info["data"]
    assert data[0]["caption_typed"] == english
    assert data[0]["caption"] == reference_translation(marian, english).strip()
    assert "caption_typed" not in data[1]


def test_english_captions_without_a_translator(tiny_dir, pictures, paths, tmp_path, capsys):
    captions = tmp_path / "captions.tsv"
    lines = [f"p{i:02}.png\ta cat" for i in range(20)]
    captions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = _train(pictures, tiny_dir)
    args[args.index("--captions") + 1] = str(captions)
    assert main(args) == 2
    assert "--no-translate" in capsys.readouterr().err


def test_previews_show_held_out_captions_as_it_learns(tiny_dir, pictures, paths, capsys):
    from PIL import Image

    args = _train(pictures, tiny_dir, "--preview", "котик в шапке", "--preview-every", "2")
    assert main(args) == 0
    folder = paths.data / "styles" / "cat.previews"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["step00002-1.png", "step00004-1.png"]
    with Image.open(folder / names[0]) as first, Image.open(folder / names[1]) as last:
        assert first.size == (128, 128)  # the tiny model's 64 px codes, doubled by the DWT
        assert first.tobytes() != last.tobytes()  # same seed: only what was learned differs
