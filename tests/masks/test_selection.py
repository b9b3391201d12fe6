import cv2
import numpy as np
import pytest

from studio.masks import Combine, MaskError, lasso, magic_wand, wand_selection

from .goldens import ascii_mask, assert_golden, to_ascii


def test_lasso_adds_an_antialiased_polygon():
    mask = np.zeros((24, 24), np.uint8)
    out = lasso(mask, [(4, 4), (20, 6), (12, 20)], Combine.ADD)
    assert out[9, 12] == 255 and out[0, 0] == 0
    assert ((out > 0) & (out < 255)).any()
    assert not mask.any(), "operations return a new mask"
    assert_golden("lasso_triangle", out)


def test_lasso_square_aligned_to_pixels_is_exact():
    mask = np.zeros((8, 8), np.uint8)
    out = lasso(mask, [(2, 2), (6, 2), (6, 6), (2, 6)], antialias=False)
    # Edges through pixel corners 2..6 cover pixels 2..5; cv2 includes the far edge row/column
    # of a non-antialiased fill, so allow exactly that.
    assert (out[2:6, 2:6] == 255).all()
    assert out[:2].sum() == 0 and out[:, :2].sum() == 0


def test_lasso_subtract_cuts_a_window():
    mask = np.full((20, 20), 255, np.uint8)
    out = lasso(mask, [(5, 5), (15, 5), (15, 15), (5, 15)], "subtract")
    assert out[10, 10] == 0 and out[1, 1] == 255


def test_lasso_needs_three_points():
    with pytest.raises(MaskError, match="three points"):
        lasso(np.zeros((5, 5), np.uint8), [(1, 1), (3, 3)])


def _two_blue_squares() -> np.ndarray:
    image = np.full((12, 12, 3), 250, np.uint8)
    image[1:5, 1:5] = (20, 40, 200)
    image[7:11, 7:11] = (30, 50, 210)  # a close shade, not connected to the first square
    image[2, 2] = (20, 40, 150)  # outside a tight tolerance
    return image


def test_wand_contiguous_selects_only_the_connected_region():
    sel = wand_selection(_two_blue_squares(), (1.5, 1.5), tolerance=16, contiguous=True)
    expected = ascii_mask(
        """
        ............
        .####.......
        .#.##.......
        .####.......
        .####.......
        ............
        ............
        ............
        ............
        ............
        ............
        ............
        """
    )
    assert np.array_equal(sel, expected), "\n" + to_ascii(sel)


def test_wand_global_selects_every_matching_pixel():
    sel = wand_selection(_two_blue_squares(), (1.5, 1.5), tolerance=16, contiguous=False)
    assert sel[8, 8] == 255 and sel[2, 2] == 0 and sel[0, 0] == 0
    assert (sel == 255).sum() == 15 + 16


def test_magic_wand_subtracts_background():
    image = _two_blue_squares()
    mask = np.full((12, 12), 255, np.uint8)
    out = magic_wand(mask, image, (0.5, 0.5), tolerance=10, how=Combine.SUBTRACT)
    assert out[0, 0] == 0 and out[3, 3] == 255 and out[8, 8] == 255


def test_wand_outside_image_and_bad_tolerance_are_errors():
    with pytest.raises(MaskError, match="outside"):
        wand_selection(_two_blue_squares(), (40, 3))
    with pytest.raises(MaskError, match="tolerance"):
        wand_selection(_two_blue_squares(), (1, 1), tolerance=300)
    with pytest.raises(MaskError, match="same size"):
        magic_wand(np.zeros((3, 3), np.uint8), _two_blue_squares(), (1, 1))


def _white_hole_in_a_black_ring() -> tuple[np.ndarray, np.ndarray]:
    """A white disc inside a thick black ring on white paper, anti-aliased, and the rim between
    the hole and the ring: its grey pixels (H,W bool)."""
    image = np.full((64, 64, 3), 255, np.uint8)
    cv2.circle(image, (32, 32), 26, (0, 0, 0), -1, lineType=cv2.LINE_AA)
    cv2.circle(image, (32, 32), 14, (255, 255, 255), -1, lineType=cv2.LINE_AA)
    grey = image[..., 0]
    rim = (grey > 20) & (grey < 235)
    yy, xx = np.mgrid[:64, :64]
    return image, rim & ((yy - 32) ** 2 + (xx - 32) ** 2 < 18**2)


def test_a_hole_taken_out_with_the_wand_keeps_no_light_rim():
    # The hole of a black ring, filled in the mask, taken out with the wand: its anti-aliased
    # rim is as transparent as it is white, so no light ring is left on a dark chat.
    image, rim = _white_hole_in_a_black_ring()
    mask = np.zeros((64, 64), np.uint8)
    cv2.circle(mask, (32, 32), 27, 255, -1)
    out = magic_wand(mask, image, (32.5, 32.5), tolerance=32, how=Combine.SUBTRACT)
    assert out[32, 32] == 0 and out[32, 11] == 255  # the hole, the ring
    darkness = 255 - image[..., 0][rim].astype(int)
    assert rim.sum() > 20 and np.abs(out[rim].astype(int) - darkness).max() <= 16
    hard = magic_wand(
        mask, image, (32.5, 32.5), tolerance=32, how=Combine.SUBTRACT, antialias=False
    )
    assert (hard[rim] == 255).mean() > 0.5  # the light ring the soft edge removes


def test_a_shade_of_its_own_at_the_edge_is_not_selected():
    # A green pixel between a blue square and the paper is no mix of blue and paper: the soft
    # edge leaves it out. The blue square's paper-side rim stays out too.
    image = np.full((12, 12, 3), 250, np.uint8)
    image[3:9, 3:9] = (20, 40, 200)
    image[5, 9] = (20, 200, 40)
    out = magic_wand(np.zeros((12, 12), np.uint8), image, (5.5, 5.5), tolerance=16)
    assert out[5, 5] == 255 and out[5, 9] == 0 and out[2, 5] == 0
