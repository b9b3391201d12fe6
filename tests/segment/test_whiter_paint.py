"""White regions the cut-out drops are filled when they are whiter than grainy paper; regions
that show the paper stay as cut."""

import cv2
import numpy as np

from studio.segment import whiter_paint

PAPER = (253, 252, 252)  # Emojich's paper, measured on its published outputs
WHITE = (255, 255, 255)
SIZE = 256


def _noisy(rgb: np.ndarray, grain: float, seed: int = 0) -> np.ndarray:
    """`rgb` with Gaussian noise of `grain` levels over the whole picture, paint and paper."""
    rng = np.random.default_rng(seed)
    noisy = rgb.astype(np.float32) + rng.normal(0, grain, rgb.shape)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def _flag(field=WHITE, paper=PAPER, grain: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """An outlined flag whose field is `field`, and the cut-out of a network that dropped the
    field: only the black outline opaque."""
    rgb = np.empty((SIZE, SIZE, 3), np.uint8)
    rgb[:] = paper
    cv2.rectangle(rgb, (60, 70), (196, 170), field, -1)
    cv2.rectangle(rgb, (60, 70), (196, 170), (20, 20, 20), 6)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.rectangle(mask, (60, 70), (196, 170), 255, 6)
    return _noisy(rgb, grain), mask


def test_a_white_field_whiter_than_the_paper_is_filled():
    rgb, mask = _flag()
    paint = whiter_paint.whiter_paint(rgb, mask)
    assert paint[80:161, 70:187].all()
    assert not paint[20, 20] and not paint[230, 128]  # the open paper stays clear


def test_a_hole_showing_the_paper_stays():
    rgb, mask = _flag(field=PAPER)  # a frame round the paper itself
    assert not whiter_paint.whiter_paint(rgb, mask).any()


def test_a_hole_showing_shaded_paper_stays():
    rgb, mask = _flag(field=(243, 242, 242))  # a cast shadow darkens, never whitens
    assert not whiter_paint.whiter_paint(rgb, mask).any()


def test_on_flat_paper_the_network_decides():
    # Without grain a hole's few pixels lifted by the decoder's ringing look like this too.
    rgb, mask = _flag(grain=0.0)
    assert not whiter_paint.whiter_paint(rgb, mask).any()


def test_pure_white_on_paper_a_level_below_it_is_filled():
    # Less than the margin above the paper, but as white as a pixel can be.
    rgb, mask = _flag(paper=(254, 254, 254), grain=0.9)
    paint = whiter_paint.whiter_paint(rgb, mask)
    assert paint[80:161, 70:187].all()
    assert not paint[20, 20] and not paint[230, 128]


def test_a_hole_showing_paper_a_level_below_white_stays():
    rgb, mask = _flag(field=(254, 254, 254), paper=(254, 254, 254), grain=0.9)
    assert not whiter_paint.whiter_paint(rgb, mask).any()


def test_pure_white_on_paper_within_a_level_of_white_is_left_to_the_network():
    # The paper's grain alone reaches 255 as often: a hole there would look the same.
    rgb, mask = _flag(paper=(255, 254, 255), grain=2.0)
    assert not whiter_paint.whiter_paint(rgb, mask).any()


def test_a_white_field_the_network_mostly_keeps_is_filled_whole():
    rgb, mask = _flag()
    mask[70:145, 60:197] = 255  # its upper three quarters kept
    paint = whiter_paint.whiter_paint(rgb, mask)
    assert paint[80:161, 70:187].all()


def test_nothing_is_returned_where_the_cut_out_is_opaque_already():
    rgb, mask = _flag()
    cv2.rectangle(mask, (60, 70), (196, 170), 255, -1)
    assert not whiter_paint.whiter_paint(rgb, mask).any()


def test_white_cut_by_the_border_is_filled():
    # The flag runs off the picture's right edge: its white meets the border between the ends
    # of its outline, apart from the open paper.
    rgb = np.empty((SIZE, SIZE, 3), np.uint8)
    rgb[:] = PAPER
    cv2.rectangle(rgb, (120, 70), (SIZE + 20, 170), WHITE, -1)
    cv2.rectangle(rgb, (120, 70), (SIZE + 20, 170), (20, 20, 20), 6)
    rgb = _noisy(rgb, 1.5, seed=3)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.rectangle(mask, (120, 70), (SIZE + 20, 170), 255, 6)
    paint = whiter_paint.whiter_paint(rgb, mask)
    assert paint[80:161, 130:SIZE].all()
    assert not paint[20, 20] and not paint[230, 200]


def test_the_open_paper_is_never_paint():
    # Paper lit brighter in the middle than on the border, where it is measured: its own
    # middle is whiter than the paper measured there, but it is the paper.
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    light = 12.0 * (1.0 - np.hypot(yy - 128, xx - 128) / 181.0)  # 0 in the corners, 12 mid
    rgb = np.array(PAPER, np.float32) - 9.0 + light[..., None]
    cv2.rectangle(rgb, (60, 70), (196, 170), WHITE, -1)
    cv2.rectangle(rgb, (60, 70), (196, 170), (20, 20, 20), 6)
    rgb = _noisy(rgb, 1.5, seed=5)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.rectangle(mask, (60, 70), (196, 170), 255, 6)
    paint = whiter_paint.whiter_paint(rgb, mask)
    assert paint[80:161, 70:187].all()  # the flag's white field
    assert not paint[40, 128] and not paint[200, 128]  # the paper above and below it
