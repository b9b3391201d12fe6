"""The enclosed-region classifier: stored and read back, refused when it does not fit, and
deciding enclosed white regions in place of the network's opacity."""

import numpy as np
import pytest

from studio.segment import contour
from studio.segment.enclosed_classifier import (
    ClassifierError,
    EnclosedClassifier,
)
from studio.segment.enclosed_features import FEATURE_NAMES
from studio.segment.enclosed_white import enclosed_white
from tests.segment.conftest import emoji_like


def _classifier(bias: float, seed: int = 0) -> EnclosedClassifier:
    """A random classifier whose output leans by `bias` (large: always paint or always hole)."""
    rng = np.random.default_rng(seed)
    count = len(FEATURE_NAMES)
    return EnclosedClassifier(
        mean=rng.normal(size=count).astype(np.float32),
        std=rng.uniform(0.5, 2, size=count).astype(np.float32),
        hidden_weight=rng.normal(size=(count, 4)).astype(np.float32),
        hidden_bias=rng.normal(size=4).astype(np.float32),
        out_weight=rng.normal(size=4).astype(np.float32) * 0.01,
        out_bias=bias,
    )


def test_a_stored_classifier_reads_back_the_same():
    classifier = _classifier(0.3, seed=4)
    features = np.random.default_rng(1).normal(size=(7, len(FEATURE_NAMES))).astype(np.float32)
    again = EnclosedClassifier.from_dict(classifier.to_dict())
    assert np.allclose(again.paint_probability(features), classifier.paint_probability(features))
    assert classifier.paint_probability(features[:0]).shape == (0,)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(features=d["features"][:-1]),  # reads other features
        lambda d: d.update(mean=d["mean"][:-1]),
        lambda d: d.update(hidden_weight=[[1.0]]),
        lambda d: d.update(std=[0.0] * len(FEATURE_NAMES)),
        lambda d: d.pop("out_bias"),
        lambda d: d.update(out_weight="many"),
    ],
)
def test_a_classifier_that_does_not_fit_is_refused(change):
    stored = _classifier(0.0).to_dict()
    change(stored)
    with pytest.raises(ClassifierError):
        EnclosedClassifier.from_dict(stored)
    with pytest.raises(ClassifierError):
        EnclosedClassifier.from_dict([1, 2])


def test_the_classifier_keeps_regions_the_network_drops_and_never_drops_one():
    # A red face with two white eyes, the network dropping the left and keeping the right.
    image, truth = emoji_like(512)
    rgb = np.asarray(image)
    count, labels = contour.enclosed_paper(rgb)
    left, right = labels == labels[216, 192], labels == labels[216, 320]
    assert left.any() and right.any()
    probability = truth.astype(np.float32)
    probability[left] = 0.1
    network = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE).paint
    assert not network[left].any() and network[right].all()
    # One that calls every region paint keeps both whole ...
    paint = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE, _classifier(30.0)).paint
    assert paint[left].all() and paint[right].all()
    # ... and one that calls every region a hole leaves the network's decisions as they were:
    # the right eye, which the network keeps, stays whole (left as cut it would be half kept).
    holes = enclosed_white(rgb, probability, contour.DEFAULT_TOLERANCE, _classifier(-30.0)).paint
    assert not holes[left].any() and holes[right].all()
