import numpy as np
import pytest

from studio.masks import MaskError, feather, fill_holes, grow, remove_islands, shrink, smooth

from .goldens import ascii_mask, assert_golden, to_ascii

DONUT = ascii_mask(
    """
    ..........
    .########.
    .#..#####.
    .#..#####.
    .######..#
    .#######..
    ..........
    """
)


def test_fill_holes_fills_enclosed_background_only():
    out = fill_holes(DONUT)
    expected = ascii_mask(
        """
        ..........
        .########.
        .########.
        .########.
        .######..#
        .#######..
        ..........
        """
    )
    assert np.array_equal(out, expected), "\n" + to_ascii(out)


def test_fill_holes_respects_max_area():
    mask = np.zeros((20, 20), np.uint8)
    mask[1:8, 1:8] = 255
    mask[3:5, 3:5] = 0  # a 4 px hole
    mask[10:19, 10:19] = 255
    mask[12:17, 12:17] = 0  # a 25 px hole
    out = fill_holes(mask, max_area=10)
    assert (out[3:5, 3:5] == 255).all()
    assert (out[12:17, 12:17] == 0).all()


def test_remove_islands_below_size_with_their_rim():
    mask = np.zeros((12, 12), np.uint8)
    mask[1:7, 1:7] = 255  # 36 px: kept
    mask[9:11, 9:11] = 255  # 4 px: removed
    mask[8, 9:11] = 60  # its soft rim goes too
    mask[7, 1:7] = 60  # the big shape's rim stays
    out = remove_islands(mask, min_area=10)
    assert not out[8:, 8:].any()
    assert np.array_equal(out[:8, :8], mask[:8, :8])
    assert np.array_equal(remove_islands(mask, min_area=0), mask)


def test_grow_and_shrink_move_the_edge_and_keep_it_soft():
    mask = np.zeros((21, 21), np.uint8)
    mask[8:13, 8:13] = 255
    mask[7, 8:13] = 128
    grown = grow(mask, 2)
    assert (grown[6:15, 8:13] == 255).all() and grown[5, 10] == 128 and grown[2, 10] == 0
    shrunk = shrink(grown, 2)
    assert np.array_equal(shrunk[8:13, 8:13], mask[8:13, 8:13])
    assert shrink(mask, 3).max() == 0
    assert_golden("grow_2", grown, max_abs=0, max_fraction=0)


def test_smooth_rounds_corners_and_removes_specks_but_keeps_a_crisp_edge():
    mask = np.zeros((40, 40), np.uint8)
    mask[8:32, 8:32] = 255
    mask[2, 2] = 255  # a one-pixel speck
    out = smooth(mask, 4)
    assert out[2, 2] < 40
    assert out[8, 8] < 128 < out[20, 20]  # corner rounded off, centre kept
    soft = ((out > 10) & (out < 245)).sum(axis=1)[20]  # edge width across the middle row
    assert soft <= 4
    assert_golden("smooth_4", out)


def test_feather_softens_the_edge():
    mask = np.zeros((30, 30), np.uint8)
    mask[:, 15:] = 255
    out = feather(mask, 6)
    row = out[15].astype(int)
    assert row[0] == 0 and row[-1] == 255 and 100 < row[15] < 160
    assert ((row > 5) & (row < 250)).sum() >= 6
    assert all(a <= b for a, b in zip(row, row[1:], strict=False))
    assert_golden("feather_6", out)


@pytest.mark.parametrize(
    "call",
    [lambda m: grow(m, -1), lambda m: smooth(m, float("nan")), lambda m: remove_islands(m, -5)],
)
def test_bad_amounts_are_clear_errors(call):
    with pytest.raises(MaskError):
        call(np.zeros((4, 4), np.uint8))
