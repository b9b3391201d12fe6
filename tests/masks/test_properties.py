"""Properties over random masks and random edit sequences (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.masks import Brush, MaskHistory, feather, fill_holes, grow, lasso, paint_segment, shrink

SHAPE = (24, 32)

points = st.tuples(st.floats(-8, 40, allow_nan=False), st.floats(-8, 32, allow_nan=False))
brushes = st.builds(
    Brush,
    size=st.floats(0.5, 30, allow_nan=False),
    hardness=st.floats(0, 1, allow_nan=False),
    erase=st.booleans(),
)
masks = st.integers(0, 2**32 - 1).map(
    lambda seed: np.random.default_rng(seed).integers(0, 256, SHAPE, dtype=np.uint8)
)


@given(mask=masks, a=points, b=points, brush=brushes)
@settings(max_examples=150, deadline=None)
def test_a_segment_changes_nothing_outside_its_box_and_moves_one_way(mask, a, b, brush):
    before = mask.copy()
    box = paint_segment(mask, a, b, brush)
    outside = np.ones(SHAPE, bool)
    if box is not None:
        outside[box.slices] = False
    assert np.array_equal(mask[outside], before[outside])
    if brush.erase:
        assert (mask <= before).all()
    else:
        assert (mask >= before).all()


edits = st.lists(
    st.one_of(
        st.tuples(st.just("stroke"), points, points, brushes),
        st.tuples(st.just("lasso"), st.lists(points, min_size=3, max_size=6), st.booleans()),
        st.tuples(st.just("grow"), st.integers(0, 3)),
        st.tuples(st.just("shrink"), st.integers(0, 3)),
        st.tuples(st.just("fill")),
        st.tuples(st.just("feather"), st.floats(0, 4, allow_nan=False)),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
    ),
    max_size=14,
)


def _one_shot(mask: np.ndarray, edit: tuple) -> np.ndarray:
    kind = edit[0]
    if kind == "lasso":
        return lasso(mask, edit[1], "subtract" if edit[2] else "add")
    if kind == "grow":
        return grow(mask, edit[1])
    if kind == "shrink":
        return shrink(mask, edit[1])
    if kind == "feather":
        return feather(mask, edit[1])
    return fill_holes(mask)


@given(start=masks, sequence=edits)
@settings(max_examples=120, deadline=None)
def test_any_edit_sequence_undoes_and_redoes_to_the_same_states(start, sequence):
    history = MaskHistory(start)
    timeline = [start.copy()]  # timeline[i] = the mask after i undoable steps
    position = 0
    for edit in sequence:
        kind = edit[0]
        if kind == "undo":
            if history.undo() is not None:
                position -= 1
        elif kind == "redo":
            if history.redo() is not None:
                position += 1
        else:
            if kind == "stroke":
                history.begin("Brush")
                history.touch(paint_segment(history.mask, edit[1], edit[2], edit[3]))
                changed = history.end() is not None
            else:
                new = _one_shot(history.mask, edit)
                changed = history.apply(new, kind) is not None
            if changed:
                del timeline[position + 1 :]
                timeline.append(history.mask.copy())
                position += 1
        assert np.array_equal(history.mask, timeline[position])
    while history.undo() is not None:
        position -= 1
        assert np.array_equal(history.mask, timeline[position])
    assert position == 0 and np.array_equal(history.mask, start)
    while history.redo() is not None:
        position += 1
    assert np.array_equal(history.mask, timeline[-1])
