import numpy as np
import pytest

from studio.masks import Box, Brush, MaskError, paint_segment, paint_stroke

from .goldens import assert_golden


def test_hard_dab_covers_a_disc_of_the_brush_size():
    mask = np.zeros((40, 40), np.uint8)
    box = paint_segment(mask, (20.0, 20.0), (20.0, 20.0), Brush(size=20, hardness=1.0))
    assert box == Box(9, 9, 32, 32)
    area = mask.sum() / 255
    assert area == pytest.approx(np.pi * 10**2, rel=0.03)
    assert mask[20, 20] == 255 and mask[0, 0] == 0
    # Anti-aliased: the rim has grey levels, not only 0 and 255.
    assert ((mask > 0) & (mask < 255)).sum() > 20


def test_soft_brush_fades_towards_the_rim():
    mask = np.zeros((40, 40), np.uint8)
    paint_segment(mask, (20.0, 20.0), (20.0, 20.0), Brush(size=20, hardness=0.0))
    row = mask[19, 19:31].astype(int)  # centre to rim
    assert row[0] == 255
    assert all(a >= b for a, b in zip(row, row[1:], strict=False))
    assert 0 < row[6] < 255


def test_segment_is_continuous_and_eraser_removes_it():
    mask = np.zeros((30, 60), np.uint8)
    paint_segment(mask, (5.0, 15.0), (55.0, 15.0), Brush(size=6, hardness=1.0))
    assert (mask[14, 5:55] == 255).all()
    paint_segment(mask, (30.0, 0.0), (30.0, 30.0), Brush(size=10, hardness=1.0, erase=True))
    assert (mask[:, 27:33] == 0).all()
    assert mask[14, 10] == 255
    assert_golden("brush_then_eraser", mask)


def test_overlapping_segments_do_not_build_up():
    once = np.zeros((20, 40), np.uint8)
    paint_segment(once, (5.0, 10.0), (35.0, 10.0), Brush(size=8, hardness=0.3))
    chained = np.zeros((20, 40), np.uint8)
    paint_stroke(chained, [(5.0, 10.0), (20.0, 10.0), (35.0, 10.0)], Brush(size=8, hardness=0.3))
    assert np.abs(once.astype(int) - chained.astype(int)).max() <= 1


def test_soft_brush_golden():
    mask = np.zeros((32, 32), np.uint8)
    paint_stroke(mask, [(4.0, 4.0), (16.0, 20.0), (28.0, 8.0)], Brush(size=9, hardness=0.4))
    assert_golden("brush_soft_polyline", mask)


def test_segment_outside_the_mask_changes_nothing():
    mask = np.zeros((10, 10), np.uint8)
    assert paint_segment(mask, (-50.0, -50.0), (-40.0, -40.0), Brush(size=4)) is None
    assert not mask.any()


@pytest.mark.parametrize("kwargs", [{"size": 0}, {"size": -3}, {"hardness": 1.5}])
def test_bad_brush_is_a_clear_error(kwargs):
    with pytest.raises(MaskError):
        Brush(**kwargs)


def test_wrong_mask_type_is_a_clear_error():
    with pytest.raises(MaskError, match="uint8"):
        paint_segment(np.zeros((5, 5), np.float32), (1, 1), (2, 2), Brush(size=2))
    with pytest.raises(MaskError, match="single-channel"):
        paint_segment(np.zeros((5, 5, 3), np.uint8), (1, 1), (2, 2), Brush(size=2))
