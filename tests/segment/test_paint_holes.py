"""Holes in a cut-out that are brighter than the paper are paint, and are filled; holes that
show the paper, shaded or not, stay."""

import cv2
import numpy as np

from studio.segment import paint_holes

SIZE = 256
TINTED = (235, 247, 250)  # a bluish off-white paper


def _ball(paper=TINTED, glint=(200, 255, 227)) -> tuple[np.ndarray, np.ndarray]:
    """A green ball with a pale glint on `paper`, and the cut-out of a network that dropped
    the glint: the ball opaque, the glint a hole."""
    rgb = np.empty((SIZE, SIZE, 3), np.uint8)
    rgb[:] = paper
    cv2.circle(rgb, (128, 128), 60, (40, 180, 70), -1)
    cv2.circle(rgb, (110, 110), 12, glint, -1)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.circle(mask, (128, 128), 60, 255, -1)
    cv2.circle(mask, (110, 110), 12, 0, -1)
    return rgb, mask


def test_a_glint_brighter_than_the_paper_is_filled():
    rgb, mask = _ball()
    holes = paint_holes.paint_holes(rgb, mask)
    assert holes[100:121, 100:121][mask[100:121, 100:121] == 0].all()
    assert not holes[5, 5]  # the open paper stays clear


def test_a_hole_showing_the_paper_stays():
    rgb, mask = _ball(glint=TINTED)  # the hole shows the paper itself
    assert not paint_holes.paint_holes(rgb, mask).any()


def test_a_hole_showing_shaded_paper_stays():
    shaded = tuple(int(0.8 * c) for c in TINTED)  # a cast shadow darkens, never brightens
    rgb, mask = _ball(glint=shaded)
    assert not paint_holes.paint_holes(rgb, mask).any()


def test_nothing_is_brighter_than_white_paper():
    rgb, mask = _ball(paper=(255, 255, 255), glint=(255, 255, 255))
    assert not paint_holes.paint_holes(rgb, mask).any()


def test_a_region_open_to_the_border_is_not_a_hole():
    rgb, mask = _ball()
    mask[:, :110] = 0  # the glint's hole now opens onto the open paper
    assert not paint_holes.paint_holes(rgb, mask).any()
