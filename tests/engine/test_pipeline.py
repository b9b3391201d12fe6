"""`generate` on the tiny model folder: events, seeds, cancellation, image prompts, OOM."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from rudalle_reference import reference_dalle, reference_pipelines, reference_vqgan

from studio.engine import (
    BatchReady,
    BatchSizeReduced,
    GenerationCancelled,
    ImagePrompt,
    ModelFilesMissing,
    SamplingParams,
    StepProgress,
    generate,
    load_models,
)
from studio.engine import pipeline as pipeline_module
from studio.errors import StudioError


def _images(events):
    return [g for e in events if isinstance(e, BatchReady) for g in e.images]


def test_events_and_candidates(tiny_models):
    events = list(generate(tiny_models, "Котик с сердечком", SamplingParams(seed=5), 5, 2))
    batches = [e for e in events if isinstance(e, BatchReady)]
    assert [b.batch_index for b in batches] == [0, 1, 2]
    steps = [e for e in events if isinstance(e, StepProgress)]
    assert steps and steps[-1].step == steps[-1].steps_total == 64
    assert all(s.images_total == 5 for s in steps)
    images = _images(events)
    assert [g.index for g in images] == [0, 1, 2, 3, 4]
    assert [g.seed for g in images] == [5, 5, 6, 6, 7]
    for g in images:
        assert g.image.mode == "RGB" and g.image.size == (128, 128)
        assert g.codes.shape == (64,) and g.codes.dtype.kind == "i"
        assert np.isfinite(g.perplexity) and g.perplexity > 1.0


def test_same_seed_same_images(tiny_models):
    first = _images(generate(tiny_models, "кот", SamplingParams(seed=9), 2, 2))
    again = _images(generate(tiny_models, "кот", SamplingParams(seed=9), 2, 2))
    other = _images(generate(tiny_models, "кот", SamplingParams(seed=10), 2, 2))
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(a.codes, b.codes)
        assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    assert not np.array_equal(first[0].codes, other[0].codes)


def test_cancellation_between_steps(tiny_models):
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 70  # during the second batch

    events = []
    with pytest.raises(GenerationCancelled):
        for event in generate(
            tiny_models, "кот", SamplingParams(seed=1), 4, 1, should_stop=should_stop
        ):
            events.append(event)
    assert len(_images(events)) == 1  # the first batch was delivered and stays valid


def test_image_prompt_keeps_the_top_rows(tiny_models):
    source = _images(generate(tiny_models, "кот", SamplingParams(seed=3), 1, 1))[0]
    prompt = ImagePrompt(codes=source.codes, rows=3)
    images = _images(
        generate(tiny_models, "собака", SamplingParams(seed=4), 3, 3, image_prompt=prompt)
    )
    for g in images:
        assert np.array_equal(g.codes[:24], source.codes[:24])
    assert any(not np.array_equal(g.codes[24:], source.codes[24:]) for g in images)
    with pytest.raises(StudioError, match="codes"):
        list(
            generate(
                tiny_models,
                "кот",
                SamplingParams(),
                1,
                1,
                image_prompt=ImagePrompt(codes=np.zeros(10, dtype=int), rows=1),
            )
        )


def test_vqgan_encode_round_trip_codes_shape(tiny_models):
    image = torch.rand(1, 3, 64, 64)
    codes = tiny_models.vqgan.encode(image)
    assert codes.shape == (1, 64) and int(codes.max()) < 64


def test_bad_requests_are_user_errors(tiny_models):
    with pytest.raises(StudioError, match="empty"):
        list(generate(tiny_models, "   ", SamplingParams(), 1, 1))
    with pytest.raises(StudioError):
        list(generate(tiny_models, "кот", SamplingParams(), 0, 1))
    with pytest.raises(ValueError):
        SamplingParams(top_p=0.0)


def test_out_of_memory_halves_the_batch(tiny_models, monkeypatch):
    real = pipeline_module.sampling_steps

    def flaky(model, ids, *args, **kwargs):
        if ids.shape[0] > 2:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        return real(model, ids, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "sampling_steps", flaky)
    on_cuda = dataclasses.replace(tiny_models, device=torch.device("cuda"))
    events = list(generate(on_cuda, "кот", SamplingParams(seed=1), 5, 8))
    reduced = [e for e in events if isinstance(e, BatchSizeReduced)]
    assert [(e.old, e.new) for e in reduced] == [(8, 4), (4, 2)]
    assert len(_images(events)) == 5


def test_missing_files_are_named(tmp_path):
    with pytest.raises(ModelFilesMissing, match="pytorch_model.bin") as info:
        load_models(tmp_path, device="cpu")
    assert "bpe.model" in str(info.value)


def test_v3_folder_loads_and_generates(tiny_dir_v3):
    models = load_models(tiny_dir_v3, device="cpu")
    assert models.config.hf_version == "v3" and models.model_id == "tiny-malevich"
    assert len(_images(generate(models, "кот", SamplingParams(seed=1), 2, 2))) == 2


def _reference_setup(folder, models):
    from studio.engine.testing import tiny_vqgan_config

    dalle = reference_dalle(models.config)
    dalle_file = next(folder.glob("pytorch_model*.bin"))
    dalle.load_state_dict(torch.load(dalle_file, weights_only=True))
    vae = reference_vqgan(tiny_vqgan_config(), dwt=True)
    checkpoint = torch.load(folder / "vqgan.gumbelf8-sber-dwt.model.ckpt", weights_only=True)
    vae.load_state_dict(checkpoint["state_dict"])
    return dalle, vae


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_greedy_pipeline_equals_the_reference_pipeline(request, version):
    # The reference's own `generate_images` on the same files: same images, same ranking.
    folder = request.getfixturevalue("tiny_dir" if version == "v2" else "tiny_dir_v3")
    models = load_models(folder, device="cpu")
    dalle, vae = _reference_setup(folder, models)
    images, scores = reference_pipelines().generate_images(
        "Котик с сердечком",
        models.tokenizer,
        dalle,
        vae,
        top_k=1,
        top_p=0.995,
        images_num=2,
        bs=2,
        seed=1,
    )
    ours = _images(generate(models, "Котик с сердечком", SamplingParams(top_k=1), 2, 2))
    ours.sort(key=lambda g: g.perplexity)
    np.testing.assert_allclose([g.perplexity for g in ours], scores, rtol=1e-5)
    for g, expected in zip(ours, images, strict=True):
        difference = np.abs(np.asarray(g.image, dtype=int) - np.asarray(expected, dtype=int))
        assert difference.max() <= 1  # 2e-3 decode tolerance, then x255 truncation


def test_image_prompt_equals_the_reference_image_prompts(tiny_dir, tiny_models):
    # The reference appends known tokens without a forward call and catches its cache up on
    # the next one; the result must be the same codes, greedy.
    dalle, vae = _reference_setup(tiny_dir, tiny_models)
    source = _images(generate(tiny_models, "кот", SamplingParams(seed=3), 1, 1))[0]
    rows, d = 3, tiny_models.config.image_tokens_per_dim
    prompts = SimpleNamespace(
        image_prompts_idx=set(range(rows * d)),
        image_prompts=torch.as_tensor(source.codes, dtype=torch.long)[None],
    )
    _, ref_scores = reference_pipelines().generate_images(
        "собака",
        tiny_models.tokenizer,
        dalle,
        vae,
        top_k=1,
        top_p=0.995,
        images_num=1,
        bs=1,
        image_prompts=prompts,
    )
    ours = _images(
        generate(
            tiny_models,
            "собака",
            SamplingParams(top_k=1),
            1,
            1,
            image_prompt=ImagePrompt(codes=source.codes, rows=rows),
        )
    )[0]
    np.testing.assert_allclose([ours.perplexity], ref_scores, rtol=1e-5)
    ref_codes = _reference_codes_with_prompt(dalle, tiny_models, "собака", prompts)
    assert np.array_equal(ours.codes, ref_codes)


def test_precisions_on_the_cpu(tiny_dir):
    from studio.engine import UnsupportedPrecision, available_precisions

    assert available_precisions("cpu")[:3] == ["fp32", "bf16", "fp16"]
    with pytest.raises(UnsupportedPrecision, match="fp8"):
        load_models(tiny_dir, device="cpu", precision="fp8")
    if not torch.cuda.is_available():
        with pytest.raises(StudioError, match="CUDA"):
            load_models(tiny_dir, device="cuda")
    half = load_models(tiny_dir, device="cpu", precision="bf16")
    assert half.dtype == torch.bfloat16 and half.dalle.dtype == torch.bfloat16
    images = _images(generate(half, "кот", SamplingParams(seed=2), 2, 2))
    assert len(images) == 2 and all(np.isfinite(g.perplexity) for g in images)


def _reference_codes_with_prompt(dalle, models, text, prompts):
    """The codes of the reference loop with image prompts (its pipeline returns only images)."""
    config = models.config
    ids = models.tokenizer.encode_text(text, config.text_seq_length)[None]
    n = config.total_seq_length
    mask = torch.tril(torch.ones((1, 1, n, n)))
    out, cache = ids, None
    with torch.no_grad():
        for idx in range(config.image_seq_length):
            if idx in prompts.image_prompts_idx:
                out = torch.cat((out, prompts.image_prompts[:, idx : idx + 1]), dim=-1)
                continue
            logits, cache = dalle(out, mask, use_cache=True, cache=cache)
            next_id = logits[:, -1, config.vocab_size :].argmax(-1, keepdim=True)
            out = torch.cat((out, next_id), dim=-1)
    return out[0, config.text_seq_length :].numpy()


def test_tokenizer_and_transformer_that_do_not_belong_together(tmp_path):
    import json

    from studio.engine import ModelFileError
    from studio.engine.testing import write_tiny_model_dir

    folder = write_tiny_model_dir(tmp_path / "m")
    description = json.loads((folder / "studio-model.json").read_text(encoding="utf-8"))
    description["dalle"]["vocab_size"] = 40
    (folder / "studio-model.json").write_text(json.dumps(description), encoding="utf-8")
    with pytest.raises(ModelFileError, match="do not belong together"):
        load_models(folder, device="cpu")
