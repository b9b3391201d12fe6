"""Pale specks detached from the figure are removed, and the cut-out says so."""

import cv2
import numpy as np

from studio.segment import islands

PAPER = (253, 252, 252)  # Emojich's paper, measured on its published outputs


def _picture_with(speck_colour):
    """A 200 px picture: a red disc (the figure) and a small blob of `speck_colour` beside it,
    with a mask that keeps both half-opaque to opaque."""
    rgb = np.zeros((200, 200, 3), np.uint8)
    rgb[:] = PAPER
    mask = np.zeros((200, 200), np.uint8)
    cv2.circle(rgb, (90, 100), 50, (200, 30, 40), -1)
    cv2.circle(mask, (90, 100), 50, 255, -1)
    cv2.circle(rgb, (170, 40), 6, speck_colour, -1)
    cv2.circle(mask, (170, 40), 6, 150, -1)
    cv2.circle(mask, (170, 40), 8, 10, 1)  # the faint fringe round it
    return rgb, mask


def test_a_pale_detached_speck_is_removed_with_its_fringe_and_noted():
    rgb, mask = _picture_with((245, 252, 252))  # a faint cyan blotch
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[30:51, 160:181].max() == 0
    assert np.array_equal(cleaned[:, :150], mask[:, :150])  # the figure is untouched
    assert note == "removed 1 pale speck detached from the figure"


def test_a_coloured_detached_part_stays():
    rgb, mask = _picture_with((40, 120, 230))  # a sweat drop: drawn, not paper
    cleaned, note = islands.remove_specks(rgb, mask)
    assert np.array_equal(cleaned, mask) and note is None


def test_a_large_pale_part_is_not_a_speck():
    rgb, mask = _picture_with((245, 252, 252))
    cv2.circle(rgb, (160, 160), 30, (244, 250, 250), -1)  # as large as a second figure
    cv2.circle(mask, (160, 160), 30, 255, -1)
    cv2.circle(mask, (90, 100), 50, 255, -1)
    specks, count = islands.detached_specks(rgb, mask)
    assert count == 1 and specks[160, 160] == 0 and specks[40, 170]


def test_one_figure_alone_has_no_specks():
    rgb, mask = _picture_with((245, 252, 252))
    mask[:, 150:] = 0
    specks, count = islands.detached_specks(rgb, mask)
    assert count == 0 and not specks.any()


def test_a_pale_speck_joined_to_the_figure_only_by_a_faint_halo_is_removed():
    rgb, mask = _picture_with((245, 252, 252))
    cv2.line(mask, (138, 90), (166, 44), 60, 3)  # a faint bridge, below half opacity
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[34:47, 164:177].max() < 128  # the speck's opaque core is gone
    assert note == "removed 1 pale speck detached from the figure"
    assert np.array_equal(cleaned[:, :140] >= 128, mask[:, :140] >= 128)


def test_a_wide_faint_pale_smudge_is_removed_but_a_wide_faint_coloured_one_stays():
    rgb, mask = _picture_with((245, 252, 252))
    mask[:, 150:] = 0
    smudge = np.zeros_like(mask)
    cv2.circle(smudge, (170, 160), 28, 70, -1)  # 2,400 px, more than 2% of the picture
    assert (smudge > 0).sum() > islands.MAX_PICTURE_SHARE * mask.size
    rgb[smudge > 0] = (250, 252, 252)  # paper, a little bluer
    cleaned, note = islands.remove_specks(rgb, np.maximum(mask, smudge))
    assert cleaned[130:190, 145:199].max() == 0
    assert note == "removed 1 pale speck detached from the figure"

    rgb[smudge > 0] = (230, 120, 60)  # a faint orange glow: paint, not paper
    kept, note = islands.remove_specks(rgb, np.maximum(mask, smudge))
    assert np.array_equal(kept, np.maximum(mask, smudge)) and note is None
