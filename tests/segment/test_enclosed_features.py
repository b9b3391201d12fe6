"""What an enclosed white region looks like, as the classifier reads it."""

import cv2
import numpy as np

from studio.segment import contour
from studio.segment.enclosed_features import (
    FEATURE_NAMES,
    MIN_AREA,
    region_features,
    region_opacity,
)


def _feature(rows: np.ndarray, measured: np.ndarray, label: int, name: str) -> float:
    return float(rows[list(measured).index(label), FEATURE_NAMES.index(name)])


def _clock_and_ring() -> np.ndarray:
    """White paper with a clock (a thin dark outline round a white face holding a hand and
    ticks) on the left and a broad red ring round a white hole on the right."""
    rgb = np.full((512, 512, 3), 255, np.uint8)
    cv2.circle(rgb, (130, 256), 100, (40, 40, 40), 4)
    cv2.line(rgb, (130, 256), (130, 190), (40, 40, 40), 6)
    for x, y in ((130, 176), (210, 256), (130, 336), (50, 256)):
        cv2.circle(rgb, (x, y), 6, (40, 40, 40), -1)
    cv2.circle(rgb, (380, 256), 110, (200, 40, 40), -1)
    cv2.circle(rgb, (380, 256), 40, (255, 255, 255), -1)
    return rgb


def test_a_clock_face_and_a_rings_hole_differ_in_what_they_hold_and_the_band_round_them():
    rgb = _clock_and_ring()
    count, labels = contour.enclosed_paper(rgb)
    face, hole = labels[256, 100], labels[256, 380]
    assert face and hole and face != hole
    probability = np.zeros((512, 512), np.float32)
    rows, measured = region_features(rgb, labels, *region_opacity(labels, count, probability))
    assert rows.shape == (len(measured), len(FEATURE_NAMES))
    assert face in measured and hole in measured
    # The face holds its hand and ticks; the hole holds nothing.
    assert _feature(rows, measured, face, "islands") > 0.01
    assert _feature(rows, measured, hole, "islands") == 0
    # A thin outline parts the face from the open paper, a broad band of paint the hole.
    assert _feature(rows, measured, face, "band") < _feature(rows, measured, hole, "band")
    # The face is most of its figure; a dark outline against a red one.
    assert _feature(rows, measured, face, "figure_share") > _feature(
        rows, measured, hole, "figure_share"
    )
    assert _feature(rows, measured, face, "outline_dark") > _feature(
        rows, measured, hole, "outline_dark"
    )
    assert _feature(rows, measured, hole, "opacity") == 0
    assert np.isfinite(rows).all()


def test_small_regions_are_left_to_the_network():
    rgb = np.full((512, 512, 3), 255, np.uint8)
    cv2.circle(rgb, (256, 256), 80, (200, 40, 40), -1)
    cv2.circle(rgb, (256, 256), 2, (255, 255, 255), -1)  # a few pixels, under MIN_AREA
    count, labels = contour.enclosed_paper(rgb)
    assert count == 2 and (labels > 0).sum() < MIN_AREA
    nothing = np.zeros((512, 512), np.float32)
    rows, measured = region_features(rgb, labels, *region_opacity(labels, count, nothing))
    assert len(measured) == 0 and rows.shape == (0, len(FEATURE_NAMES))


def test_a_region_the_border_cuts_is_marked_so():
    rgb = np.full((512, 512, 3), 255, np.uint8)
    rgb[200:, 100:412] = (200, 40, 40)
    cv2.circle(rgb, (256, 462), 50, (255, 255, 255), -1)  # its lowest point just cut
    count, labels = contour.enclosed_paper(rgb)
    cut = labels[500, 256]
    assert cut
    nothing = np.zeros((512, 512), np.float32)
    rows, measured = region_features(rgb, labels, *region_opacity(labels, count, nothing))
    assert _feature(rows, measured, cut, "on_border") == 1.0
