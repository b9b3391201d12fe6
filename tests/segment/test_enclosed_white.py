"""Enclosed white regions: kept whole or left as cut, and flagged when the network was unsure
or the cut-out leaves one half cut."""

import cv2
import numpy as np
import pytest

from studio.segment import Segmenter, contour
from studio.segment.enclosed_white import UNSURE_AREA, enclosed_white
from tests.segment.conftest import emoji_like


def _partly_kept(probability: np.ndarray, region: np.ndarray, level: float) -> None:
    """The network keeps the first `level` of `region`'s pixels and drops the rest: a region
    half kept, the worst outcome, with mean opacity `level`."""
    cells = np.flatnonzero(region.ravel())
    values = np.zeros(len(cells), np.float32)
    values[: int(level * len(cells))] = 1.0
    probability.ravel()[cells] = values


def test_an_enclosed_white_region_is_kept_whole_or_left_as_cut():
    # Two white eyes in a red face: the network half keeps the left one (mean opacity 0.6) and
    # mostly drops the right one (0.3). The left is made wholly opaque; the right stays as cut.
    image, truth = emoji_like(128)
    rgb = np.asarray(image)
    _, labels = contour.enclosed_paper(rgb)
    probability = truth.astype(np.float32)
    left, right = labels == labels[54, 48], labels == labels[54, 80]
    assert left.any() and right.any() and not (left & right).any()
    _partly_kept(probability, left, 0.6)
    _partly_kept(probability, right, 0.3)
    paint = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE).paint
    assert paint[left].all() and not paint[right].any()
    # ... with its anti-aliased rim, which is inside the face, and nothing more.
    assert truth[paint].all() and (paint & ~left).sum() < left.sum()


def test_white_cut_by_the_frame_is_kept_whole_too():
    # A white disc in a red block that the picture's bottom edge cuts, the disc's lowest point
    # on the edge; the network keeps 60% of it. It is enclosed by the figure and the frame
    # together, so it is made wholly opaque as an enclosed eye is.
    rgb = np.full((128, 128, 3), 255, np.uint8)
    rgb[30:, 20:108] = (200, 40, 40)
    cv2.circle(rgb, (64, 102), 26, (255, 255, 255), -1)
    disc = rgb.min(axis=2) == 255
    disc[:30] = False
    disc[:, :20] = disc[:, 108:] = False
    probability = np.zeros((128, 128), np.float32)
    probability[30:, 20:108] = 1.0
    _partly_kept(probability, disc, 0.6)
    paint = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE).paint
    assert paint[disc].all() and not paint[:25].any()


def test_a_dropped_region_that_walls_in_part_of_the_figure_is_kept_whole():
    # A coconut cut open: a brown shell round white flesh round blue water, beside a red ring
    # round a white hole. The network drops both white regions (mean opacity 0.3); the flesh
    # holds the water, so it is paint, kept whole; the hole holds nothing and stays as cut.
    rgb = np.full((512, 512, 3), 255, np.uint8)
    cv2.circle(rgb, (130, 256), 110, (120, 70, 40), -1)
    cv2.circle(rgb, (130, 256), 90, (255, 255, 255), -1)
    cv2.circle(rgb, (130, 256), 60, (160, 190, 200), -1)
    cv2.circle(rgb, (380, 256), 110, (200, 40, 40), -1)
    cv2.circle(rgb, (380, 256), 40, (255, 255, 255), -1)
    _, labels = contour.enclosed_paper(rgb)
    flesh, hole = labels == labels[256, 130 - 75], labels == labels[256, 380]
    figure = rgb.min(axis=2) < 250
    probability = figure.astype(np.float32)
    probability[flesh | hole] = 0.3
    decided = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE)
    assert decided.paint[flesh].all() and not decided.paint[hole].any()
    # Without the rules on a region's place (for measuring) the network's opacity decides.
    unplaced = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE, by_place=False)
    assert not unplaced.paint[flesh].any()
    # What the network doubts does not count: a soft shadow cast into a hole is such a piece.
    water = (rgb == (160, 190, 200)).all(axis=2)
    probability[water] = 0.5
    decided = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE)
    assert not decided.paint[flesh].any()
    # Without the water it is a hole like the other, left as the network cut it.
    cv2.circle(rgb, (130, 256), 90, (255, 255, 255), -1)
    _, labels = contour.enclosed_paper(rgb)
    emptied = labels == labels[256, 130]
    probability[emptied] = 0.3
    decided = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE)
    assert emptied[flesh].all() and not decided.paint[emptied].any()


@pytest.mark.parametrize(
    ("frame", "kept"), [(6, True), (40, False)], ids=["thin outline", "broad band"]
)
def test_a_dropped_region_that_is_most_of_the_figure_in_a_thin_frame_is_kept_whole(frame, kept):
    # A cloud: white inside a dark outline 6 px wide, dropped by the network (mean opacity
    # 0.3); a figure that is mostly a hole in a thin frame is rare, so it is kept whole. Inside
    # a band of paint 40 px wide it is a ring's hole, and stays as cut.
    rgb = np.full((512, 512, 3), 255, np.uint8)
    cv2.ellipse(rgb, (256, 256), (150 + frame, 90 + frame), 0, 0, 360, (60, 60, 60), -1)
    cv2.ellipse(rgb, (256, 256), (150, 90), 0, 0, 360, (255, 255, 255), -1)
    _, labels = contour.enclosed_paper(rgb)
    inside = labels == labels[256, 256]
    probability = (rgb.min(axis=2) < 250).astype(np.float32)
    probability[inside] = 0.3
    decided = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE)
    assert decided.paint[inside].all() if kept else not decided.paint[inside].any()


def _ring(size: int = 512, hole_radius: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red ring on white paper: (picture, ring, hole), the hole the paper's own colour."""
    rgb = np.full((size, size, 3), 255, np.uint8)
    centre = (size // 2, size // 2)
    cv2.circle(rgb, centre, hole_radius + 50, (200, 40, 40), -1)
    cv2.circle(rgb, centre, hole_radius, (255, 255, 255), -1)
    inside = np.zeros((size, size), np.uint8)
    cv2.circle(inside, centre, hole_radius + 5, 1, -1)
    ring = rgb.min(axis=2) < 250
    return rgb, ring, inside.astype(bool) & ~ring


def _opacity(ring: np.ndarray, hole: np.ndarray, level: float) -> np.ndarray:
    probability = ring.astype(np.float32)
    probability[hole] = level  # evenly unsure over the hole
    return probability


@pytest.mark.parametrize(
    ("level", "flagged"),
    [(0.7, True), (0.9, False), (0.3, False)],
    ids=["kept unsure", "kept sure", "dropped"],
)
def test_a_large_region_kept_without_certainty_is_flagged(level, flagged):
    # A ring's hole kept at opacity 0.7 may be a see-through hole: a person should look. Kept at
    # 0.9 the network is sure; dropped at 0.3 it stays as cut, and a hole cut is no risk.
    rgb, ring, hole = _ring()
    decided = enclosed_white(rgb, _opacity(ring, hole, level), contour.DEFAULT_TOLERANCE)
    mask = np.where(ring | decided.paint, 255, 0).astype(np.uint8)
    note = decided.review(mask)
    if flagged:
        assert note == "kept 1 enclosed white region that may be see-through"
    else:
        assert note is None


@pytest.mark.parametrize(
    ("inside", "flagged"),
    [
        ((255, 255, 255), False),
        ((250, 250, 250), False),
        ((253, 252, 252), True),
        ((254, 253, 253), True),
    ],
    ids=["white", "whiter by 3", "the paper's colour", "whiter by 1"],
)
def test_a_region_whiter_than_the_paper_is_not_flagged(inside, flagged):
    # On off-white paper, a region whiter than the paper is paint (nothing showing the paper is
    # whiter than it), however unsure the network was; one the paper's colour or within the
    # paper's margin of it may be a hole. The paper is flat: the region is measured inside its
    # rim, away from the ringing that lifts a small hole's pixels.
    paper = (247, 247, 246) if inside == (250, 250, 250) else (253, 252, 252)
    rgb, ring, hole = _ring()
    rgb[~ring] = paper
    rgb[hole & (rgb.min(axis=2) >= 240)] = inside
    decided = enclosed_white(rgb, _opacity(ring, hole, 0.7), contour.DEFAULT_TOLERANCE)
    assert decided.paint[hole].all()
    assert bool(decided.unsure.max() == 1) == flagged


def test_a_long_region_is_not_flagged():
    # A long white band across a red block, as doubtful as the ring's hole: white paint the
    # network doubts is often long or ragged (a collar), a filled hole mostly a ring's inside.
    rgb = np.full((512, 512, 3), 255, np.uint8)
    rgb[100:400, 60:452] = (200, 40, 40)
    rgb[230:270, 90:422] = 255
    band = np.zeros((512, 512), bool)
    band[230:270, 90:422] = True
    block = rgb.min(axis=2) < 250
    decided = enclosed_white(rgb, _opacity(block, band, 0.7), contour.DEFAULT_TOLERANCE)
    assert decided.paint[band].all() and decided.unsure.max() == 0


def test_a_small_region_or_one_cleared_later_is_not_flagged():
    # An eye-sized region is below the area that counts (scaled with the picture) ...
    radius = int(0.8 * np.sqrt(UNSURE_AREA / np.pi))
    rgb, ring, hole = _ring(hole_radius=radius)
    decided = enclosed_white(rgb, _opacity(ring, hole, 0.7), contour.DEFAULT_TOLERANCE)
    assert decided.paint[hole].all()
    assert decided.review(np.where(ring | decided.paint, 255, 0).astype(np.uint8)) is None
    # ... and at a quarter of the size the same region counts as four times larger.
    small = cv2.resize(_ring()[0], (128, 128), interpolation=cv2.INTER_AREA)
    _, ring, hole = _ring(128, 15)
    decided = enclosed_white(small, _opacity(ring, hole, 0.7), contour.DEFAULT_TOLERANCE)
    assert decided.unsure.max() == 1
    # A region a later step cleared (the paper-gap rule) is no longer in the cut-out.
    rgb, ring, hole = _ring()
    decided = enclosed_white(rgb, _opacity(ring, hole, 0.7), contour.DEFAULT_TOLERANCE)
    assert decided.review(np.where(ring, 255, 0).astype(np.uint8)) is None


@pytest.mark.parametrize(
    ("opaque_share", "note"),
    [
        (0.0, None),
        (0.1, None),
        (0.4, "left 1 enclosed white region half cut out"),
        (0.75, "left 1 enclosed white region half cut out"),
        (0.9, None),
    ],
    ids=["dropped", "a few pixels", "mottled", "mostly kept", "nearly whole"],
)
def test_a_large_region_left_half_cut_is_flagged(opaque_share, note):
    # The network drops a ring's hole mottled (mean opacity 0.4, so no rule decides it), and the
    # finished cut-out keeps `opaque_share` of it: a flat region is all paint or all hole, so a
    # half cut one is wrong whichever it is.
    rgb, ring, hole = _ring()
    probability = ring.astype(np.float32)
    _partly_kept(probability, hole, 0.4)
    decided = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE)
    assert not decided.paint[hole].any()
    mask = np.where(ring, 255, 0).astype(np.uint8)
    cells = np.flatnonzero(hole.ravel())
    mask.ravel()[cells[: int(opaque_share * len(cells))]] = 255
    assert decided.review(mask) == note


def test_a_region_kept_unsure_and_partly_cleared_is_noted_once():
    # Kept whole at opacity 0.7 (flagged as perhaps see-through), then a later step clears a
    # third of it: still noted as kept, not also as half cut.
    rgb, ring, hole = _ring()
    decided = enclosed_white(rgb, _opacity(ring, hole, 0.7), contour.DEFAULT_TOLERANCE)
    mask = np.where(ring | decided.paint, 255, 0).astype(np.uint8)
    cells = np.flatnonzero(hole.ravel())
    mask.ravel()[cells[: len(cells) // 3]] = 0
    assert decided.review(mask) == "kept 1 enclosed white region that may be see-through"


def test_the_cut_out_carries_the_note():
    # Through the segmenter's steps after the network, with the shipped settings.
    segmenter = Segmenter.default("cpu")
    rgb, ring, hole = _ring()
    probability = _opacity(ring, hole, 0.7)
    result = segmenter.finish(rgb, probability, confidence=1.0)
    assert result.mask[hole].min() == 255
    assert "kept 1 enclosed white region that may be see-through" in result.review
