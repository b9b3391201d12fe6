"""Style training on the tiny random-weight model, on the CPU."""

from __future__ import annotations

import pytest
import torch

from studio.engine import load_models
from studio.engine.models import _bitsandbytes_cpu_available
from studio.engine.pipeline import generate
from studio.engine.sampling import SamplingParams
from studio.engine.styles import (
    StyleRecipe,
    StyleSwitcher,
    StyleTrainer,
    encode_examples,
    read_captions,
    read_style,
    trainable_names,
    training_loss,
    write_style,
)
from studio.engine.styles.data import CaptionsError

FAST = {"lr": 3e-3, "batch_size": 2, "optimizer": "adamw", "gradient_checkpointing": False}


@pytest.fixture
def models(tiny_dir):
    return load_models(tiny_dir, device="cpu")  # fresh: training changes the model in place


@pytest.fixture
def dataset(tiny_models, pictures, captions_file):
    return encode_examples(tiny_models, read_captions(captions_file, pictures))


def _full_loss(model, dataset) -> float:
    with torch.no_grad():
        return float(training_loss(model, *dataset, 1000.0)[0])


def _logits(model, dataset) -> torch.Tensor:
    with torch.no_grad():
        return model(torch.cat(dataset, dim=1))


def test_pictures_become_codes_and_captions_text_ids(tiny_models, dataset):
    text_ids, codes = dataset
    cfg = tiny_models.config
    assert text_ids.shape == (4, cfg.text_seq_length) and codes.shape == (4, cfg.image_seq_length)
    assert int(codes.max()) < cfg.image_vocab_size
    assert not torch.equal(codes[0], codes[2])  # different pictures, different codes
    assert torch.equal(text_ids[0], tiny_models.tokenizer.encode_text("рыжий котик", 16))


def test_captions_must_cover_every_picture(pictures, captions_file, tmp_path):
    partial = tmp_path / "c.tsv"
    partial.write_text(f"{pictures[0].name}\tкотик\n", encoding="utf-8")
    with pytest.raises(CaptionsError, match="no caption for 3 picture"):
        read_captions(partial, pictures)
    with pytest.raises(CaptionsError, match="not found"):
        read_captions(tmp_path / "absent.tsv", pictures)


def test_loss_falls_and_frozen_tensors_stay_bitwise(models, dataset):
    model = models.dalle
    frozen = {
        n: p.detach().clone()
        for n, p in model.named_parameters()
        if n not in trainable_names(model)
    }
    before = _full_loss(model, dataset)
    trainer = StyleTrainer(model, *dataset, StyleRecipe(steps=30, **FAST))
    records = list(trainer.steps())
    assert len(records) == 30 and records[-1].step == 30
    after = _full_loss(model, dataset)
    assert after < 0.7 * before, (before, after)
    for name, tensor in model.named_parameters():
        if name in frozen:
            assert torch.equal(tensor, frozen[name]), name


def test_style_file_holds_only_trainable_tensors_and_reproduces_logits(
    models, tiny_dir, dataset, tmp_path
):
    base_logits = _logits(models.dalle, dataset)
    trainer = StyleTrainer(models.dalle, *dataset, StyleRecipe(steps=8, **FAST))
    list(trainer.steps())
    trained_logits = _logits(models.dalle, dataset)
    assert not torch.equal(trained_logits, base_logits)
    path = tmp_path / "cat.style.safetensors"
    write_style(path, trainer.style("cat", model_id=models.model_id))
    trainer.restore_base()
    assert torch.equal(_logits(models.dalle, dataset), base_logits)

    style = read_style(path)
    assert sorted(style.tensors) == sorted(trainable_names(models.dalle))
    assert style.info["recipe"]["steps"] == 8 and len(style.info["losses"]) == 8
    fresh = load_models(tiny_dir, device="cpu")
    switcher = StyleSwitcher(fresh.dalle)
    switcher.apply(style)
    assert switcher.active == "cat"
    assert torch.equal(_logits(fresh.dalle, dataset), trained_logits)
    switcher.apply(None)
    assert torch.equal(_logits(fresh.dalle, dataset), base_logits)
    switcher.apply(style)  # and back again, without reading the model files
    assert torch.equal(_logits(fresh.dalle, dataset), trained_logits)


def test_generation_with_a_style(models, dataset):
    trainer = StyleTrainer(models.dalle, *dataset, StyleRecipe(steps=10, **FAST))
    list(trainer.steps())
    style = trainer.style("cat")
    trainer.restore_base()
    params = SamplingParams(seed=5)

    def codes() -> torch.Tensor:
        events = generate(models, "котик", params, n_images=2, batch_size=2)
        batches = [e for e in events if type(e).__name__ == "BatchReady"]
        return torch.tensor([img.codes.tolist() for img in batches[0].images])

    base = codes()
    switcher = StyleSwitcher(models.dalle)
    switcher.apply(style)
    styled = codes()
    assert not torch.equal(styled, base)
    assert torch.equal(codes(), styled)  # same seed, same style, same pictures
    switcher.apply(None)
    assert torch.equal(codes(), base)


@pytest.mark.parametrize("optimizer", ["adamw", "adamw8bit"])
def test_resume_gives_the_uninterrupted_result(tiny_dir, dataset, tmp_path, optimizer):
    if optimizer == "adamw8bit" and not _bitsandbytes_cpu_available():
        pytest.skip("bitsandbytes has no CPU backend here (tested on the GPU)")
    recipe = StyleRecipe(steps=6, **{**FAST, "optimizer": optimizer})
    whole = StyleTrainer(load_models(tiny_dir, device="cpu").dalle, *dataset, recipe)
    assert whole.optimizer_name == optimizer
    list(whole.steps())
    if optimizer == "adamw8bit":  # the moments really are kept in 8 bits
        state = whole.optimizer.state[whole.params["text_embeddings.weight"]]
        assert state["state1"].dtype == torch.uint8

    first = StyleTrainer(load_models(tiny_dir, device="cpu").dalle, *dataset, recipe)
    for _ in range(3):
        first.train_step()
    checkpoint = tmp_path / "train.ckpt"
    first.save_checkpoint(checkpoint)
    del first  # the "crash"
    resumed = StyleTrainer.resume(load_models(tiny_dir, device="cpu").dalle, checkpoint)
    assert resumed.step == 3
    list(resumed.steps())
    assert [h.loss for h in resumed.history] == [h.loss for h in whole.history]
    for name, tensor in whole.params.items():
        assert torch.equal(resumed.params[name], tensor), name


def test_gradient_checkpointing_gives_the_same_step(tiny_dir, dataset):
    results = []
    for checkpointing in (False, True):
        recipe = StyleRecipe(steps=2, **{**FAST, "gradient_checkpointing": checkpointing})
        trainer = StyleTrainer(load_models(tiny_dir, device="cpu").dalle, *dataset, recipe)
        list(trainer.steps())
        results.append(trainer.params["image_embeddings.weight"].detach())
    torch.testing.assert_close(results[0], results[1], rtol=1e-5, atol=1e-7)


def test_schedule_warms_up_then_anneals(models, dataset):
    recipe = StyleRecipe(steps=20, lr=1e-5, optimizer="adamw", gradient_checkpointing=False)
    trainer = StyleTrainer(models.dalle, *dataset, recipe)
    lrs = [r.lr for r in trainer.steps()]
    assert lrs[0] == pytest.approx(1e-5 / 25)
    assert max(lrs) == pytest.approx(1e-5, rel=0.05) and lrs.index(max(lrs)) == 2
    assert lrs[-1] < lrs[0]


def test_bf16_autocast_trains(models, dataset):
    recipe = StyleRecipe(steps=3, **FAST)
    trainer = StyleTrainer(models.dalle, *dataset, recipe, autocast=torch.bfloat16)
    records = list(trainer.steps())
    assert all(torch.isfinite(torch.tensor(r.loss)) for r in records)
    assert trainer.params["to_logits.1.weight"].dtype == torch.float32  # fp32 master weights


def test_half_precision_base_with_autocast_trains_as_on_a_gpu(tiny_dir, dataset):
    # The GPU path: frozen weights loaded in bf16, trained tensors in float32, bf16 autocast.
    models = load_models(tiny_dir, device="cpu", precision="bf16")
    frozen = models.dalle.transformer.layers[0].mlp.dense_h_to_4h.weight
    before = frozen.detach().clone()
    recipe = StyleRecipe(steps=12, **FAST)
    start = _full_loss(models.dalle, dataset)
    trainer = StyleTrainer(models.dalle, *dataset, recipe, autocast=torch.bfloat16)
    list(trainer.steps())
    with torch.autocast("cpu", dtype=torch.bfloat16):
        end = _full_loss(models.dalle, dataset)
    assert end < start
    assert frozen.dtype == torch.bfloat16 and torch.equal(frozen, before)
    trainer.restore_base()
    assert models.dalle.image_embeddings.weight.dtype == torch.bfloat16
