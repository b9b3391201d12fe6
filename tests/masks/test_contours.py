import numpy as np
import pytest

from studio.masks import (
    MaskError,
    contour_at,
    drop_contour,
    drop_contour_at,
    find_contours,
    keep_contour,
    keep_contour_at,
)

from .goldens import ascii_mask, to_ascii

# A ring (shape with a hole), an island inside the hole, and a separate blob.
SCENE = ascii_mask(
    """
    ..............
    .#######......
    .#.....#......
    .#.###.#..###.
    .#.###.#..###.
    .#.....#..###.
    .#######......
    ..............
    """
)


def test_hierarchy_has_shapes_holes_and_islands():
    contours = find_contours(SCENE)
    by_depth = sorted((c.depth, c.is_hole, round(c.area)) for c in contours)
    # Outer ring and blob at depth 0, the ring's hole at 1, the island in it at 2.
    assert [d for d, _, _ in by_depth] == [0, 0, 1, 2]
    hole = next(c for c in contours if c.is_hole)
    ring = contours[hole.parent]
    assert ring.depth == 0 and hole.index in ring.children
    island = next(c for c in contours if c.depth == 2)
    assert island.parent == hole.index


def test_contour_at_returns_the_innermost():
    contours = find_contours(SCENE)
    assert contour_at(contours, (4.5, 4.5)).depth == 2  # the island
    assert contour_at(contours, (2.5, 2.5)).is_hole  # the hole, not the ring around it
    assert contour_at(contours, (1.5, 1.5)).depth == 0
    assert contour_at(contours, (11.5, 4.5)).depth == 0
    assert contour_at(contours, (12.9, 7.5)) is None


def test_drop_island_and_fill_hole():
    contours = find_contours(SCENE)
    without_island = drop_contour(SCENE, contour_at(contours, (4.5, 4.5)))
    expected = ascii_mask(
        """
        ..............
        .#######......
        .#.....#......
        .#.....#..###.
        .#.....#..###.
        .#.....#..###.
        .#######......
        ..............
        """
    )
    assert np.array_equal(without_island, expected), "\n" + to_ascii(without_island)
    filled = drop_contour(SCENE, contour_at(contours, (2.5, 2.5)))
    assert (filled[1:7, 1:8] == 255).all()
    assert np.array_equal(filled[:, 8:], SCENE[:, 8:])


def test_keep_shape_clears_the_others():
    contours = find_contours(SCENE)
    kept = keep_contour(SCENE, contours, contour_at(contours, (1.5, 1.5)))
    assert np.array_equal(kept[:, :9], SCENE[:, :9])  # ring and its island stay
    assert not kept[:, 9:].any()
    blob_only = keep_contour(SCENE, contours, contour_at(contours, (11.5, 3.5)))
    assert not blob_only[:, :9].any() and (blob_only[3:6, 10:13] == 255).all()


def test_drop_shape_takes_its_soft_rim_but_not_a_neighbours():
    mask = np.zeros((10, 20), np.uint8)
    mask[3:7, 3:7] = 255
    mask[2, 3:7] = 90  # soft rim of the left square
    mask[3:7, 12:16] = 255
    mask[2, 12:16] = 90  # soft rim of the right square
    contours = find_contours(mask)
    out = drop_contour(mask, contour_at(contours, (4.5, 4.5)))
    assert not out[:, :10].any()
    assert np.array_equal(out[:, 10:], mask[:, 10:])


def test_threshold_changes_what_counts_as_inside():
    mask = np.zeros((10, 10), np.uint8)
    mask[2:8, 2:8] = 100
    assert find_contours(mask, threshold=128) == []
    assert len(find_contours(mask, threshold=50)) == 1
    with pytest.raises(MaskError, match="threshold"):
        find_contours(mask, threshold=0)


def test_one_click_helpers_match_the_two_step_calls():
    contours = find_contours(SCENE)
    assert np.array_equal(
        drop_contour_at(SCENE, (4.5, 4.5)), drop_contour(SCENE, contour_at(contours, (4.5, 4.5)))
    )
    assert np.array_equal(
        keep_contour_at(SCENE, (11.5, 4.5)),
        keep_contour(SCENE, contours, contour_at(contours, (11.5, 4.5))),
    )
    assert drop_contour_at(SCENE, (12.9, 7.5)) is None
    assert keep_contour_at(SCENE, (0.5, 0.5)) is None
