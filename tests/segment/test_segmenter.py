"""The Segmenter API contract, routing and odd inputs, on a small random-weight model."""

import cv2
import numpy as np
import pytest
from PIL import Image

from studio.segment import CutoutResult, Segmenter, SegmenterError, contour, see_through, segmenter
from tests.segment.conftest import emoji_like


@pytest.fixture(scope="module")
def seg(tiny_weights):
    return Segmenter.from_shipped_weights(tiny_weights, "cpu")


@pytest.mark.parametrize("size", [(64, 64), (300, 200), (33, 517)])
def test_result_contract(seg, size):
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste((0, 120, 255), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    cut = seg.cutout(image)
    assert isinstance(cut, CutoutResult)
    assert cut.rgba.mode == "RGBA" and cut.rgba.size == size
    assert cut.mask.dtype == np.uint8 and cut.mask.shape == (size[1], size[0])
    assert np.array_equal(np.asarray(cut.rgba)[..., 3], cut.mask)
    assert cut.method in ("unet", "contour")
    assert 0.0 <= cut.confidence <= 1.0


def test_routing_follows_the_threshold(seg):
    image, _ = emoji_like(96)
    never = seg.with_threshold(0.0).cutout(image)
    always = seg.with_threshold(1.01).cutout(image)
    assert never.method == "unet"
    assert always.method == "contour"
    assert never.confidence == pytest.approx(always.confidence)
    assert np.array_equal(always.mask, contour.contour_mask(np.asarray(image)))


def test_batched_equals_one_by_one(seg):
    images = [emoji_like(s)[0] for s in (64, 80, 100)] + [Image.new("RGB", (50, 70), "white")]
    batched = seg.cutout_many(images, batch_size=3)
    single = [seg.cutout(image) for image in images]
    assert [c.method for c in batched] == [c.method for c in single]
    for a, b in zip(batched, single, strict=True):
        assert a.confidence == pytest.approx(b.confidence, abs=1e-5)
        assert np.abs(a.mask.astype(int) - b.mask.astype(int)).max() <= 1
    assert seg.cutout_many([], batch_size=2) == []
    with pytest.raises(ValueError):
        seg.cutout_many(images, batch_size=0)


@pytest.mark.parametrize("mode", ["L", "1", "P", "CMYK", "LA", "I;16", "RGBA", "I", "F"])
def test_any_mode_is_accepted(seg, mode):
    image = emoji_like(64)[0]
    if mode in ("I;16", "I", "F"):
        converted = image.convert("L").convert(mode)
    else:
        converted = image.convert(mode)
    cut = seg.cutout(converted)
    assert cut.rgba.size == (64, 64)


def test_transparent_input_pixels_stay_transparent(seg):
    image, _ = emoji_like(64)
    rgba = image.convert("RGBA")
    rgba.putalpha(Image.new("L", (64, 64), 255))
    pixels = np.asarray(rgba).copy()
    pixels[:, :20, 3] = 0
    cut = seg.with_threshold(0.0).cutout(Image.fromarray(pixels, "RGBA"))
    assert cut.mask[:, :20].max() == 0


def test_too_small_or_not_a_picture(seg):
    with pytest.raises(SegmenterError, match="at least 8x8"):
        seg.cutout(Image.new("RGB", (4, 4)))
    with pytest.raises(SegmenterError, match="PIL image"):
        seg.cutout(np.zeros((10, 10, 3), np.uint8))


def test_default_without_shipped_weights_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(segmenter, "resource", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(SegmenterError, match="shipped cut-out model is missing"):
        Segmenter.default()


def test_damaged_or_foreign_weights_are_refused(tmp_path, official_weights):
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(SegmenterError, match="not a readable cut-out model"):
        Segmenter.from_shipped_weights(broken)
    with pytest.raises(SegmenterError):
        Segmenter.from_shipped_weights(official_weights)


def test_weights_with_an_unknown_input_layout_are_refused(tmp_path):
    from studio.segment.tinyunet import TinyUNet
    from studio.segment.training.train import export_weights

    path = tmp_path / "odd.safetensors"
    meta = {"widths": [4, 8, 8, 8, 8, 8], "in_channels": 7}
    export_weights(TinyUNet(in_channels=7, widths=(4, 8, 8, 8, 8, 8)), path, meta)
    with pytest.raises(SegmenterError, match="7 input channels"):
        Segmenter.from_shipped_weights(path)


def test_flip_average_makes_the_mask_mirror_equivariant(tmp_path):
    import torch

    from studio.segment.tinyunet import TinyUNet
    from studio.segment.training.train import export_weights

    torch.manual_seed(1)
    path = tmp_path / "flip.safetensors"
    meta = {"widths": [4, 8, 8, 8, 8, 8], "input_size": 64, "threshold": 0.0, "flip_average": True}
    export_weights(TinyUNet(widths=(4, 8, 8, 8, 8, 8)).eval(), path, meta)
    seg = Segmenter.from_shipped_weights(path, "cpu")
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
    mask = seg.cutout(Image.fromarray(picture)).mask
    mirrored = seg.cutout(Image.fromarray(np.ascontiguousarray(picture[:, ::-1]))).mask
    assert np.abs(mask[:, ::-1].astype(int) - mirrored.astype(int)).max() <= 1


def test_shipped_model_cuts_an_emoji_well():
    # The real shipped weights: white eyes inside the face stay, the background goes.
    seg = Segmenter.default("cpu")
    image, truth = emoji_like(256)
    cut = seg.cutout(image)
    mask = cut.mask >= 128
    assert (mask & truth).sum() / (mask | truth).sum() > 0.95
    assert cut.mask[0, 0] == 0


def _write_sizes(path, sizes):
    import torch

    from studio.segment.tinyunet import TinyUNet
    from studio.segment.training.train import export_weights

    torch.manual_seed(2)
    meta = {"widths": [4, 8, 8, 8, 8, 8], "input_size": 64, "threshold": 0.0}
    if sizes is not None:
        meta["input_sizes"] = sizes
    export_weights(TinyUNet(in_channels=5, widths=(4, 8, 8, 8, 8, 8)).eval(), path, meta)
    return path


def test_multi_scale_prediction_is_the_mean_of_each_size_upsampled(tmp_path):
    multi = Segmenter.from_shipped_weights(_write_sizes(tmp_path / "m.safetensors", [64, 96]))
    small = Segmenter.from_shipped_weights(_write_sizes(tmp_path / "s.safetensors", [64]))
    large = Segmenter.from_shipped_weights(_write_sizes(tmp_path / "l.safetensors", [96]))
    picture = np.asarray(emoji_like(128)[0])
    (p_multi,), (c_multi,) = multi._predict([picture])
    (p_small,), _ = small._predict([picture])
    (p_large,), _ = large._predict([picture])
    assert p_multi.shape == (96, 96)  # averaged at the largest size
    upsampled = cv2.resize(p_small, (96, 96), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_allclose(p_multi, 0.5 * (upsampled + p_large), atol=1e-5)
    assert 0.5 <= c_multi <= 1.0
    cut = multi.cutout_many([Image.fromarray(picture)] * 3, batch_size=2)
    assert all(c.mask.shape == (128, 128) and c.method == "unet" for c in cut)


def test_each_pass_alone_and_fed_at_other_sizes(tmp_path):
    multi = Segmenter.from_shipped_weights(_write_sizes(tmp_path / "m.safetensors", [64, 96]))
    picture = np.asarray(emoji_like(128)[0])
    passes = multi.pass_outputs([picture], [64, 96], 96)
    (p_multi,), _ = multi.network_outputs([picture])
    np.testing.assert_allclose(p_multi, 0.5 * (passes[64][0] + passes[96][0]), atol=1e-6)
    large = multi.fed_at([96])
    assert large.network_outputs([picture])[0][0].shape == (96, 96)
    np.testing.assert_allclose(large.network_outputs([picture])[0][0], passes[96][0], atol=1e-6)
    for sizes in ([], [16], [64, 5000]):
        with pytest.raises(ValueError, match="cannot feed"):
            multi.fed_at(sizes)


def test_a_file_without_input_sizes_is_fed_at_its_training_size(tmp_path):
    seg = Segmenter.from_shipped_weights(_write_sizes(tmp_path / "old.safetensors", None))
    assert seg._net.input_sizes == (64,)


@pytest.mark.parametrize("sizes", [[], [64, "96"], [16], "256"])
def test_unusable_input_sizes_are_refused(tmp_path, sizes):
    path = _write_sizes(tmp_path / "odd.safetensors", sizes)
    with pytest.raises(SegmenterError, match="input sizes"):
        Segmenter.from_shipped_weights(path)


def test_a_kept_pale_speck_is_removed_and_flagged_for_review(seg):
    # The network's output is forced here: a sure figure and a pale speck it calls opaque (a
    # greyish smudge, not the paper's own colour, which `paper_gaps` would clear first).
    rgb = np.full((128, 128, 3), (253, 252, 252), np.uint8)
    cv2.circle(rgb, (60, 64), 30, (200, 30, 40), -1)
    cv2.circle(rgb, (112, 16), 5, (244, 246, 250), -1)
    prob = np.zeros((128, 128), np.float32)
    cv2.circle(prob, (60, 64), 30, 1.0, -1)
    cv2.circle(prob, (112, 16), 6, 0.9, -1)
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[10:23, 106:119].max() == 0 and cut.mask[64, 60] == 255
    assert cut.review == "removed 1 pale speck detached from the figure"
    assert cut.flagged_by == ("specks",)
    clean = network._finish(rgb, None, np.where(prob > 0.95, prob, 0), 0.99)
    assert clean.review is None and clean.flagged_by == ()
    kept = network.without_speck_removal()._finish(rgb, None, prob, 0.99)
    assert kept.mask[16, 112] > 0 and kept.review is None  # measured as it was before


def test_a_wide_island_of_white_paper_the_network_doubts_is_removed(seg):
    # Pure white paper between two parts, kept opaque by a network unsure of it and cut off
    # from the figure: wider than a speck, and no rule measuring the paper acts on pure white.
    rgb = np.full((128, 128, 3), 255, np.uint8)
    cv2.circle(rgb, (50, 64), 30, (200, 30, 40), -1)
    prob = np.zeros((128, 128), np.float32)
    cv2.circle(prob, (50, 64), 30, 1.0, -1)
    cv2.circle(prob, (105, 30), 13, 0.65, -1)  # about 530 px, 3% of the picture
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[17:44, 92:119].max() == 0 and cut.mask[64, 50] == 255
    assert cut.review == "removed 1 pale speck detached from the figure"
    kept = network.without_speck_removal()._finish(rgb, None, prob, 0.99)
    assert kept.mask[30, 105] >= 128  # the network's cut keeps it
    cv2.circle(prob, (105, 30), 13, 0.9, -1)
    sure = network._finish(rgb, None, prob, 0.99)
    assert sure.mask[30, 105] >= 128 and sure.review is None


def _grainy(rgb: np.ndarray, seed: int = 0) -> np.ndarray:
    """`rgb` with Gaussian grain of 1.5 levels, as on Emojich's paper at 512 px."""
    noise = np.random.default_rng(seed).normal(0, 1.5, rgb.shape)
    return np.clip(rgb + noise + 0.5, 0, 255).astype(np.uint8)


def test_a_filled_gap_showing_the_paper_is_cleared_and_flagged_for_review(seg):
    # A ring on Emojich's grainy paper; the network's output is forced to fill its hole, unsure
    # of it, as the gaps it fills are.
    rgb = np.full((256, 256, 3), (253, 252, 252), np.uint8)
    cv2.circle(rgb, (128, 128), 80, (210, 40, 40), 30)
    rgb = _grainy(rgb)
    prob = np.zeros((256, 256), np.float32)
    cv2.circle(prob, (128, 128), 95, 1.0, -1)
    cv2.circle(prob, (128, 128), 65, 0.7, -1)
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[100:156, 100:156].max() == 0 and cut.mask[128, 48] == 255
    assert cut.review == "cleared 1 gap showing the paper"
    assert cut.flagged_by == ("paper gaps",)
    filled = network.without_paper_gaps()._finish(rgb, None, prob, 0.99)
    assert filled.mask[128, 128] == 255  # measured as before
    assert filled.review == "kept 1 enclosed white region that may be see-through"
    assert filled.flagged_by == ("unsure white",)
    # Sure of it, the network has read the figure's shape: the hole is left as it keeps it.
    cv2.circle(prob, (128, 128), 65, 0.95, -1)
    sure = network._finish(rgb, None, prob, 0.99)
    assert sure.mask[128, 128] == 255 and sure.review is None


@pytest.mark.parametrize("belief", [0.95, 0.7], ids=["sure", "doubted"])
def test_the_paper_inside_a_dashed_frame_is_cleared_with_the_edges_it_bares(seg, belief):
    # A dark dashed frame round a dark bar (a letter in a regional indicator's box), drawn
    # anti-aliased (at 4x, then shrunk) on Emojich's grainy paper; the network takes the whole
    # square for figure, a white card in a dashed outline, sure of it or not.
    big = np.full((1024, 1024, 3), (253, 252, 252), np.uint8)
    ink = np.zeros((1024, 1024), np.float32)
    for start in range(190, 830, 90):  # dashes 66 px long, 24 px apart: breaks of 6 px
        end = min(start + 66, 830)
        for a, b in ((190, 210), (810, 830)):
            ink[a:b, start:end] = ink[start:end, a:b] = 1.0
    ink[362:678, 502:558] = 1.0
    big[ink > 0] = (20, 30, 40)
    rgb = _grainy(cv2.resize(big, (256, 256), interpolation=cv2.INTER_AREA))
    coverage = cv2.resize(ink, (256, 256), interpolation=cv2.INTER_AREA)
    prob = np.zeros((256, 256), np.float32)
    prob[46:210, 46:210] = belief
    cut = seg.with_threshold(0.0)._finish(rgb, None, prob, 0.99)
    assert cut.mask[128, 80] == 0 and cut.mask[80, 180] == 0  # the paper inside the frame
    assert cut.mask[130, 132] >= 250 and cut.mask[50, 60] >= 250  # the bar and a dash
    assert cut.review == "cleared 1 gap showing the paper"
    # The strokes' edges inside the frame take the alpha their colour gives: the network's
    # edge ran round the frame's outside and never measured them.
    inside = np.zeros((256, 256), bool)
    inside[50:206, 50:206] = True  # the frame's inner fringe, not its outer
    fringe = (coverage > 0.05) & (coverage < 0.95) & inside
    error = np.abs(cut.mask[fringe] / 255.0 - coverage[fringe])
    assert fringe.sum() > 200 and error.mean() < 0.15


def test_pale_paint_the_network_drops_is_filled(seg):
    # A green ball with a pale glint on tinted paper, and a flat pale cloud on Emojich's grainy
    # paper; the network's output is forced to drop both.
    rgb = np.full((256, 256, 3), (235, 247, 250), np.uint8)
    cv2.circle(rgb, (80, 128), 40, (40, 180, 70), -1)
    cv2.circle(rgb, (70, 118), 9, (200, 255, 227), -1)
    prob = np.zeros((256, 256), np.float32)
    cv2.circle(prob, (80, 128), 40, 1.0, -1)
    cv2.circle(prob, (70, 118), 9, 0.0, -1)
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[118, 70] == 255 and cut.mask[5, 5] == 0
    kept = network.without_paint_fills()._finish(rgb, None, prob, 0.99)
    assert kept.mask[118, 70] == 0  # measured as before
    cloud = np.full((256, 256, 3), (253, 252, 252), np.uint8)
    cloud = _grainy(cloud, seed=2)
    cv2.ellipse(cloud, (128, 100), (70, 40), 0, 0, 360, (250, 255, 255), -1)
    cv2.rectangle(cloud, (60, 140), (196, 165), (150, 190, 210), -1)
    prob = np.zeros((256, 256), np.float32)
    prob[140:166, 60:197] = 1.0
    cut = network._finish(cloud, None, prob, 0.99)
    assert cut.mask[100, 128] == 255 and cut.mask[20, 20] == 0 and cut.review is None
    # A framed sign's white field, 2-3 levels whiter than Emojich's paper, both grainy. The
    # frame is broad: in a thin outline the field would be kept for its place in the figure
    # (`enclosed_white`), whatever its colour.
    flag = np.full((256, 256, 3), (253, 252, 252), np.uint8)
    cv2.rectangle(flag, (60, 70), (196, 170), (255, 255, 255), -1)
    cv2.rectangle(flag, (60, 70), (196, 170), (20, 20, 20), 24)
    flag = _grainy(flag, seed=3)
    prob = np.zeros((256, 256), np.float32)
    cv2.rectangle(prob, (60, 70), (196, 170), 1.0, 24)
    cut = network._finish(flag, None, prob, 0.99)
    assert cut.mask[120, 128] == 255 and cut.mask[20, 20] == 0 and cut.review is None
    kept = network.without_paint_fills()._finish(flag, None, prob, 0.99)
    assert kept.mask[120, 128] == 0  # measured as before


def _figure_with_faded_part(size, figure, figure_colour, part, part_colour):
    """A `figure` box (x0, y0, x1, y1) of `figure_colour` on Emojich's paper with a `part` box
    of `part_colour` drawn over it, at `size` px, and a network output sure over the whole
    figure (the caller makes it sag where the network fades)."""
    rgb = np.full((size, size, 3), (253, 252, 252), np.uint8)
    cv2.rectangle(rgb, figure[:2], figure[2:], figure_colour, -1)
    cv2.rectangle(rgb, part[:2], part[2:], part_colour, -1)
    prob = np.zeros((size, size), np.float32)
    cv2.rectangle(prob, figure[:2], figure[2:], 1.0, -1)
    return rgb, prob


def _faded_spot():
    """A light-grey bar in a black outline (grey, as a shadow is: `faded_paint` leaves it); the
    network's output sags to 0.55 in the bar's middle, which the cut-out would keep
    see-through (`see_through`). Returns the picture, the network's output, the faded part and
    a pixel of it."""
    rgb, prob = _figure_with_faded_part(
        256, (50, 90, 206, 166), (0, 0, 0), (64, 104, 192, 152), (200, 200, 200)
    )
    prob[115:142, 90:167] = 0.55
    return rgb, prob, np.s_[115:142, 90:167], (128, 128)


def _faded_base():
    """A red box with a pale cyan base along its lower side, at 512 px; the network's output
    sags to 0.55 over the base, as it does over a cast shadow (`faded_paint`)."""
    rgb, prob = _figure_with_faded_part(
        512, (100, 100, 400, 380), (200, 40, 40), (100, 300, 400, 380), (190, 225, 235)
    )
    prob[300:381, 100:401] = 0.55
    return rgb, prob, np.s_[315:370, 120:380], (340, 250)  # the base but its outer 3 px


@pytest.mark.parametrize("picture", [_faded_spot, _faded_base], ids=["walled-in", "along-outline"])
def test_faded_figure_is_made_opaque(seg, picture):
    rgb, prob, faded_part, probe = picture()
    network = seg.with_threshold(0.0)
    faded = network.with_see_through_spots()._finish(rgb, None, prob, 0.99)
    assert 128 <= faded.mask[probe] < 250  # measured as before
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[faded_part].min() >= see_through.SOLID_ALPHA and cut.mask[5, 5] == 0
    assert cut.review is None  # the cut-out already called it figure: nothing to review


def test_shipped_model_keeps_white_eyes_on_grainy_emojich_paper():
    image, truth = emoji_like(256, background=(253, 252, 252))
    cut = Segmenter.default("cpu").cutout(Image.fromarray(_grainy(np.asarray(image), seed=1)))
    mask = cut.mask >= 128
    assert (mask & truth).sum() / (mask | truth).sum() > 0.95
    assert mask[truth].mean() > 0.99  # the eyes are paint, not gaps ...
    assert "showing the paper" not in (cut.review or "")  # ... nor flagged as such


def test_an_opaque_cast_shadow_is_made_semi_transparent_black_and_flagged(seg):
    # A blue disc on white paper over a soft grey shadow; the network's output keeps the
    # shadow's core opaque.
    shape = np.zeros((256, 256), np.float32)
    cv2.ellipse(shape, (128, 200), (70, 16), 0, 0, 360, 1.0, -1)
    shadow = cv2.GaussianBlur(shape, (0, 0), 6) * 0.35
    rgb = np.repeat(252.0 - (252.0 - 60.0) * shadow[..., None], 3, axis=2)
    cv2.circle(rgb, (128, 120), 70, (40, 90, 220), -1)
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    prob = np.zeros((256, 256), np.float32)
    cv2.circle(prob, (128, 120), 70, 1.0, -1)
    prob[(shadow >= 0.15) & (prob < 0.5)] = 1.0
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[200, 128] < 128 and cut.mask[120, 128] == 255
    assert cut.review == "made 1 soft shadow semi-transparent"
    assert cut.flagged_by == ("shadows",)
    # Its colour is the dark grey that darkens the paper so, not the figure's or the paper's.
    assert np.asarray(cut.rgba)[205, 128, :3].max() < 40
    # Its faintest pixels too, beside the disc's edge: no light line along it on a dark chat.
    rgba = np.asarray(cut.rgba)
    disc = np.zeros((256, 256), np.uint8)
    cv2.circle(disc, (128, 120), 72, 1, -1)
    faint = (rgba[..., 3] > 0) & (rgba[..., 3] < 128) & (disc == 0) & (shadow > 0.02)
    assert faint.sum() > 1000 and rgba[..., :3][faint].max() < 40
    kept = network.with_opaque_shadows()._finish(rgb, None, prob, 0.99)
    assert kept.mask[200, 128] == 255 and kept.review is None  # measured as before


def test_an_opaque_flat_ground_shadow_is_made_semi_transparent_black_and_flagged(seg):
    # An outlined disc standing on a flat, hard-edged ellipse of 15% dark grey; the network's
    # output keeps the ellipse opaque.
    from tests.segment.test_ground_shadows import _scene

    rgb, _, shadow, figure = _scene()
    prob = cv2.resize((figure | shadow).astype(np.float32), (256, 256), cv2.INTER_AREA)
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert cut.mask[400, 100] < 128 and cut.mask[250, 256] == 255
    assert cut.review == "made the flat ground shadow semi-transparent"
    assert cut.flagged_by == ("shadows",)
    assert np.asarray(cut.rgba)[400, 100, :3].max() < 40  # black, as a shadow un-blends
    kept = network.with_opaque_ground_shadows()._finish(rgb, None, prob, 0.99)
    assert kept.mask[400, 100] == 255 and kept.review is None  # measured as before


def test_the_paper_a_ground_shadow_walled_in_is_cleared_with_it(seg):
    # The disc on two legs; the network's output keeps the ellipse and the paper between the
    # legs above it opaque.
    from tests.segment.test_ground_shadows import _paper_between_the_legs, _scene

    rgb, _, shadow, figure = _scene(legs=True)
    between = _paper_between_the_legs(rgb, figure, shadow)
    kept_by_network = (figure | shadow | between).astype(np.float32)
    prob = cv2.resize(kept_by_network, (256, 256), cv2.INTER_AREA)
    network = seg.with_threshold(0.0)
    cut = network._finish(rgb, None, prob, 0.99)
    assert (cut.mask[between] == 0).mean() > 0.9
    assert cut.mask[250, 256] == 255 and cut.flagged_by == ("shadows",)
    kept = network.with_walled_paper_kept()._finish(rgb, None, prob, 0.99)
    assert (kept.mask[between] >= 128).mean() > 0.9  # measured as before
    assert kept.mask[400, 120] < 128  # the shadow is made semi-transparent either way


def test_shadows_note_names_each_kind():
    assert segmenter._shadows_note(2, 0) == "made 2 soft shadows semi-transparent"
    assert segmenter._shadows_note(1, 1) == (
        "made 1 soft shadow and the flat ground shadow semi-transparent"
    )


def test_the_network_runs_folded_and_channels_last_and_predicts_as_stored():
    # The shipped weights, whose BatchNorms hold real statistics: loaded for inference they
    # are folded into the convolutions and laid out channels-last; the file's network as
    # stored, laid out plainly, predicts the same.
    import dataclasses

    import torch

    from studio.paths import resource

    seg = Segmenter.default("cpu")
    for size in seg._net.input_sizes:
        model = seg._net.model_for(size)
        assert model.stem[0].weight.is_contiguous(memory_format=torch.channels_last)
        assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    path = resource(*segmenter.SHIPPED_WEIGHTS)
    meta = segmenter.read_model_meta(path)
    state, size_states = segmenter.split_size_networks(segmenter.read_state_dict(path), meta, path)
    as_stored = segmenter._tiny_network(meta, state, "stored").eval()
    own = {
        size: segmenter._tiny_network(meta[segmenter.SIZE_NETWORKS_KEY][str(size)], s, "").eval()
        for size, s in size_states.items()
    }
    plain = segmenter.Segmenter(
        dataclasses.replace(seg._net, model=as_stored, size_models=own, channels_last=False),
        seg._device,
    )
    picture = np.asarray(emoji_like(128)[0])
    (ours,), (own_confidence,) = seg._predict([picture])
    (reference,), (plain_confidence,) = plain._predict([picture])
    np.testing.assert_allclose(ours, reference, atol=1e-5)
    assert own_confidence == pytest.approx(plain_confidence, abs=1e-6)
