"""Training is reproducible and resumes from its checkpoint to the same weights."""

import json
from dataclasses import replace

import pytest
import torch

from studio.segment import Segmenter
from studio.segment.training import synth, train
from studio.segment.training.train import TrainConfig
from tests.segment.conftest import emoji_like
from tests.segment.training.conftest import square_design


def _config(out, steps):
    return TrainConfig(
        out=str(out),
        steps=steps,
        batch_size=2,
        size=64,
        warmup=1,
        checkpoint_every=1,
        widths=(4, 8, 8, 8, 8, 8),
        flat=0.5,  # the flat-art recipe must repeat and resume exactly too
    )


def test_resumed_run_matches_a_straight_run(tmp_path, few_glyphs):
    straight = train.train(_config(tmp_path / "a", 3))
    train.train(_config(tmp_path / "b", 2))
    resumed = train.train(_config(tmp_path / "b", 3))
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key


def test_worker_processes_make_the_same_run(tmp_path, few_glyphs):
    straight = train.train(_config(tmp_path / "a", 3))
    train.train(replace(_config(tmp_path / "b", 2), workers=2))
    resumed = train.train(replace(_config(tmp_path / "b", 3), workers=1))
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key


def test_a_device_that_cannot_train_is_refused_before_training(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: pytest.fail("trained"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for device, says in (("cuda", "no CUDA GPU"), ("gpu", "not a device"), ("mps", "only")):
        with pytest.raises(SystemExit):
            train.main(["--out", str(tmp_path), "--device", device])
        assert says in capsys.readouterr().err
    with pytest.raises(SystemExit):
        train.main(["--out", str(tmp_path), "--workers", "-1"])
    assert "--workers" in capsys.readouterr().err


def test_the_device_workers_and_precision_reach_the_config(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: seen.update(c=config))
    monkeypatch.setattr(train, "_cpu_has_bf16", lambda: True)
    train.main(["--out", str(tmp_path), "--device", "cpu", "--workers", "3"])
    assert seen["c"].device == "cpu" and seen["c"].workers == 3
    assert seen["c"].precision == "fp32"
    train.main(["--out", str(tmp_path), "--precision", "bf16"])
    assert seen["c"].precision == "bf16"


def test_bfloat16_where_the_device_has_none_is_refused_before_training(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: pytest.fail("trained"))
    monkeypatch.setattr(train, "_cpu_has_bf16", lambda: False)
    with pytest.raises(SystemExit):
        train.main(["--out", str(tmp_path), "--precision", "bf16"])
    assert "no bfloat16 instructions" in capsys.readouterr().err
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    assert "no bfloat16" in train.precision_problem("bf16", "cuda")
    assert train.precision_problem("fp32", "cuda") is None
    assert "one of fp32, bf16" in train.precision_problem("fp16", "cpu")


@pytest.mark.skipif(
    train.precision_problem("bf16", "cpu") is not None, reason="no bfloat16 on this CPU"
)
def test_a_bfloat16_run_learns_repeats_and_exports_float32_weights(tmp_path, few_glyphs):
    losses = []
    config = replace(_config(tmp_path / "a", 12), precision="bf16")
    model = train.train(config, on_progress=lambda p: losses.append(p["loss"]))
    assert losses[-1] < losses[0]
    again = train.train(replace(config, out=str(tmp_path / "b")))
    in_fp32 = train.train(_config(tmp_path / "c", 12))
    differs = False
    for key, value in model.state_dict().items():
        assert value.dtype == in_fp32.state_dict()[key].dtype  # float32 weights, int counters
        assert torch.equal(value, again.state_dict()[key]), key
        differs |= not torch.equal(value, in_fp32.state_dict()[key])
    assert differs  # the convolutions did run in the other arithmetic
    path = tmp_path / "model.safetensors"
    train.export_weights(model.eval(), path, {"widths": [4, 8, 8, 8, 8, 8], "input_size": 64})
    cut = Segmenter.from_shipped_weights(path, "cpu").cutout(emoji_like(64)[0])
    assert cut.rgba.size == (64, 64)


def test_loss_goes_down_and_export_loads(tmp_path, few_glyphs):
    losses = []
    model = train.train(_config(tmp_path / "c", 12), on_progress=lambda p: losses.append(p["loss"]))
    assert losses[-1] < losses[0]
    path = tmp_path / "model.safetensors"
    train.export_weights(
        model.eval(), path, {"widths": [4, 8, 8, 8, 8, 8], "input_size": 64, "threshold": 0.5}
    )
    seg = Segmenter.from_shipped_weights(path, "cpu")
    assert seg.threshold == 0.5
    cut = seg.cutout(emoji_like(64)[0])
    assert cut.rgba.size == (64, 64)


def _first_stage(tmp_path, widths=(4, 8, 8, 8, 8, 8), steps=2):
    """A short first run and its exported weights, for a second stage to start from."""
    model = train.train(replace(_config(tmp_path / "first", steps), widths=widths))
    path = tmp_path / "first.safetensors"
    train.export_weights(model.eval(), path, {"widths": list(widths)})
    return model, path


def test_second_stage_starts_from_exported_weights(tmp_path, few_glyphs):
    first, path = _first_stage(tmp_path)
    config = _config(tmp_path / "second", 0)
    second = train.train(replace(config, init=str(path)))
    for key, value in first.state_dict().items():
        assert torch.equal(value, second.state_dict()[key]), key


def test_a_fifth_input_channel_starts_from_four_channel_weights(tmp_path, few_glyphs):
    # The shipped 4-channel file grows a paper-distance channel with zero weights, so the
    # widened network starts out predicting exactly what the file did.
    first, path = _first_stage(tmp_path)
    config = replace(_config(tmp_path / "wide", 0), init=str(path), paper_distance=True)
    wide = train.train(config).eval()
    inputs, _, _ = train.make_batch(synth.noto_glyphs("train"), config, 0)
    assert inputs.shape[1] == 5
    with torch.no_grad():
        assert torch.equal(first(inputs[:, :4]), wide(inputs))


def test_a_five_channel_model_exports_and_cuts(tmp_path, few_glyphs):
    config = replace(_config(tmp_path / "five", 2), paper_distance=True)
    model = train.train(config)
    path = tmp_path / "five.safetensors"
    meta = {"widths": [4, 8, 8, 8, 8, 8], "input_size": 64, "threshold": 0.0}
    train.export_weights(model.eval(), path, meta)  # records in_channels from the model
    cut = Segmenter.from_shipped_weights(path, "cpu").cutout(emoji_like(64)[0])
    assert cut.method == "unet" and cut.mask.shape == (64, 64)


def test_every_recipe_option_reaches_the_config_and_the_pictures(monkeypatch, tmp_path):
    import dataclasses
    import inspect

    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    arguments = set(inspect.signature(synth.make_sample).parameters)
    assert set(train.RECIPE_OPTIONS) <= fields & arguments
    seen = []

    class Stop(Exception):
        pass

    def capture(config, on_progress=None):
        seen.append(config)
        raise Stop

    monkeypatch.setattr(train, "train", capture)
    with pytest.raises(Stop):
        train.main(["--out", str(tmp_path), "--white-spots", "0.25", "--cut-white", "0.1"])
    assert seen[0].white_spots == 0.25 and seen[0].cut_white == 0.1 and seen[0].loops == 0.0


def test_input_sizes_are_stored_with_the_exported_weights(monkeypatch, tmp_path):
    from safetensors import safe_open

    from studio.segment.tinyunet import TinyUNet

    # The command line's export step only: the model stands in for a finished run.
    model = TinyUNet(in_channels=5).eval()
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: model)
    path = tmp_path / "multi.safetensors"
    argv = ["--out", str(tmp_path / "run"), "--export", str(path), "--input-sizes", "64", "96"]
    assert train.main(argv) == 0
    with safe_open(str(path), framework="pt") as handle:
        meta = json.loads(handle.metadata()["meta"])
    assert meta["input_sizes"] == [64, 96]
    assert Segmenter.from_shipped_weights(path, "cpu")._net.input_sizes == (64, 96)


def test_unusable_input_sizes_are_refused_before_training(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: pytest.fail("trained"))
    with pytest.raises(SystemExit):
        train.main(["--out", str(tmp_path), "--input-sizes", "256", "8"])
    assert "32 to 2048" in capsys.readouterr().err


def test_a_negative_design_glyph_count_is_refused_before_training(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: pytest.fail("trained"))
    with pytest.raises(SystemExit):
        train.main(["--out", str(tmp_path), "--design-glyphs", "-1"])
    assert "--design-glyphs" in capsys.readouterr().err


def test_other_designs_join_noto_and_their_glyphs_are_kept_for_a_resume(
    tmp_path, few_glyphs, monkeypatch
):
    design = square_design(tmp_path)
    config = replace(_config(tmp_path / "run", 1), designs=(str(design),))
    cache = tmp_path / "run" / train.GLYPH_CACHE_NAME
    cache.parent.mkdir()
    glyphs = train.training_glyphs(config, cache)
    assert isinstance(glyphs, synth.BalancedGlyphs)
    trained = synth.design_files(design, "train")
    assert len(glyphs) == 2 * max(2, len(trained))
    assert cache.is_file()
    # A resumed run reads the kept glyphs back instead of loading the design again.
    monkeypatch.setattr(synth, "load_design_folder", lambda *a, **k: pytest.fail("reloaded"))
    again = train.training_glyphs(config, cache)
    assert len(again) == len(glyphs)
    model = train.train(config)
    assert json.loads((tmp_path / "run" / "config.json").read_text())["designs"] == [str(design)]
    assert model is not None


def test_design_glyphs_limits_each_design_and_a_new_limit_is_not_read_from_the_cache(
    tmp_path, few_glyphs
):
    design = square_design(tmp_path)
    trained = len(synth.design_files(design, "train"))
    assert trained > 2  # more than the Noto sample, so the design sets the sequence's length
    cache = tmp_path / train.GLYPH_CACHE_NAME
    every = replace(_config(tmp_path / "run", 1), designs=(str(design),), design_glyphs=0)
    assert len(train.training_glyphs(every, cache)) == 2 * trained
    one = replace(every, design_glyphs=1)
    assert len(train.training_glyphs(one, cache)) == 2 * 2  # Noto's two, the design's one twice
    assert len(train.training_glyphs(every, cache)) == 2 * trained


def test_noto_weight_makes_noto_that_many_times_as_likely_as_each_design(tmp_path, few_glyphs):
    design = square_design(tmp_path)
    cache = tmp_path / train.GLYPH_CACHE_NAME
    config = replace(_config(tmp_path / "run", 1), designs=(str(design),), design_glyphs=1)
    noto = {glyph.tobytes() for glyph in synth.noto_glyphs("train")}
    for weight, share in ((1, 1 / 2), (3, 3 / 4)):
        glyphs = train.training_glyphs(replace(config, noto_weight=weight), cache)
        drawn = [glyphs[i].tobytes() in noto for i in range(len(glyphs))]
        assert sum(drawn) / len(drawn) == share


def test_a_noto_weight_below_one_is_refused_before_training(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(train, "train", lambda config, on_progress=None: pytest.fail("trained"))
    with pytest.raises(SystemExit):
        train.main(["--out", str(tmp_path), "--noto-weight", "0"])
    assert "--noto-weight" in capsys.readouterr().err


def test_white_weight_weighs_only_the_opaque_near_white_pixels(tmp_path, few_glyphs):
    config = replace(_config(tmp_path / "w", 1), size=96, white_spots=1.0)
    glyphs = synth.noto_glyphs("train")
    inputs, alpha, usual = train.make_batch(glyphs, config, 0)
    _, _, heavy = train.make_batch(glyphs, replace(config, white_weight=8.0), 0)
    white = (inputs[:, :3].min(dim=1).values > 0.86) & (alpha > 0.5)
    assert white.any()
    assert torch.allclose(heavy[white] - usual[white], torch.full_like(usual[white], 4.0))
    assert torch.equal(heavy[~white], usual[~white])


def test_shadow_weight_weighs_only_the_soft_shadow_pixels(tmp_path, few_glyphs):
    config = replace(_config(tmp_path / "s", 1), size=96, shadow=1.0, crop=0.0)
    glyphs = synth.noto_glyphs("train")
    _, alpha, usual = train.make_batch(glyphs, config, 0)
    _, _, heavy = train.make_batch(glyphs, replace(config, shadow_weight=4.0), 0)
    shadow = (alpha > 0.01) & (alpha < 0.5) & (train.edge_band(alpha) < 0.5)
    assert shadow.sum() > 100  # every glyph casts one
    assert torch.allclose(heavy[shadow] - usual[shadow], torch.full_like(usual[shadow], 4.0))
    assert torch.equal(heavy[~shadow], usual[~shadow])
    # The anti-aliased outline is not shadow, however faint.
    outline = (alpha > 0.01) & (alpha < 0.5) & (train.edge_band(alpha) > 0.9)
    assert outline.any() and not shadow[outline].any()


def test_enclosed_weight_weighs_only_the_paper_the_figure_encloses(tmp_path, few_glyphs):
    config = replace(_config(tmp_path / "e", 1), size=96, loops=1.0, crop=0.0)
    glyphs = synth.noto_glyphs("train")
    _, alpha, usual = train.make_batch(glyphs, config, 0)
    _, _, heavy = train.make_batch(glyphs, replace(config, enclosed_weight=2.0), 0)
    enclosed = train.enclosed_paper_pixels(alpha, train.edge_band(alpha))
    assert enclosed.sum() > 50  # the loops' see-through gaps
    assert torch.allclose(heavy[enclosed] - usual[enclosed], torch.full_like(usual[enclosed], 2.0))
    assert torch.equal(heavy[~enclosed], usual[~enclosed])
    # Paper joined to the border is never weighted, nor is any pixel of the figure.
    assert not enclosed[:, 0, :].any() and not enclosed[alpha >= 0.01].any()


def test_enclosed_paper_pixels_of_a_ring_are_its_hole():
    alpha = torch.zeros(1, 40, 40)
    alpha[0, 5:35, 5:35] = 1.0
    alpha[0, 15:25, 15:25] = 0.0  # the hole
    alpha[0, 0:40, 38:40] = 0.0
    enclosed = train.enclosed_paper_pixels(alpha, train.edge_band(alpha))
    # The hole's pixels farther than 2 px from its rim, and nothing else.
    expected = torch.zeros(1, 40, 40, dtype=torch.bool)
    expected[0, 17:23, 17:23] = True
    assert torch.equal(enclosed, expected)


def test_every_loss_weight_reaches_the_config_and_the_exported_metadata(monkeypatch, tmp_path):
    from safetensors import safe_open

    from studio.segment.tinyunet import TinyUNet

    seen = []
    model = TinyUNet(in_channels=4).eval()

    def finished(config, on_progress=None):  # the export step only: a run stands in
        seen.append(config)
        return model

    monkeypatch.setattr(train, "train", finished)
    path = tmp_path / "weights.safetensors"
    chosen = {name: 1.5 + i for i, name in enumerate(train.LOSS_WEIGHT_OPTIONS)}
    argv = ["--out", str(tmp_path / "run"), "--export", str(path)]
    for name, value in chosen.items():
        argv += ["--" + name.replace("_", "-"), str(value)]
    assert train.main(argv) == 0
    assert {name: getattr(seen[0], name) for name in chosen} == chosen
    with safe_open(str(path), framework="pt") as handle:
        meta = json.loads(handle.metadata()["meta"])
    assert {name: meta[name] for name in chosen} == chosen
    assert meta["precision"] == "fp32"  # how it was trained, for the record


def test_a_wider_network_starts_from_narrower_weights(tmp_path, few_glyphs):
    # Deeper levels widened (and a paper-distance channel added): the new channels get zero
    # weights wherever they are read, so the wider network predicts exactly what the file did,
    # in training mode too, and then trains on from there.
    first, path = _first_stage(tmp_path)
    config = replace(
        _config(tmp_path / "wide", 0),
        init=str(path),
        widths=(4, 8, 8, 12, 16, 24),
        paper_distance=True,
    )
    wide = train.train(config)
    assert wide.down[-1][1][0].weight.shape == (24, 24, 3, 3)
    inputs, _, _ = train.make_batch(synth.noto_glyphs("train"), config, 0)
    with torch.no_grad():
        for mode in (False, True):
            first.train(mode)
            wide.train(mode)
            assert torch.allclose(first(inputs[:, :4]), wide(inputs), atol=1e-6)
    # The deepest decoder block reads its new input channels with zero weights at first;
    # training makes them count.
    assert not wide.up[0][0][0].weight[:, 8:24].any()
    trained = train.train(replace(config, steps=2))
    assert trained.up[0][0][0].weight[:, 8:24].abs().sum() > 0


def test_weights_of_a_wider_network_do_not_fit_a_narrower_one(tmp_path, few_glyphs):
    _, path = _first_stage(tmp_path, widths=(4, 8, 8, 8, 8, 16), steps=1)
    with pytest.raises(ValueError, match="does not fit"):
        train.train(replace(_config(tmp_path / "narrow", 0), init=str(path)))
    _, deeper = _first_stage(tmp_path / "deep", widths=(4, 8, 8, 8, 8, 8, 8), steps=1)
    with pytest.raises(ValueError, match="lacks"):
        train.train(replace(_config(tmp_path / "shallow", 0), init=str(deeper)))


def test_widths_reach_the_config_and_the_exported_metadata(monkeypatch, tmp_path):
    from safetensors import safe_open

    from studio.segment.tinyunet import TinyUNet

    seen = []

    def finished(config, on_progress=None):
        seen.append(config)
        return TinyUNet(in_channels=4, widths=config.widths).eval()

    monkeypatch.setattr(train, "train", finished)
    path = tmp_path / "wide.safetensors"
    argv = ["--out", str(tmp_path / "run"), "--widths", "4", "8", "8", "8", "12", "16"]
    assert train.main([*argv, "--export", str(path)]) == 0
    assert seen[0].widths == (4, 8, 8, 8, 12, 16)
    with safe_open(str(path), framework="pt") as handle:
        assert json.loads(handle.metadata()["meta"])["widths"] == [4, 8, 8, 8, 12, 16]
    cut = Segmenter.from_shipped_weights(path, "cpu").cutout(emoji_like(64)[0])
    assert cut.mask.shape == (64, 64)


def test_the_edge_band_is_the_spread_of_alpha_within_two_pixels():
    torch.manual_seed(0)
    alpha = (torch.rand(3, 40, 40) > 0.7) * torch.rand(3, 40, 40)
    hard = alpha[:, None]
    spread = torch.nn.functional.max_pool2d(hard, 5, 1, 2) + torch.nn.functional.max_pool2d(
        -hard, 5, 1, 2
    )
    assert torch.equal(train.edge_band(alpha), spread[:, 0])
