"""Pale parts the network dropped are found by their smoothness on grainy paper; the paper
itself, grainy, is never taken, and nothing is taken on paper without grain."""

import cv2
import numpy as np

from studio.segment import flat_paint

PAPER = (253, 252, 252)  # Emojich's paper, measured on its published outputs
SIZE = 256


def _cloud(grain: float = 1.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A flat pale cloud with a blue base on grainy paper: the picture, the cut-out of a network
    that kept only the base, and where the cloud is."""
    rng = np.random.default_rng(seed)
    sheet = np.array(PAPER, np.float32) + rng.normal(0, grain, (SIZE, SIZE, 3))
    rgb = np.clip(sheet + 0.5, 0, 255).astype(np.uint8)
    cloud = np.zeros((SIZE, SIZE), np.uint8)
    cv2.ellipse(cloud, (128, 110), (80, 45), 0, 0, 360, 1, -1)
    rgb[cloud > 0] = (250, 255, 255)  # nearly the paper's colour, but flat
    cv2.rectangle(rgb, (50, 150), (206, 175), (150, 190, 210), -1)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[150:176, 50:207] = 255
    return rgb, mask, cloud.astype(bool) & (mask == 0)


def test_a_flat_pale_part_on_grainy_paper_is_filled():
    rgb, mask, cloud = _cloud()
    found = flat_paint.flat_paint(rgb, mask)
    assert found[cloud].mean() > 0.97
    outside = np.ones_like(cloud)
    outside[60:185, 40:217] = False  # well away from the cloud and the base
    assert not found[outside].any()


def test_grainy_paper_next_to_the_figure_is_not_taken():
    rgb, mask, cloud = _cloud(seed=1)
    # The cloud's part of the picture is grainy paper instead: nothing there but the paper.
    noise = np.random.default_rng(3).normal(0, 1.5, (int(cloud.sum()), 3))
    rgb[cloud] = np.clip(np.array(PAPER) + noise + 0.5, 0, 255).astype(np.uint8)
    assert not flat_paint.flat_paint(rgb, mask).any()


def test_nothing_is_taken_on_paper_without_grain():
    rgb, mask, _ = _cloud(grain=0.0)
    assert not flat_paint.flat_paint(rgb, mask).any()


def test_paper_smooth_in_places_is_not_trusted():
    # Grain on a small part of the border only (a JPEG flattens it in whole blocks; pure white
    # clips it away): smooth stretches there may be the paper itself.
    rgb, mask, _ = _cloud(seed=4)
    outside = np.ones(mask.shape, dtype=bool)
    outside[40:200, 30:226] = False
    outside[:, 100:] = False  # the right-hand part keeps its grain: the paper looks grainy
    rgb[outside] = PAPER
    assert not flat_paint.flat_paint(rgb, mask).any()
