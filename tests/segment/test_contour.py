import cv2
import numpy as np

from studio.segment import contour
from tests.segment.conftest import emoji_like


def _eyes(size: int) -> tuple[slice, slice]:
    """A small window inside the left eye of `emoji_like`."""
    cy, cx = size // 2 - size // 12, size // 2 - size // 8
    return slice(cy - 1, cy + 2), slice(cx - 1, cx + 2)


def test_white_inside_the_figure_stays_opaque():
    image, truth = emoji_like(256)
    rgb = np.asarray(image)
    mask = contour.contour_mask(rgb)
    assert mask[_eyes(256)].min() == 255  # the white eye is part of the sticker
    assert mask[0, 0] == 0 and mask[-1, -1] == 0
    iou = ((mask >= 128) & truth).sum() / ((mask >= 128) | truth).sum()
    assert iou > 0.97


def test_enclosed_paper_is_each_white_region_the_figure_encloses():
    image, truth = emoji_like(128)
    rgb = np.asarray(image)
    count, labels = contour.enclosed_paper(rgb)
    assert count == 3  # the two eyes, plus label 0 for everything else
    assert labels[_eyes(128)].min() > 0
    # Each region lies inside the figure; the open background is never one.
    assert truth[labels > 0].all() and labels[0, 0] == 0


def _cut_by_the_bottom(white: tuple[slice, slice] | None = None) -> np.ndarray:
    """A red block cut by the picture's bottom edge on white paper, with a white field."""
    rgb = np.full((128, 128, 3), 255, np.uint8)
    rgb[30:, 20:108] = (200, 40, 40)
    if white is not None:
        rgb[white] = 255
    return rgb


def test_white_the_figure_and_the_frame_enclose_counts_as_enclosed():
    # A white disc in a red block, its lowest point on the frame that cuts the block: a flag's
    # field or a star's tip cut by the border. It meets the frame along a few pixels of its
    # outline, so it is one enclosed region, white paint or a hole as a whole.
    rgb = _cut_by_the_bottom()
    cv2.circle(rgb, (64, 102), 26, (255, 255, 255), -1)
    count, labels = contour.enclosed_paper(rgb)
    assert count == 2
    assert labels[100, 64] > 0 and labels[127, 64] > 0
    assert labels[5, 5] == 0  # the open paper never counts


def test_paper_that_meets_the_frame_widely_is_not_enclosed():
    # Paper between two legs of a figure cut by the bottom edge meets the frame along a third
    # of its outline: it is open paper, left to the network.
    rgb = _cut_by_the_bottom(white=(slice(60, None), slice(50, 78)))
    count, labels = contour.enclosed_paper(rgb)
    assert count == 1 and not labels.any()


def test_reference_fallback_punches_out_the_eyes():
    # The reason ours exists: the reference clears the longest near-white contours, eyes included.
    rgb = np.asarray(emoji_like(512)[0])
    assert contour.reference_contour_mask(rgb)[_eyes(512)].max() == 0


def test_specks_in_the_background_are_removed():
    image, _ = emoji_like(256)
    rgb = np.asarray(image).copy()
    rgb[10:12, 200:202] = 120  # a stray dark speck
    rgb[240, 20] = 0
    mask = contour.contour_mask(rgb)
    assert mask[10:12, 200:202].max() == 0
    assert mask[240, 20] == 0


def test_edge_is_soft():
    mask = contour.contour_mask(np.asarray(emoji_like(256)[0]))
    partial = (mask > 10) & (mask < 245)
    assert partial.sum() > 50  # an anti-aliased ring, not a hard cut


def test_off_white_noisy_background_is_removed():
    rng = np.random.default_rng(0)
    image, truth = emoji_like(256, background=(242, 238, 230))
    rgb = np.asarray(image).astype(np.int16) + rng.normal(0, 3, (256, 256, 3)).astype(np.int16)
    rgb = np.clip(rgb, 0, 255).astype(np.uint8)
    mask = contour.contour_mask(rgb)
    # Away from the one-pixel edge band, every pixel must be on the right side.
    kernel = np.ones((5, 5), np.uint8)
    inside = cv2.erode(truth.astype(np.uint8), kernel).astype(bool)
    outside = ~cv2.dilate(truth.astype(np.uint8), kernel).astype(bool)
    assert (mask[outside] < 128).all()
    assert (mask[inside] >= 128).all()


def test_blank_and_full_pictures():
    white = np.full((64, 64, 3), 255, np.uint8)
    assert contour.contour_mask(white).max() == 0
    red = np.zeros((64, 64, 3), np.uint8)
    red[..., 0] = 200
    assert contour.contour_mask(red).min() == 255


def test_background_colour_ignores_a_figure_touching_the_border():
    rgb = np.full((100, 100, 3), 250, np.uint8)
    rgb[:, :30] = (10, 10, 200)  # the figure covers the left border
    assert np.allclose(contour.background_colour(rgb), 250)


def test_the_paper_field_ignores_a_pale_part_on_the_border():
    # Graded paper with a pale pink sign cut by the top and left borders: the sign's pixels are
    # among the bright half of the border, but the fitted paper follows the paper alone.
    yy, xx = np.mgrid[0:256, 0:256].astype(np.float32)
    paper = np.array([238, 241, 232], np.float32) - 4.0 * (xx + yy)[..., None] / 512.0
    rgb = paper.copy()
    sign = np.hypot(yy - 30, xx - 30) < 70
    rgb[sign] = (252, 236, 244)  # brighter than the paper
    rng = np.random.default_rng(7)
    rgb = np.clip(rgb + rng.normal(0, 0.6, rgb.shape) + 0.5, 0, 255).astype(np.uint8)
    field, noise = contour.background_field(rgb)
    assert np.abs(field[~sign] - paper[~sign]).max() < 1.0
    assert noise < 1.0


def test_the_paper_field_ignores_a_pale_coloured_figure_covering_most_of_the_border():
    # A pale blue key fills the left and bottom of the picture and a yellow face the top right:
    # the key's blue is among the bright half of the border, but no channel of a paper is as
    # low as its red, and the fitted paper follows the paper's two corners alone.
    rng = np.random.default_rng(3)
    paper = np.array([252, 250, 252], np.float32)
    rgb = np.broadcast_to(paper, (256, 256, 3)).copy()
    rgb[40:, :200] = (156, 233, 255)  # the key, cut by the left and bottom borders
    rgb[:40, 60:] = (255, 245, 35)  # the face, cut by the top and right borders
    rgb[40:, 200:] = (255, 245, 35)
    rgb[:40, :60] = paper  # paper shows in two corners only
    rgb[200:, 220:] = paper
    rgb = np.clip(rgb + rng.normal(0, 0.6, rgb.shape) + 0.5, 0, 255).astype(np.uint8)
    field, _ = contour.background_field(rgb)
    assert np.abs(field - paper).max() < 3.0


def _paper_with_white_part(paper: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A blue square on `paper`-grey paper with a white band (no outline) along its top, and a
    lone white blot far from it. Returns the picture, the blue square, the white band."""
    rgb = np.full((256, 256, 3), paper, np.uint8)
    figure = np.zeros((256, 256), bool)
    figure[100:200, 60:160] = True
    band = np.zeros((256, 256), bool)
    band[80:100, 60:160] = True
    rgb[figure] = (40, 80, 200)
    rgb[band] = 255
    rgb[20:50, 200:240] = 255  # the lone blot: paper, not figure
    return rgb, figure, band


def test_white_part_on_off_white_paper_is_found_but_a_lone_blot_is_not():
    rgb, figure, band = _paper_with_white_part(236)
    found = contour.whiter_than_background(rgb, figure)
    assert found[band].mean() > 0.95
    assert not found[20:50, 200:240].any()
    assert not found[~band].any()


def test_nothing_is_whiter_than_white_paper():
    rgb, figure, _ = _paper_with_white_part(255)
    assert not contour.whiter_than_background(rgb, figure).any()


def test_paper_distance_tells_a_faint_part_from_the_paper():
    # A flat part 14 levels off cream paper, no outline, with JPEG-like noise on top: the
    # prior's tolerance lumps it with the paper, the distance keeps it apart.
    rng = np.random.default_rng(3)
    paper = np.array([246, 242, 235], np.float32)
    picture = np.broadcast_to(paper, (96, 96, 3)).copy()
    picture[30:70, 0:50] = paper - 14  # touches the border, like a cropped part
    picture += rng.normal(0, 2.0, picture.shape)
    picture = np.clip(picture + 0.5, 0, 255).astype(np.uint8)
    distance = contour.paper_distance(picture)
    assert distance.dtype == np.float32 and distance.shape == (96, 96)
    assert contour.background_prior(picture)[50, 25]  # the prior calls the part paper
    assert np.median(distance[35:65, 5:45]) > 0.35
    assert np.median(distance[75:, :]) < 0.1


def test_near_background_is_every_channel_within_the_tolerance_below_the_paper_or_above():
    rng = np.random.default_rng(5)
    rgb = np.clip(rng.normal(235, 25, (40, 60, 3)), 0, 255).astype(np.uint8)
    rgb[0, :] = rgb[-1, :] = rgb[:, 0] = rgb[:, -1] = (250, 248, 246)  # the paper, on the border
    for tolerance in (0, 10, 24, 300):
        lowest = np.array([250, 248, 246]) - tolerance
        expected = (rgb.astype(int) >= lowest).all(axis=2)
        assert np.array_equal(contour.near_background(rgb, tolerance), expected)
        # A view that is not contiguous (every other column) gives the same answer.
        assert np.array_equal(contour.near_background(rgb[:, ::2], tolerance), expected[:, ::2])
