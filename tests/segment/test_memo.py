"""Per-picture results are kept by content, handed out read-only, and never stale."""

import numpy as np
import pytest

from studio.segment import contour
from studio.segment.memo import per_picture


def test_a_result_is_computed_once_per_picture_content():
    calls = []

    @per_picture(keep=2)
    def brightest(picture):
        calls.append(1)
        return picture.max(axis=2)

    picture = np.zeros((8, 8, 3), np.uint8)
    first = brightest(picture)
    assert brightest(picture.copy()) is first and len(calls) == 1  # same content: kept
    picture[2, 3] = 200  # changed in place: the content, not the array, is the key
    assert brightest(picture)[2, 3] == 200 and len(calls) == 2
    with pytest.raises(ValueError):
        first[0, 0] = 1  # read-only: no caller can change what the next one gets


def test_only_the_last_results_are_kept():
    calls = []

    @per_picture(keep=2)
    def total(picture):
        calls.append(1)
        return int(picture.sum())

    pictures = [np.full((4, 4, 3), level, np.uint8) for level in (1, 2, 3)]
    for picture in pictures:
        total(picture)
    total(pictures[2])
    assert len(calls) == 3
    total(pictures[0])  # pushed out by the two after it
    assert len(calls) == 4


def test_the_background_field_is_read_only_and_follows_the_picture():
    picture = np.full((32, 32, 3), 250, np.uint8)
    field, _ = contour.background_field(picture)
    assert not field.flags.writeable and np.allclose(field, 250)
    picture[:] = 240
    assert np.allclose(contour.background_field(picture)[0], 240)
