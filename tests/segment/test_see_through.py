"""Faded spots the opaque figure walls in are made opaque; holes the cut-out is unsure of and
the fade where the picture's border cuts the figure keep what the cut-out gave them."""

import numpy as np

from studio.segment import see_through

SIZE = 200


def _faded_bar(faded_alpha: int = 200) -> np.ndarray:
    """The cut-out of a bar: opaque, but for a stretch of its middle faded to `faded_alpha`."""
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[70:131, 40:161] = 255
    mask[90:111, 70:131] = faded_alpha
    return mask


def test_a_faded_spot_the_figure_walls_in_is_made_opaque():
    spots = see_through.see_through_spots(_faded_bar())
    assert spots[90:111, 70:131].all()
    assert spots.sum() == 21 * 61  # nothing else: not the paper, not the opaque figure


def test_a_spot_holding_a_clear_pixel_is_a_hole_the_cut_out_is_unsure_of_and_stays():
    mask = _faded_bar()
    mask[100, 100] = 90
    assert not see_through.see_through_spots(mask).any()


def test_a_spot_reaching_the_picture_border_stays():
    # The bar is cut by the picture's left border, and the faded stretch runs off it.
    mask = _faded_bar()
    mask[70:131, :40] = 255
    mask[90:111, :70] = 200
    assert not see_through.see_through_spots(mask).any()


def test_an_opaque_figure_with_nothing_faded_finds_nothing():
    assert not see_through.see_through_spots(_faded_bar(faded_alpha=255)).any()
    assert not see_through.see_through_spots(np.zeros((SIZE, SIZE), np.uint8)).any()
