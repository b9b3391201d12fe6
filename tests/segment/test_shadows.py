"""Soft cast shadows the cut-out keeps opaque are made semi-transparent; drawn grey parts stay."""

import cv2
import numpy as np

from studio.segment import islands, shadows

PAPER = 252.0


def _shadow_scene(darkness: np.ndarray, figure: np.ndarray, colour: tuple[float, ...]):
    """Paper darkened by a soft grey shadow of the shape `darkness` (H,W float 0/1; blurred, 35%
    of grey 60, as glossy art draws one) with a figure of the shape `figure` (H,W float 0/1) in
    `colour` over it, and a cut-out that keeps the shadow's core opaque, as the network
    sometimes does. Returns (rgb, mask, the shadow's true alpha, the figure's coverage)."""
    shadow = cv2.GaussianBlur(darkness, (0, 0), 6) * 0.35
    rgb = PAPER * (1 - shadow[..., None]) + 60.0 * shadow[..., None]
    figure = cv2.GaussianBlur(figure, (0, 0), 0.7)
    rgb = rgb * (1 - figure[..., None]) + np.array(colour) * figure[..., None]
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    mask = np.where(figure >= 0.5, 255, 0).astype(np.uint8)
    mask[(shadow >= 0.15) & (figure < 0.5)] = 255  # the shadow's core, kept opaque
    return rgb, mask, shadow, figure


def _figure_with_shadow(size: int = 256):
    """A red disc on white paper with a soft, flattened grey shadow under it. Returns (rgb,
    mask, the shadow's true alpha)."""
    shape = np.zeros((size, size), np.float32)
    cv2.ellipse(shape, (128, 200), (70, 16), 0, 0, 360, 1.0, -1)
    disc = np.zeros((size, size), np.float32)
    cv2.circle(disc, (128, 120), 70, 1.0, -1)
    rgb, mask, shadow, _ = _shadow_scene(shape, disc, (200.0, 30.0, 40.0))
    return rgb, mask, shadow


def test_an_opaque_shadow_core_becomes_a_semi_transparent_black_shadow():
    rgb, mask, shadow = _figure_with_shadow()
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 1
    core = (mask == 255) & (shadow >= 0.2) & (np.abs(np.arange(256)[:, None] - 200) <= 6)
    assert out[core].max() < 128  # no longer opaque
    # A black shadow as dark as the picture's: alpha 1 - picture / paper, about 0.26 here.
    expected = 1.0 - rgb[core].mean(axis=1) / PAPER
    assert np.abs(out[core] / 255.0 - expected).max() < 0.03
    assert (out[120, 60:196] == 255).all()  # the figure is untouched
    # The fade past the old border joins the shadow, so it ends smoothly, not at a line.
    assert mask[200, 128 + 70 + 8] == 0 and 0 < out[200, 128 + 70 + 8] < out[200, 128]


def _shadow_under_an_arm(opening: int):
    """A red figure with an arm held out to the picture's left edge and a floor under it, and a
    soft shadow filling the pocket between them from `opening` px off that edge: the paper left
    there is the pocket's only opening (none at 0). Returns (rgb, mask, the shadow's core off
    the figure's edge)."""
    size, arm, floor, body = 256, 200, 246, 80
    darkness = np.zeros((size, size), np.float32)
    darkness[arm:floor, opening : body + 10] = 1.0
    figure = np.zeros((size, size), np.float32)
    cv2.rectangle(figure, (body, 90), (200, size), 1.0, -1)  # the body
    cv2.rectangle(figure, (0, arm - 15), (200, arm), 1.0, -1)  # the arm over the shadow
    cv2.rectangle(figure, (0, floor), (200, size), 1.0, -1)  # the floor under it
    rgb, mask, shadow, figure = _shadow_scene(darkness, figure, (200.0, 30.0, 40.0))
    return rgb, mask, (shadow >= 0.15) & (figure < 0.02)


def test_a_shadow_in_the_pocket_under_an_arm_is_found():
    # The core meets the open paper along about a fifth of its border only (the rest is the
    # arm, the body and the floor), but it fades there as a shadow does.
    rgb, mask, core = _shadow_under_an_arm(opening=10)
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 1
    assert (out[core] >= 128).mean() < 0.02
    assert out[150, 150] == 255 and out[195, 40] == 255 and out[250, 40] == 255  # figure stays


def test_a_darkening_the_figure_walls_in_all_round_stays_as_cut():
    # The shadow reaches the picture's left edge between the arm and the floor: no open paper
    # borders it, so it has no rim on the paper to fade at.
    rgb, mask, _ = _shadow_under_an_arm(opening=0)
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_shadow_running_off_the_picture_is_found():
    # A blue figure cut by the picture's left border, its soft shadow under it running off the
    # left and bottom borders; the shadow meets the open paper only at its right end, but where
    # it runs off the picture it goes on, so that stretch of its border counts as open too.
    size, depth, right = 256, 24, 210
    darkness = np.zeros((size, size), np.float32)
    darkness[size - depth :, :right] = 1.0
    figure = np.zeros((size, size), np.float32)
    cv2.rectangle(figure, (-5, 60), (right + 10, size - depth - 1), 1.0, -1)
    rgb, mask, shadow, figure = _shadow_scene(darkness, figure, (40.0, 120.0, 220.0))
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 1
    assert (out[(shadow >= 0.15) & (figure < 0.02)] < 128).all()
    assert out[120, 100] == 255  # the figure stays


def test_a_flat_grey_part_of_the_figure_stays_opaque():
    # The disc stands on a flat grey base drawn with an edge (a plinth), not a shadow.
    rgb, mask, _ = _figure_with_shadow()
    cv2.rectangle(rgb, (78, 186), (178, 214), (222, 222, 222), -1)
    cv2.rectangle(mask, (78, 186), (178, 214), 255, -1)
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_grey_part_cut_short_by_the_network_stays_opaque():
    # A flat grey stripe that goes on past the cut-out's border: as dark there as inside it.
    rgb = np.full((256, 256, 3), int(PAPER), np.uint8)
    cv2.circle(rgb, (128, 100), 60, (40, 120, 220), -1)
    cv2.rectangle(rgb, (60, 160), (196, 200), (220, 220, 220), -1)
    mask = np.zeros((256, 256), np.uint8)
    cv2.circle(mask, (128, 100), 60, 255, -1)
    mask[160:185, 60:197] = 255  # the network kept its upper part only
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_shadow_larger_than_a_quarter_of_the_figure_is_taken_for_the_figure():
    rgb, mask, _ = _figure_with_shadow()
    small = np.zeros_like(mask)
    cv2.circle(small, (128, 120), 20, 255, -1)  # keep only a small part of the disc
    mask = np.where((mask == 255) & (np.arange(256)[:, None] < 185), 0, mask) | small
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_nothing_changes_without_light_paper():
    rgb, mask, _ = _figure_with_shadow()
    dark = (rgb.astype(np.int16) - 200).clip(0, 255).astype(np.uint8)
    out, count = shadows.soft_shadows(dark, mask)
    assert count == 0 and out is mask


def test_a_pale_grey_part_with_a_blurred_edge_on_clean_paper_stays_opaque():
    # A light grey cloud, its edge softened by upscaling: soft and grey like a shadow, but the
    # paper past its edge is clean.
    rgb = np.full((256, 256, 3), PAPER, np.float32)
    cv2.circle(rgb, (128, 90), 50, (40, 120, 220), -1)
    cloud = np.zeros((256, 256), np.float32)
    cv2.ellipse(cloud, (128, 170), (40, 15), 0, 0, 360, 1.0, -1)
    cloud = cv2.GaussianBlur(cloud, (0, 0), 2.0)
    rgb = rgb * (1 - cloud[..., None]) + 228.0 * cloud[..., None]
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    mask = np.zeros((256, 256), np.uint8)
    cv2.circle(mask, (128, 90), 50, 255, -1)
    mask[cloud >= 0.5] = 255
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_small_opaque_bit_only_the_shadow_held_goes_with_it():
    # A few dark pixels inside the shadow (grain the tests missed) that the shadow alone joined
    # to the figure: left opaque, they would be a speck on a dark chat.
    rgb, mask, shadow = _figure_with_shadow()
    rgb[203:206, 150:153] = (150, 150, 150)
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 1 and out[203:206, 150:153].max() < 128
    assert mask[203:206, 150:153].min() == 255


def test_a_soft_grey_piece_that_joins_parts_of_the_figure_stays_opaque():
    # Two parts held together only by a soft grey stretch, as a white suit's shaded collar the
    # network half kept joins the shoulders to the head.
    shape = np.zeros((256, 256), np.float32)
    cv2.ellipse(shape, (128, 190), (80, 12), 0, 0, 360, 1.0, -1)
    shade = cv2.GaussianBlur(shape, (0, 0), 6) * 0.35
    rgb = np.repeat(PAPER - (PAPER - 60.0) * shade[..., None], 3, axis=2)
    mask = np.zeros((256, 256), np.uint8)
    for x in (70, 186):
        cv2.circle(rgb, (x, 130), 50, (200, 30, 40), -1)
        cv2.circle(mask, (x, 130), 50, 255, -1)
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    mask[shade >= 0.15] = 255
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_paper_the_network_kept_round_a_shadow_is_not_a_part_hanging_from_it(monkeypatch):
    # The network kept a stretch of clean paper beyond the shadow; taking the shadow out cuts it
    # off, but it is the paper's colour: the speck rule removes it afterwards.
    rgb, mask, shadow = _figure_with_shadow()
    mask[214:240, 110:146] = 255
    assert shadow[236, 128] < 0.01  # clean paper at the far end
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 1 and out[205, 128] < 128
    monkeypatch.setattr(islands, "PAPER_LEVELS", -1.0)  # every part counted as drawn
    assert shadows.soft_shadows(rgb, mask)[1] == 0


def _broad_shadow_on_white(size: int = 256):
    """A blue disc on pure white paper with a broad flattened shadow under it, dark alike over
    its middle (18 levels), and a cut-out that keeps that flat middle opaque: its border runs
    where the shadow is as dark as inside, the fade lies beyond it. Returns (rgb, mask, shadow)."""
    shape = np.zeros((size, size), np.float32)
    cv2.ellipse(shape, (128, 200), (90, 26), 0, 0, 360, 1.0, -1)
    shadow = cv2.GaussianBlur(shape, (0, 0), 5) * 0.1
    rgb = 255.0 * (1 - shadow[..., None]) + 75.0 * shadow[..., None]
    disc = np.zeros((size, size), np.float32)
    cv2.circle(disc, (128, 100), 72, 1.0, -1)
    rgb = rgb * (1 - disc[..., None]) + np.array([40.0, 120.0, 220.0]) * disc[..., None]
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    mask = np.where(disc >= 0.5, 255, 0).astype(np.uint8)
    mask[shadow >= 0.098] = 255  # the flat middle, as dark as the shadow gets
    return rgb, mask, shadow


def test_a_broad_shadow_as_dark_at_the_border_as_inside_is_found_by_its_fade_beyond():
    rgb, mask, shadow = _broad_shadow_on_white()
    kept = (mask == 255) & (shadow > 0.05)
    shade = 255.0 - rgb[kept].mean(axis=1)
    assert np.ptp(shade) <= 1.0  # no fade inside the kept core: only beyond it
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 1 and out[kept].max() < 128
    assert (out[100, 60:196] == 255).all()


def _flag_on_a_grey_base(shade: np.ndarray, blur: float = 0.0) -> np.ndarray:
    """A 512 px flag (the size a fade's width is measured at): a blue field (rows 120-299) over
    a grey base (rows 300-400) darker than the paper by `shade` (101 rows, levels), its edges
    softened by `blur` px as upscaling softens them."""
    rgb = np.full((512, 512, 3), PAPER, np.float32)
    rgb[300:401, 96:417] = PAPER - shade[:, None, None]
    rgb[120:300, 96:417] = (40.0, 120.0, 220.0)
    if blur:
        rgb = cv2.GaussianBlur(rgb, (0, 0), blur)
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def _cut_above(row: int) -> np.ndarray:
    """A cut-out of that flag that the network ended above `row`, inside the grey base."""
    mask = np.zeros((512, 512), np.uint8)
    mask[120:row, 96:417] = 255
    return mask


def test_a_low_contrast_grey_band_cut_short_by_the_network_stays_opaque():
    # A light grey base 20 levels darker than the paper, its edges soft: the network kept its
    # upper half. Past the cut it is as dark as inside, and it ends lighter only over its edge's
    # narrow ramp, not a shadow's wide fade.
    rgb = _flag_on_a_grey_base(np.full(101, 20.0, np.float32), blur=1.0)
    mask = _cut_above(340)
    out, count = shadows.soft_shadows(rgb, mask)
    assert count == 0 and out is mask


def test_a_grey_part_shaded_lighter_towards_its_drawn_edge_stays_opaque():
    # A grey base 30 levels darker than the paper, flat where the network cut it, lightening to
    # 18 over its lower half and ending there at a drawn (sharp) edge. Beyond the cut it
    # lightens over a wide stretch, as a shadow does, but it ends still dark, not faded.
    shade = np.r_[np.full(50, 30.0), np.linspace(30.0, 18.0, 51)].astype(np.float32)
    mask = _cut_above(330)
    out, count = shadows.soft_shadows(_flag_on_a_grey_base(shade), mask)
    assert count == 0 and out is mask


def test_settling_the_edge_takes_bits_it_leaves_beside_the_shadow_into_it():
    # The figure's edge beside the shadow is re-measured against it; opaque bits left touching
    # the shadow apart from the figure are pieces of its darker fringe: shadow, not specks.
    rgb, mask, shadow = _figure_with_shadow()
    softened, count = shadows.soft_shadows(rgb, mask)
    assert count == 1
    made = softened != mask
    softened[203:206, 150:153] = 255  # a bit the edge held, now apart from the figure
    made[203:206, 150:153] = False
    out, grown = shadows.settle_edge(rgb, softened, made)
    assert out[203:206, 150:153].max() < 128 and grown[203:206, 150:153].all()
    assert (out[120, 60:196] == 255).all() and (out <= softened).all()


def test_parts_touching_a_region_are_those_joined_to_it():
    region = np.zeros((20, 40), bool)
    region[8:12, 10:30] = True
    parts = np.zeros((20, 40), bool)
    parts[9:11, 4:36] = True  # runs on past the region on both sides
    parts[1:3, 10:30] = True  # apart from it
    joined = shadows.parts_touching(parts, region)
    assert joined[9:11, 4:10].all() and joined[9:11, 30:36].all()
    assert not joined[1:3].any() and not (joined & region).any()
    # With a size limit, only the parts smaller than it.
    assert not shadows.parts_touching(parts, region, min_area=12).any()
    assert shadows.parts_touching(parts, region, min_area=13)[9:11, 4:10].all()
