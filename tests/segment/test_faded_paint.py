"""Pale paint the network faded like a shadow is made opaque; a grey darkening of the paper (a
shadow), paper the network half kept and the figure's own soft outline keep what the cut-out
gave them."""

import numpy as np

from studio.segment import faded_paint

SIZE = 512  # the size Emojich draws at, which the rule's widths are given for
PAPER = (253, 252, 252)


def _figure_with_band(band_colour, band_alpha: int = 190):
    """A red box on Emojich's paper with a band along its lower side (rows 150-175) drawn in
    `band_colour`, which the cut-out keeps at `band_alpha`; its outline fades over 2 px."""
    rgb = np.full((SIZE, SIZE, 3), PAPER, np.uint8)
    rgb[60:150, 60:196] = (200, 40, 40)
    rgb[150:176, 60:196] = band_colour
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[60:176, 60:196] = 255
    mask[150:176, 60:196] = band_alpha
    mask[58:60, 58:198] = mask[176:178, 58:198] = 140  # the soft outline
    mask[58:178, 58:60] = mask[58:178, 196:198] = 140
    return rgb, mask


def test_a_pale_coloured_band_the_network_faded_is_made_opaque():
    rgb, mask = _figure_with_band((190, 225, 235))  # a pale cyan base
    found = faded_paint.faded_paint(rgb, mask)
    assert found[156:170, 70:186].all()
    # Not the figure's soft outline, nor the band's own margin by it, nor the opaque figure.
    assert not found[58:60].any() and not found[176:178].any() and not found[:, 58:60].any()
    assert not found[150:176, 58:61].any() and not found[60:150].any()


def test_a_grey_darkening_of_the_paper_is_left_as_a_shadow():
    rgb, mask = _figure_with_band((213, 212, 212))  # the paper, 40 levels darker alike
    assert not faded_paint.faded_paint(rgb, mask).any()


def test_a_faded_stretch_of_the_papers_colour_is_left():
    # Paper the network half kept (between two digits) looks like this.
    rgb, mask = _figure_with_band((240, 248, 250))
    assert not faded_paint.faded_paint(rgb, mask).any()


def test_a_sliver_too_thin_to_be_a_part_is_left():
    rgb, mask = _figure_with_band((190, 225, 235))
    mask[150:172, 60:196] = 255  # only the lower 4 rows of the band stay faded
    assert not faded_paint.faded_paint(rgb, mask).any()


def test_a_cut_out_with_nothing_faded_finds_nothing():
    rgb, mask = _figure_with_band((190, 225, 235), band_alpha=255)
    mask[mask == 140] = 255
    assert not faded_paint.faded_paint(rgb, mask).any()
