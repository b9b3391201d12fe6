"""render_sticker: one side exactly 512, margins trimmed, padding, outline and shadow."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pack_pictures import figure_rgba
from PIL import Image

from studio.pack import EmptySticker, RenderOptions, render_sticker, render_thumbnail

ALPHA_PATTERNS = ["opaque", "ellipse", "rectangle", "speck", "noise", "line", "soft"]


def alpha_pattern(kind: str, width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """An (H, W) uint8 alpha with at least one visible pixel."""
    alpha = np.zeros((height, width), np.uint8)
    if kind == "opaque":
        alpha[:] = 255
    elif kind == "ellipse":
        yy, xx = np.mgrid[:height, :width]
        inside = ((xx - width / 2) / (width / 2.5)) ** 2 + ((yy - height / 2) / (height / 2.5)) ** 2
        alpha[inside <= 1] = 255
    elif kind == "rectangle":
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        x1, y1 = rng.integers(x0, width) + 1, rng.integers(y0, height) + 1
        alpha[y0:y1, x0:x1] = 255
    elif kind == "speck":
        alpha[rng.integers(0, height), rng.integers(0, width)] = rng.integers(1, 256)
    elif kind == "noise":
        alpha[:] = rng.integers(0, 256, (height, width))
    elif kind == "line":
        alpha[rng.integers(0, height), :] = 200
    elif kind == "soft":
        alpha[:] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    if not alpha.any():
        alpha[height // 2, width // 2] = 255
    return alpha


def picture(kind: str, width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgba = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    rgba[..., 3] = alpha_pattern(kind, width, height, rng)
    return rgba


sizes = st.integers(min_value=1, max_value=900)
options = st.builds(
    RenderOptions,
    outline_px=st.integers(0, 32),
    shadow=st.booleans(),
    padding_px=st.integers(0, 64),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=sizes,
    height=sizes,
    kind=st.sampled_from(ALPHA_PATTERNS),
    seed=st.integers(0, 2**16),
    opts=options,
)
def test_one_side_is_exactly_512_and_the_other_fits(width, height, kind, seed, opts):
    sticker = render_sticker(picture(kind, width, height, seed), opts)
    assert sticker.mode == "RGBA"
    assert max(sticker.size) == 512
    assert min(sticker.size) <= 512
    alpha = np.asarray(sticker)[..., 3]
    assert alpha.any()
    # Nothing is drawn inside the padding.
    pad = opts.padding_px
    if pad:
        assert not alpha[:pad].any() and not alpha[-pad:].any()
        assert not alpha[:, :pad].any() and not alpha[:, -pad:].any()


@settings(max_examples=40, deadline=None)
@given(width=sizes, height=sizes, kind=st.sampled_from(ALPHA_PATTERNS), seed=st.integers(0, 999))
@example(width=1, height=329, kind="noise", seed=164)
def test_without_options_the_figure_fills_the_sticker(width, height, kind, seed):
    """Trimmed and fitted: the figure touches both edges of the long side, keeping its shape."""
    rgba = picture(kind, width, height, seed)
    sticker = np.asarray(render_sticker(rgba))
    ys, xs = np.nonzero(rgba[..., 3])
    fig_w, fig_h = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    out_h, out_w = sticker.shape[:2]
    assert max(out_w, out_h) == 512
    # Aspect ratio kept to within rounding of one pixel.
    assert abs(out_w / out_h - fig_w / fig_h) <= (fig_w / fig_h) * (1 / min(out_w, out_h)) + 1e-9
    # Within a pixel of each edge: enlarging is cubic, and its undershoot can take a faint edge
    # pixel beside an opaque one to 0 (a 1x329 noise figure ending in alpha 68, 255, 4).
    visible = sticker[..., 3] > 0
    if out_w == 512:
        assert visible[:, :2].any() and visible[:, -2:].any()
    if out_h == 512:
        assert visible[:2].any() and visible[-2:].any()


def test_transparent_margins_are_trimmed():
    canvas = np.zeros((1000, 1000, 4), np.uint8)
    canvas[400:500, 100:300] = (10, 200, 30, 255)  # a 200x100 figure far from the centre
    sticker = render_sticker(canvas)
    assert sticker.size == (512, 256)
    assert np.asarray(sticker)[..., 3].min() == 255


def test_outline_is_white_and_about_the_asked_width():
    square = np.zeros((100, 100, 4), np.uint8)
    square[...] = (200, 20, 20, 255)
    sticker = np.asarray(render_sticker(square, RenderOptions(outline_px=10)))
    assert sticker.shape[:2] == (512, 512)
    row = sticker[256]
    # Left of the red figure: 10 px of opaque white.
    assert (row[:10, :3] >= 250).all() and (row[:10, 3] == 255).all()
    assert row[10, 0] == 200 and row[10, 1] == 20  # then the figure
    # A corner is rounded (Euclidean distance): the outermost corner pixel stays transparent.
    assert sticker[0, 0, 3] == 0


def test_outline_edge_is_smooth():
    disc = figure_rgba(400, 400)
    sticker = np.asarray(render_sticker(disc, RenderOptions(outline_px=12)))
    alpha = sticker[..., 3]
    partial = (alpha > 0) & (alpha < 255)
    assert partial.sum() > 100  # anti-aliased, not a staircase of 0 and 255


def test_shadow_is_dark_and_below_right():
    square = np.zeros((100, 100, 4), np.uint8)
    square[...] = (255, 255, 255, 255)
    sticker = np.asarray(render_sticker(square, RenderOptions(shadow=True))).astype(int)
    alpha = sticker[..., 3]
    figure = (alpha == 255) & (sticker[..., :3].min(axis=2) == 255)
    shadow = (alpha > 0) & ~figure
    assert shadow.sum() > 1000
    fig_y, fig_x = np.argwhere(figure).mean(axis=0)
    # Weighted by opacity, the shadow sits below and to the right of the figure.
    weights = alpha * shadow
    ys, xs = np.mgrid[: alpha.shape[0], : alpha.shape[1]]
    assert (xs * weights).sum() / weights.sum() > fig_x + 1
    assert (ys * weights).sum() / weights.sum() > fig_y + 1
    assert sticker[..., :3][shadow & (alpha < 200)].max() < 60  # black, not grey or white


def test_fully_transparent_picture_is_refused():
    with pytest.raises(EmptySticker):
        render_sticker(Image.new("RGBA", (50, 50), (255, 0, 0, 0)))


def test_smaller_previews_scale_the_options():
    disc = figure_rgba(300, 300)
    opts = RenderOptions(outline_px=16, shadow=True, padding_px=32)
    preview = render_sticker(disc, opts, size=256)
    assert max(preview.size) == 256
    assert not np.asarray(preview)[:16, :, 3].any()  # the 32 px padding, halved


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "LA", "RGBA"])
def test_any_pil_mode_is_accepted(mode):
    sticker = render_sticker(figure_rgba(120, 80).convert(mode))
    assert sticker.mode == "RGBA" and sticker.width == 512
    if mode in ("RGB", "L"):  # no alpha: the whole 3:2 frame is the figure
        assert sticker.size == (512, 341)


@pytest.mark.parametrize("side", [200, 1500])  # enlarged and shrunk
def test_no_dark_fringe_around_a_white_figure(side):
    disc = np.asarray(figure_rgba(side, side)).copy()
    disc[..., :3] = 255  # white, with the ellipse's soft alpha edge
    disc[disc[..., 3] == 0, :3] = 0  # and black where transparent: must not bleed in
    sticker = np.asarray(render_sticker(disc)).astype(int)
    visible = sticker[..., 3] > 0
    assert sticker[..., :3][visible].min() >= 250  # colour never darkened at soft edges


def test_thumbnail_is_exactly_100_square():
    wide = render_sticker(figure_rgba(400, 100))
    thumbnail = render_thumbnail(wide)
    assert thumbnail.size == (100, 100) and thumbnail.mode == "RGBA"
    alpha = np.asarray(thumbnail)[..., 3]
    assert not alpha[0].any() and not alpha[-1].any()  # letterboxed, centred
