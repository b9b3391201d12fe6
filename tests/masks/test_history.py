import numpy as np
import pytest

from studio.masks import (
    Box,
    Brush,
    MaskError,
    MaskHistory,
    drop_contour,
    fill_holes,
    find_contours,
    grow,
    lasso,
    paint_segment,
)


def _stroke(history: MaskHistory, points, brush: Brush) -> Box | None:
    history.begin("Eraser" if brush.erase else "Brush")
    for a, b in zip(points, points[1:], strict=False):
        history.touch(paint_segment(history.mask, a, b, brush))
    return history.end()


def test_each_operation_undoes_and_redoes_exactly():
    h = MaskHistory(np.zeros((64, 64), np.uint8))
    states = [h.mask.copy()]
    _stroke(h, [(5.0, 5.0), (40.0, 30.0), (50.0, 50.0)], Brush(size=12, hardness=0.5))
    states.append(h.mask.copy())
    h.apply(lasso(h.mask, [(30, 2), (60, 2), (60, 20)]), "Lasso")
    states.append(h.mask.copy())
    h.apply(grow(h.mask, 3), "Grow")
    states.append(h.mask.copy())
    _stroke(h, [(0.0, 32.0), (64.0, 32.0)], Brush(size=6, hardness=1.0, erase=True))
    states.append(h.mask.copy())
    contours = find_contours(h.mask)
    h.apply(drop_contour(h.mask, contours[0]), "Drop contour")
    states.append(h.mask.copy())
    assert h.undo_depth == 5 and h.undo_label == "Drop contour"
    for expected in reversed(states[:-1]):
        h.undo()
        assert np.array_equal(h.mask, expected)
    assert h.undo() is None and not h.can_undo
    for expected in states[1:]:
        h.redo()
        assert np.array_equal(h.mask, expected)
    assert not h.can_redo


def test_redo_survives_undo_and_is_dropped_by_a_new_edit():
    h = MaskHistory(np.zeros((16, 16), np.uint8))
    for i in range(3):
        _stroke(h, [(2.0 + 4 * i, 2.0), (2.0 + 4 * i, 14.0)], Brush(size=2, hardness=1.0))
    h.undo()
    h.undo()
    assert h.redo_depth == 2 and h.redo_label == "Brush"
    h.redo()
    assert h.redo_depth == 1
    _stroke(h, [(14.0, 2.0), (14.0, 3.0)], Brush(size=2))
    assert not h.can_redo and h.undo_depth == 3


def test_changes_are_stored_as_small_compressed_boxes():
    h = MaskHistory(np.zeros((1024, 1024), np.uint8))
    box = _stroke(h, [(500.0, 500.0), (520.0, 510.0)], Brush(size=10))
    assert box is not None and box.area < 40 * 30
    assert h.stored_bytes < 2_000
    # A whole-mask reset on a flat mask is also small once compressed.
    h.apply(np.full((1024, 1024), 255, np.uint8), "Reset")
    assert h.stored_bytes < 20_000


def test_hundreds_of_steps_without_a_fixed_limit():
    h = MaskHistory(np.zeros((128, 128), np.uint8))
    for i in range(500):
        x = float(i % 120)
        _stroke(h, [(x, 10.0 + (i % 100)), (x + 3, 12.0 + (i % 100))], Brush(size=3))
    assert h.undo_depth == 500
    while h.can_undo:
        h.undo()
    assert not h.mask.any()


def test_memory_budget_drops_only_the_oldest_steps():
    rng = np.random.default_rng(0)
    h = MaskHistory(np.zeros((64, 64), np.uint8), budget_bytes=30_000)
    for _ in range(10):
        h.apply(rng.integers(0, 256, (64, 64), dtype=np.uint8), "Noise")  # ~8 KB a step
    assert 1 <= h.undo_depth < 10
    assert h.stored_bytes <= 30_000


def test_modified_follows_the_saved_point():
    h = MaskHistory(np.zeros((8, 8), np.uint8))
    assert not h.modified
    h.apply(fill_holes(np.full((8, 8), 255, np.uint8)), "Fill")
    assert h.modified
    h.mark_saved()
    assert not h.modified
    h.undo()
    assert h.modified
    h.redo()
    assert not h.modified
    h.undo()
    h.apply(np.full((8, 8), 7, np.uint8), "Other")  # the saved state is no longer reachable
    assert h.modified
    h.undo()
    assert h.modified


def test_noop_edits_add_no_step_and_cancel_restores():
    h = MaskHistory(np.zeros((8, 8), np.uint8))
    assert h.apply(h.mask.copy(), "Nothing") is None
    h.begin("Brush")
    assert h.end() is None
    h.begin("Brush")
    h.touch(paint_segment(h.mask, (4.0, 4.0), (4.0, 4.0), Brush(size=4)))
    assert h.mask.any()
    h.cancel()
    assert not h.mask.any() and h.undo_depth == 0


def test_size_mismatch_and_touch_outside_a_stroke_are_errors():
    h = MaskHistory(np.zeros((8, 8), np.uint8))
    with pytest.raises(MaskError, match="8x8"):
        h.apply(np.zeros((4, 4), np.uint8), "Bad")
    with pytest.raises(MaskError):
        h.touch(Box(0, 0, 1, 1))
