import cv2
import numpy as np

from studio.segment.edges import (
    decontaminate,
    edge_beside,
    guided_filter,
    refine_alpha,
    sharpen_alpha,
)
from studio.segment.islands import VISIBLE_ALPHA

FIGURE = np.array([30, 60, 200], np.float32)


def _blended_disc():
    alpha = np.zeros((96, 96), np.float32)
    cv2.circle(alpha, (48, 48), 25, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 1.5)
    rgb = alpha[..., None] * FIGURE + (1 - alpha[..., None]) * 255.0
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8), (alpha * 255 + 0.5).astype(np.uint8)


def _on_black(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return rgb.astype(np.float32) * (alpha[..., None] / 255.0)


def test_no_white_halo_on_a_dark_background():
    rgb, alpha = _blended_disc()
    ring = (alpha > 8) & (alpha < 247)
    # What the figure itself would look like at that opacity on black.
    ideal = FIGURE * (alpha[ring, None] / 255.0)
    naive = _on_black(rgb, alpha)[ring]
    fixed = _on_black(decontaminate(rgb, alpha), alpha)[ring]
    assert np.abs(naive - ideal).max() > 50  # the halo the fix must remove
    assert np.abs(fixed - ideal).max() < 6


def test_opaque_pixels_are_unchanged_and_transparent_ones_take_the_figure_colour():
    rgb, alpha = _blended_disc()
    out = decontaminate(rgb, alpha)
    opaque = alpha == 255
    assert np.array_equal(out[opaque], rgb[opaque])
    corner = out[0, 0].astype(np.float32)
    assert np.abs(corner - FIGURE).max() < 40  # not white


def test_far_transparent_pixels_take_the_nearest_figure_colour_exactly():
    # Two opaque squares, red on the left and blue on the right, far apart on white paper.
    rgb = np.full((64, 96, 3), 255, np.uint8)
    alpha = np.zeros((64, 96), np.uint8)
    rgb[20:30, 10:20], alpha[20:30, 10:20] = (200, 30, 40), 255
    rgb[20:30, 76:86], alpha[20:30, 76:86] = (20, 40, 210), 255
    out = decontaminate(rgb, alpha)
    assert out[0, 0].tolist() == [200, 30, 40] and out[63, 30].tolist() == [200, 30, 40]
    assert out[0, 95].tolist() == [20, 40, 210] and out[63, 70].tolist() == [20, 40, 210]


def test_fully_opaque_input_is_returned_as_is():
    rgb = np.random.default_rng(0).integers(0, 255, (16, 16, 3), dtype=np.uint8)
    assert np.array_equal(decontaminate(rgb, np.full((16, 16), 255, np.uint8)), rgb)


def test_sharpen_alpha_steepens_around_one_half():
    prob = np.array([[0.0, 0.3, 0.5, 0.7, 1.0]], np.float32)
    assert sharpen_alpha(prob, gain=2.0).tolist() == [[0, 26, 128, 230, 255]]


def _coarse_probability(alpha: np.ndarray, factor: int = 4, offset: int = 2) -> np.ndarray:
    """What an upsampled low-resolution network gives: the true alpha down and up again, and
    `offset` pixels off, as a network's edge may be."""
    height, width = alpha.shape
    small = cv2.resize(
        alpha.astype(np.float32) / 255.0,
        (width // factor, height // factor),
        interpolation=cv2.INTER_AREA,
    )
    up = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(np.roll(up, offset, axis=1), 0, 1)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_refine_alpha_moves_a_coarse_edge_onto_the_pictures_edge():
    rgb, alpha = _blended_disc()
    prob = _coarse_probability(alpha)
    truth = alpha >= 128
    coarse = sharpen_alpha(prob, gain=4.0) >= 128
    refined = refine_alpha(rgb, prob, gain=4.0, band=4) >= 128
    assert _iou(coarse, truth) < 0.95  # the error the refinement must remove
    assert _iou(refined, truth) > 0.98


def test_refine_alpha_keeps_a_white_part_just_inside_the_edge():
    # A blue ring (the outline) around a white face: white is figure, not background.
    alpha = np.zeros((96, 96), np.float32)
    cv2.circle(alpha, (48, 48), 30, 1.0, -1)
    rgb = np.full((96, 96, 3), 255, np.float32)
    cv2.circle(rgb, (48, 48), 30, tuple(float(c) for c in FIGURE), 3)
    rgb = rgb.astype(np.uint8)
    prob = _coarse_probability((alpha * 255).astype(np.uint8))
    refined = refine_alpha(rgb, prob, gain=4.0, band=4)
    inner = np.zeros((96, 96), np.uint8)
    cv2.circle(inner, (48, 48), 26, 1, -1)
    assert refined[inner > 0].min() >= 128


def test_guided_filter_pulls_a_blurred_edge_towards_the_pictures_edge():
    rgb, alpha = _blended_disc()
    prob = _coarse_probability(alpha, offset=0)
    truth = alpha >= 128
    filtered = guided_filter(rgb, prob, radius=3)
    assert filtered.shape == prob.shape and filtered.min() >= 0 and filtered.max() <= 1
    wrong_before = ((prob >= 0.5) != truth).sum()
    assert wrong_before > 0
    assert ((filtered >= 0.5) != truth).sum() < 0.5 * wrong_before


def test_the_edge_beside_a_shadow_is_measured_against_the_shadow():
    # A black bar whose lower edge stands on a flat grey shadow 40 levels darker than the paper.
    # Measured against the paper that edge looks more opaque than it is (a grey line on a dark
    # chat); against the shadow it gets the bar's own alpha back.
    bar = np.zeros((128, 128), np.float32)
    bar[20:60, 20:108] = 1.0
    bar = cv2.GaussianBlur(bar, (0, 0), 1.0)
    background = np.full((128, 128), 252.0, np.float32)
    background[50:100, 10:118] = 212.0  # the shadow, under the bar's edge and beyond it
    grey = (1.0 - bar) * background
    rgb = np.repeat(np.clip(grey + 0.5, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    against_paper = np.clip(1.0 - grey / 252.0, 0.0, 1.0)
    alpha = (against_paper * 255.0 + 0.5).astype(np.uint8)
    shadow = np.zeros((128, 128), bool)
    shadow[62:100, 10:118] = True
    out = edge_beside(rgb, alpha, shadow)
    edge = (slice(57, 62), slice(40, 88))
    assert np.abs(alpha[edge] / 255.0 - bar[edge]).max() > 0.1  # off against the paper
    assert np.abs(out[edge] / 255.0 - bar[edge]).max() < 0.06
    assert (out <= alpha).all() and (out[shadow] == alpha[shadow]).all()
    assert (out[25:50, 25:100] == 255).all()  # the sure figure is untouched


def test_the_edge_of_a_light_part_beside_a_shadow_keeps_its_alpha():
    # A pale part barely darker than the shadow: its colours say nothing, its alpha stays.
    rgb = np.full((128, 128, 3), 212, np.uint8)
    rgb[20:60, 20:108] = 200
    alpha = np.zeros((128, 128), np.uint8)
    alpha[20:61, 20:108] = 255
    alpha[60, 20:108] = 180
    shadow = np.zeros((128, 128), bool)
    shadow[62:100, 10:118] = True
    assert (edge_beside(rgb, alpha, shadow) == alpha).all()


def test_pictures_laid_out_any_way_give_the_same_edges():
    rgb, alpha = _blended_disc()
    probability = _coarse_probability(alpha.astype(np.float32) / 255.0)
    for odd in (np.asfortranarray(rgb), np.ascontiguousarray(rgb[:, ::-1])[:, ::-1]):
        assert np.array_equal(decontaminate(odd, alpha), decontaminate(rgb, alpha))
        assert np.array_equal(
            refine_alpha(odd, probability, 2.0), refine_alpha(rgb, probability, 2.0)
        )


def test_refine_alpha_measures_the_edge_of_a_thin_part_the_network_is_fairly_sure_of():
    # A 7 px dark stroke on white, its network edge a pixel too wide on each side and nowhere
    # more than 0.9 sure: its colours still tell where its edge is.
    alpha = np.zeros((64, 96), np.float32)
    alpha[:, 44:51] = 1.0
    rgb = np.full((64, 96, 3), 255, np.float32)
    rgb[alpha > 0] = FIGURE
    rgb = rgb.astype(np.uint8)
    prob = np.zeros_like(alpha)
    prob[:, 43:52] = 0.9
    prob = cv2.GaussianBlur(prob, (0, 0), 0.6)
    truth = alpha >= 0.5
    network = sharpen_alpha(prob, gain=2.0) >= 128
    refined = refine_alpha(rgb, prob, gain=2.0, band=2) >= 128
    assert (network != truth).sum() >= 64  # the error to remove: a column each side
    assert (refined != truth).sum() == 0


def test_refine_alpha_leaves_no_faint_fragment_beside_the_edge():
    # A faint grey smudge on the paper two pixels beyond a sharp disc's edge, within the band:
    # read by colour it is a few percent of figure, and alone it would be a speck to remove.
    alpha = np.zeros((96, 96), np.float32)
    cv2.circle(alpha, (48, 48), 25, 1.0, -1)
    rgb = (alpha[..., None] * FIGURE + (1 - alpha[..., None]) * 255.0).astype(np.uint8)
    rgb[48, 75:77] = 225
    prob = cv2.GaussianBlur(alpha, (0, 0), 2.0)
    refined = refine_alpha(rgb, prob, gain=2.0, band=4)
    visible = (refined >= VISIBLE_ALPHA).astype(np.uint8)
    count, _ = cv2.connectedComponents(visible, connectivity=8)
    assert count == 2  # the paper and the disc, nothing apart
