"""Flat ground shadows the cut-out keeps opaque are told by their shape and made semi-transparent;
flat grey parts of other shapes stay as they are."""

import cv2
import numpy as np
import pytest

from studio.segment import ground_shadows

PAPER = (252.0, 251.0, 250.0)
OUTLINE = (69.0, 65.0, 60.0)


def _scene(
    size: int = 512,
    legs: bool = False,
    tilt: float = 0.0,
    shadow_below: bool = True,
    white_legs: bool = False,
):
    """An outlined orange disc standing on a flat, hard-edged ellipse of 15% dark grey (as
    Streamline draws its ground shadows) on off-white paper, slightly blurred as a decoder
    leaves it, and a cut-out that keeps the ellipse opaque, as the network does. `legs`: the
    disc stands on two legs that cut the ellipse in three (`white_legs`: painted as light as
    the paper); `tilt`: the ellipse's angle in
    degrees; `shadow_below`: False puts the ellipse over the disc (a halo, not a shadow).
    Returns (rgb, mask, the ellipse's shape, the figure's shape), the shapes (H,W bool)."""
    centre_y = 400 if shadow_below else 120
    shadow = np.zeros((size, size), np.uint8)
    cv2.ellipse(shadow, (256, centre_y), (170, 18), tilt, 0, 360, 1, -1)
    figure = np.zeros((size, size), np.uint8)
    cv2.circle(figure, (256, 250), 120, 1, -1)
    if legs:
        cv2.rectangle(figure, (196, 300), (214, 404), 1, -1)
        cv2.rectangle(figure, (298, 300), (316, 404), 1, -1)
    else:
        cv2.rectangle(figure, (200, 300), (312, 396), 1, -1)  # a body reaching into the ellipse
    rgb = np.empty((size, size, 3), np.float32)
    rgb[...] = PAPER
    rgb[shadow.astype(bool)] = 0.85 * np.array(PAPER) + 0.15 * np.array(OUTLINE)
    outline = cv2.dilate(figure, np.ones((9, 9), np.uint8)).astype(bool)
    rgb[outline] = OUTLINE
    rgb[figure.astype(bool)] = (250.0, 150.0, 40.0)
    if legs and white_legs:
        # Down to the ellipse's top and a little past it; lower, their white would show
        # inside the ellipse as much as the paper does past a shadow's edge.
        rgb[300:390, 196:215] = rgb[300:390, 298:317] = PAPER
    rgb = cv2.GaussianBlur(rgb, (0, 0), 0.8)
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    drawn = outline | shadow.astype(bool)
    mask = np.where(drawn, 255, 0).astype(np.uint8)
    return rgb, mask, shadow.astype(bool), outline


def test_a_flat_ground_shadow_becomes_a_semi_transparent_black_shadow():
    rgb, mask, shadow, figure = _scene()
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 1
    shown = shadow & ~cv2.dilate(figure.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    assert out[shown].max() < 128
    # A black shadow as dark as the picture's: alpha 1 - picture / paper, about 0.12 here.
    expected = 1.0 - rgb[shown].mean(axis=1) / np.mean(PAPER)
    inner = cv2.erode(shown.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    assert np.abs(out[inner] / 255.0 - expected[inner[shown]]).max() < 0.03
    # Its blurred rim too, not a line of opaque pixels round it.
    rim = shadow & ~cv2.erode(shadow.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert out[rim & shown].max() < 128
    assert (out[figure] == 255).all()  # the figure is untouched


def test_a_shadow_the_legs_cut_in_pieces_is_one_shadow():
    rgb, mask, shadow, figure = _scene(legs=True)
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 1
    for x in (120, 256, 390):  # left of the legs, between them, right of them
        assert out[400, x] < 128
    assert (out[figure] == 255).all()


def _paper_between_the_legs(rgb: np.ndarray, figure: np.ndarray, shadow: np.ndarray):
    """(H,W bool): the paper of the `legs` scene between the legs, under the disc and above
    the ellipse (the `figure` and `shadow` shapes it returns)."""
    between = np.zeros(figure.shape, bool)
    between[300:404, 214:300] = True
    return between & ~figure & ~shadow & (rgb.mean(axis=2) > 245)


def test_paper_only_the_shadow_walled_in_is_cleared_with_it():
    # The network keeps the paper between the legs, walled in by the legs, the body and the
    # opaque shadow, as enclosed white; once the shadow is semi-transparent it is open paper.
    rgb, mask, shadow, figure = _scene(legs=True)
    between = _paper_between_the_legs(rgb, figure, shadow)
    assert between.sum() > 400
    mask[between] = 255
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 1
    assert (out[between] == 0).mean() > 0.95
    assert (out[figure] == 255).all()


def test_white_paint_its_outline_walls_in_stays():
    # The same legs filled with white paint as light as the paper: their outline walls them
    # in, shadow or not, so they stay opaque while the paper between them is cleared.
    rgb, mask, shadow, figure = _scene(legs=True, white_legs=True)
    legs = np.zeros(figure.shape, bool)
    legs[300:390, 196:215] = legs[300:390, 298:317] = True
    between = _paper_between_the_legs(rgb, figure, shadow)
    mask[between] = 255
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 1
    # Their fill stays opaque (the light fringe inside their outline is softened with the
    # shadow's rim, as on any figure).
    fill = cv2.erode(legs.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    assert (out[fill] == 255).all()
    assert (out[between] == 0).mean() > 0.95


def test_the_same_shape_scaled_is_found_at_another_size():
    rgb, mask, _, _ = _scene()
    small_rgb = cv2.resize(rgb, (256, 256), interpolation=cv2.INTER_AREA)
    small_mask = cv2.resize(mask, (256, 256), interpolation=cv2.INTER_NEAREST)
    out, count = ground_shadows.ground_shadows(small_rgb, small_mask)
    assert count == 1 and out[200, 60] < 128


@pytest.mark.parametrize(
    "scene",
    [
        {"tilt": 25.0},  # not level: a drawn grey part
        {"shadow_below": False},  # over the figure: a halo, not what it stands on
    ],
    ids=["tilted", "above"],
)
def test_a_flat_grey_ellipse_elsewhere_stays(scene):
    rgb, mask, _, _ = _scene(**scene)
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_keycap_rim_stays():
    # A key: a light face framed by a flat grey rim, wider at its foot, the rim as grey as a
    # ground shadow. Its outline on the paper is a rounded square, not an ellipse.
    size = 512
    rgb = np.empty((size, size, 3), np.float32)
    rgb[...] = PAPER
    body = np.zeros((size, size), np.uint8)
    cv2.rectangle(body, (100, 100), (412, 420), 1, -1)
    rgb[body.astype(bool)] = 0.85 * np.array(PAPER) + 0.15 * np.array(OUTLINE)
    face = np.zeros((size, size), np.uint8)
    cv2.rectangle(face, (120, 116), (392, 370), 1, -1)
    rgb[face.astype(bool)] = (90.0, 140.0, 230.0)
    rgb = np.clip(cv2.GaussianBlur(rgb, (0, 0), 0.8) + 0.5, 0, 255).astype(np.uint8)
    mask = np.where(body.astype(bool), 255, 0).astype(np.uint8)
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 0 and out is mask


def _grey_under_the_figure(region: np.ndarray):
    """The scene with its ellipse replaced by `region` (H,W bool) painted in the same flat
    translucent grey and kept opaque by the cut-out. Returns (rgb, mask)."""
    rgb, mask, shadow, figure = _scene()
    rgb[shadow & ~figure] = np.array(PAPER, np.uint8)
    mask[shadow & ~figure] = 0
    region = region & ~figure
    rgb[region] = (0.85 * np.array(PAPER) + 0.15 * np.array(OUTLINE) + 0.5).astype(np.uint8)
    mask[region] = 255
    return rgb, mask


def test_a_flat_grey_band_under_the_figure_stays():
    # A pavement, or a key whose only grey is its lower rim: a wide flat grey band the figure
    # stands on, as flat and as grey as a ground shadow, but with square ends.
    band = np.zeros((512, 512), np.uint8)
    cv2.rectangle(band, (90, 384), (422, 416), 1, -1)
    rgb, mask = _grey_under_the_figure(band.astype(bool))
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_thin_grey_line_under_the_figure_stays():
    # A level grey line three pixels tall under the figure (a seam, a rule) fits a flat ellipse
    # of any length, but no shadow is that thin.
    line = np.zeros((512, 512), bool)
    line[404:407, 120:392] = True
    rgb, mask = _grey_under_the_figure(line)
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_flat_grey_plate_alone_stays():
    # A flat grey ellipse with nothing on it is the figure itself, not its shadow.
    rgb, mask, shadow, _ = _scene()
    rgb[~shadow] = np.array(PAPER, np.uint8)
    mask = np.where(shadow, 255, 0).astype(np.uint8)
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_cut_out_without_light_paper_is_left_alone():
    rgb, mask, _, _ = _scene()
    dark = (rgb // 3).astype(np.uint8)
    out, count = ground_shadows.ground_shadows(dark, mask)
    assert count == 0 and out is mask


def test_the_shadows_tips_past_the_fitted_ellipse_go_with_it():
    # The drawn shadow runs on past the ellipse's right end in a level tip of the same grey,
    # opaque in the cut-out: the fit keeps to the ellipse, and the tip goes with it.
    rgb, mask, shadow, figure = _scene()
    tip = np.zeros(shadow.shape, bool)
    tip[396:405, 424:446] = True
    tip &= ~shadow
    rgb[tip] = (0.85 * np.array(PAPER) + 0.15 * np.array(OUTLINE) + 0.5).astype(np.uint8)
    mask[tip] = 255
    out, count = ground_shadows.ground_shadows(rgb, mask)
    assert count == 1
    inner = cv2.erode(tip.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    assert inner.sum() > 100 and (out[inner] < 128).all()
