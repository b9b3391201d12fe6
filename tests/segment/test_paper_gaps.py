"""Gaps that show the paper are cleared; white paint, which differs from it, stays."""

import cv2
import numpy as np

from studio.segment import paper_gaps

PAPER = (253, 252, 252)  # Emojich's paper, measured on its published outputs
SIZE = 256


def _paper(grain: float = 1.5, colour=PAPER, seed: int = 0) -> np.ndarray:
    """A (SIZE,SIZE,3) uint8 sheet of `colour` with Gaussian grain of `grain` levels."""
    rng = np.random.default_rng(seed)
    sheet = np.array(colour, np.float32) + rng.normal(0, grain, (SIZE, SIZE, 3))
    return np.clip(sheet + 0.5, 0, 255).astype(np.uint8)


def _ring(rgb: np.ndarray) -> np.ndarray:
    """Draw a red ring (a lifebuoy) on `rgb`; returns the mask a network that filled its hole
    would give: the whole disc opaque."""
    cv2.circle(rgb, (128, 128), 80, (210, 40, 40), 30)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.circle(mask, (128, 128), 96, 255, -1)
    return mask


def test_the_paper_inside_a_ring_is_cleared_and_the_ring_kept():
    rgb = _paper()
    mask = _ring(rgb)
    cleared, note, _ = paper_gaps.clear_paper_gaps(rgb, mask)
    assert cleared[128, 128] == 0 and (cleared[100:156, 100:156] == 0).all()
    assert cleared[128, 48] == 255 and cleared[48, 128] == 255  # on the ring itself
    assert note == "cleared 1 gap showing the paper"


def test_a_gap_the_network_is_sure_of_is_left_and_one_it_doubts_is_cleared():
    # A neutral white inside a red sign on Emojich's grainy paper, a level or two below it (as
    # Noto's (250, 250, 250) on paper of (253, 251, 251)): its red as low as a cyan blotch's,
    # green and blue within the paper's margin, so by colour and grain it is the paper.
    rgb = _paper(seed=8)
    cv2.circle(rgb, (128, 128), 100, (230, 90, 80), -1)
    bar = (slice(110, 146), slice(58, 198))
    rgb[bar] = _paper(colour=(251, 251, 251), seed=9)[bar]
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.circle(mask, (128, 128), 100, 255, -1)
    probability = mask.astype(np.float32) / 255.0
    probability[bar] = 0.95  # the network reads the sign's shape: the bar is paint
    assert paper_gaps.paper_gaps(rgb, mask, probability)[1] == 0
    probability[bar] = 0.6  # a gap it only half believes is figure
    gaps, count, _ = paper_gaps.paper_gaps(rgb, mask, probability)
    assert count == 1 and gaps[128, 128]
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 1  # no probability: colour and grain alone


def test_a_half_enclosed_gap_is_cleared():
    rgb = _paper(seed=1)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    # Two legs joined at the top: the paper between them opens at the bottom.
    for x in (70, 170):
        cv2.rectangle(rgb, (x, 40), (x + 20, 220), (40, 90, 200), -1)
    cv2.rectangle(rgb, (70, 40), (190, 60), (40, 90, 200), -1)
    cv2.rectangle(mask, (70, 40), (190, 220), 255, -1)  # the gap filled as figure
    gaps, count, _ = paper_gaps.paper_gaps(rgb, mask)
    assert count == 1 and gaps[140, 130] and gaps[200, 130]
    assert not gaps[120, 80] and not gaps[50, 130]  # the legs and the bar stay


def test_white_eyes_on_the_paper_stay():
    rgb = _paper(seed=2)
    cv2.circle(rgb, (128, 128), 90, (230, 180, 40), -1)
    for x in (95, 161):
        cv2.circle(rgb, (x, 110), 18, (255, 255, 255), -1)  # white paint, flat
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.circle(mask, (128, 128), 90, 255, -1)
    gaps, count, _ = paper_gaps.paper_gaps(rgb, mask)
    assert count == 0 and not gaps.any()


def test_flat_paint_of_the_papers_own_colour_stays():
    rgb = _paper(seed=3)
    cv2.circle(rgb, (128, 128), 90, (60, 140, 60), -1)
    cv2.ellipse(rgb, (128, 150), (50, 20), 0, 0, 360, PAPER, -1)  # teeth, no grain
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.circle(mask, (128, 128), 90, 255, -1)
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 0


def test_a_white_part_cut_by_the_border_stays():
    rgb = _paper(seed=4)
    # A white card cut by the right edge, framed by a dark outline on its other sides.
    cv2.rectangle(rgb, (150, 60), (SIZE + 10, 200), (30, 30, 30), 6)
    cv2.rectangle(rgb, (153, 63), (SIZE - 1, 197), (255, 255, 255), -1)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[57:204, 147:] = 255
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 0


def test_a_pale_cyan_blotch_kept_beside_the_figure_is_cleared():
    rgb = _paper(seed=5)
    cv2.circle(rgb, (100, 128), 60, (200, 30, 40), -1)
    blotch = np.zeros((SIZE, SIZE), np.uint8)
    cv2.ellipse(blotch, (190, 128), (22, 12), 30, 0, 360, 1, -1)
    rgb[blotch > 0] -= np.array([8, 0, 0], np.uint8)  # red lowered: Emojich's cyan streaks
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.circle(mask, (100, 128), 60, 255, -1)
    mask[blotch > 0] = 200  # the network kept the speck
    gaps, count, _ = paper_gaps.paper_gaps(rgb, mask)
    assert count == 1 and gaps[blotch > 0].all() and not gaps[128, 100]


def test_on_clean_white_paper_nothing_is_decided():
    # White paint and a hole look the same on flat white paper: the network's call stands.
    rgb = np.full((SIZE, SIZE, 3), 255, np.uint8)
    mask = _ring(rgb)
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 0
    assert not paper_gaps.Paper.measure(rgb).telling()


def _glinting_ring(rgb: np.ndarray) -> np.ndarray:
    """`_ring` with a white glint on it, whiter than the paper: the picture's white."""
    mask = _ring(rgb)
    cv2.circle(rgb, (128, 48), 8, (255, 255, 255), -1)
    return mask


def test_on_flat_paper_a_gap_of_its_very_colour_is_cleared():
    # Emojich's paper smoothed flat (by the decoder, by compression): grain tells nothing,
    # but the paper seen through the ring's hole is the paper's own level exactly.
    rgb = _paper(grain=0.0)
    mask = _glinting_ring(rgb)
    assert not paper_gaps.Paper.measure(rgb).telling()
    cleared, note, _ = paper_gaps.clear_paper_gaps(rgb, mask)
    assert (cleared[100:156, 100:156] == 0).all() and cleared[128, 48] == 255
    assert note == "cleared 1 gap showing the paper"


def test_on_flat_paper_a_picture_tinted_as_a_whole_is_left_to_the_network():
    # White paper and white paint tinted alike: the hole and a white part would be the same
    # off-white, and nothing in the picture is whiter than the paper.
    rgb = np.full((SIZE, SIZE, 3), 255, np.uint8)
    mask = _glinting_ring(rgb)
    tinted = np.round(rgb * (np.array(PAPER) / 255.0)).astype(np.uint8)
    assert (tinted[128, 128] == PAPER).all() and (tinted[48, 128] == PAPER).all()
    assert paper_gaps.paper_gaps(tinted, mask)[1] == 0


def test_on_flat_paper_flat_paint_a_level_off_its_colour_stays():
    # A flag's white band, a level off the paper in two channels: within the grainy paper's
    # margin, but not the paper's own level, so on flat paper it is paint.
    paper = (253, 251, 252)
    rgb = _paper(grain=0.0, colour=paper)
    cv2.rectangle(rgb, (60, 60), (196, 100), (200, 20, 20), -1)
    cv2.rectangle(rgb, (60, 100), (196, 150), (252, 252, 252), -1)  # the white band
    cv2.rectangle(rgb, (60, 150), (196, 196), (20, 20, 20), -1)
    cv2.circle(rgb, (128, 80), 8, (255, 255, 255), -1)  # a white star, whiter than the paper
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[60:197, 60:197] = 255
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 0
    rgb[100:151, 60:197] = paper  # the same band of the paper's own colour: a gap
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 1


def test_a_gap_in_grainy_paper_near_white_is_left_to_the_network():
    # One or two levels below white, slightly darkened white paint matches the paper too often.
    rgb = _paper(colour=(254, 254, 253), seed=7)
    mask = _ring(rgb)
    assert paper_gaps.Paper.measure(rgb).telling()
    assert paper_gaps.paper_gaps(rgb, mask)[1] == 0


def test_grain_is_the_noise_level_even_on_whole_levels():
    rng = np.random.default_rng(6)
    assert 0.9 <= paper_gaps.grain(rng.normal(0, 1.0, (4000, 3))) <= 1.1
    assert 0.85 <= paper_gaps.grain(np.round(rng.normal(0, 1.0, (4000, 3)))) <= 1.15
    assert paper_gaps.grain(np.zeros((100, 3))) == 0.0


def _dashed_frame(rgb: np.ndarray, gap: int) -> np.ndarray:
    """Draw a dark dashed square frame round a dark bar (a letter in a regional indicator's
    dashed box) on `rgb`, its dashes `gap` px apart; returns the mask a network that took the
    frame for a white card's outline would give: the whole square opaque."""
    low, high, dash = 48, 208, 16
    for start in range(low, high, dash + gap):
        end = min(start + dash, high)
        for a, b in ((low, low + 4), (high - 4, high)):
            rgb[a:b, start:end] = (20, 30, 40)  # top and bottom
            rgb[start:end, a:b] = (20, 30, 40)  # left and right
    rgb[90:170, 120:136] = (20, 30, 40)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[low:high, low:high] = 255
    return mask


def test_the_paper_inside_a_dashed_frame_is_cleared_though_the_network_is_sure():
    rgb = _paper(seed=11)
    mask = _dashed_frame(rgb, gap=5)
    probability = mask.astype(np.float32) / 255.0 * 0.9
    gaps, count, _ = paper_gaps.paper_gaps(rgb, mask, probability)
    assert count == 1 and gaps[128, 80] and gaps[70, 180]
    assert not gaps[130, 128]  # the bar
    # Breaks wider than the rule's reach are an opening along a whole side: left to the network.
    wide = _paper(seed=11)
    assert paper_gaps.paper_gaps(wide, _dashed_frame(wide, gap=40), probability)[1] == 0


def test_white_paint_the_network_is_sure_of_meeting_the_paper_along_a_side_stays():
    # A flag whose white band, of the paper's own colour and grain, lies along its edge: the
    # band meets the open paper along its whole length, through no break in any outline.
    rgb = _paper(seed=12)
    rgb[60:200, 40:216] = (200, 30, 50)
    band = (slice(150, 200), slice(40, 216))
    rgb[band] = _paper(seed=13)[band]
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[60:200, 40:216] = 255
    probability = mask.astype(np.float32) / 255.0 * 0.9
    assert paper_gaps.paper_gaps(rgb, mask, probability)[1] == 0
    probability[band] = 0.6  # doubted, it is cleared as before: colour and grain say paper
    assert paper_gaps.paper_gaps(rgb, mask, probability)[1] == 1
