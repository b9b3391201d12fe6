"""Fitting the enclosed-region classifier and storing it in a model file."""

import json

import numpy as np
import pytest
from safetensors.torch import load_file

from studio.segment import Segmenter
from studio.segment.enclosed_features import FEATURE_NAMES
from studio.segment.segmenter import SegmenterError, read_model_meta
from studio.segment.training import enclosed_fit, train
from tests.segment.training.conftest import exported_network

OPACITY = FEATURE_NAMES.index("opacity")
ISLANDS = FEATURE_NAMES.index("islands")


def _regions(count: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regions where the network's opacity is a noisy guess and what a region holds tells
    paint from a hole: paint holds islands."""
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(count, len(FEATURE_NAMES))).astype(np.float32)
    paint = rng.random(count) < 0.6
    features[:, ISLANDS] = np.where(paint, rng.uniform(0.05, 0.3, count), 0.0)
    features[:, OPACITY] = np.clip(paint * 0.6 + rng.normal(0.2, 0.3, count), 0, 1)
    return features, paint, np.full(count, 0.05, np.float32)


def test_the_fit_learns_what_the_opacity_misses():
    features, paint, weights = _regions(600, seed=1)
    classifier = enclosed_fit.fit(features, paint, weights, seed=0, steps=600)
    test, truth, _ = _regions(300, seed=2)
    ours_wrong = ((classifier.paint_probability(test) >= 0.5) != truth).mean()
    network_wrong = ((test[:, OPACITY] >= 0.5) != truth).mean()
    assert network_wrong > 0.1 and ours_wrong < 0.02


def test_a_stored_classifier_is_read_with_the_network_unchanged(tmp_path):
    model = exported_network(tmp_path / "net.safetensors", seed=3)
    before = load_file(str(model))
    features, paint, weights = _regions(200, seed=4)
    classifier = enclosed_fit.fit(features, paint, weights, seed=0, steps=50)
    enclosed_fit.store(model, classifier)
    after = load_file(str(model))
    assert before.keys() == after.keys()
    assert all(np.array_equal(before[k].numpy(), after[k].numpy()) for k in before)
    meta = read_model_meta(model)
    assert meta["input_sizes"] == [64, 96] and meta["threshold"] == 0.8
    loaded = Segmenter.from_shipped_weights(model, "cpu")._net.enclosed_classifier
    assert np.allclose(
        loaded.paint_probability(features), classifier.paint_probability(features), atol=1e-6
    )


def test_a_model_file_with_a_broken_classifier_is_refused(tmp_path):
    model = exported_network(tmp_path / "net.safetensors", seed=5)
    meta = read_model_meta(model)
    meta["enclosed_classifier"] = {"features": ["something else"]}
    train.write_model_file(model, load_file(str(model)), meta)
    with pytest.raises(SegmenterError, match="reinstall"):
        Segmenter.from_shipped_weights(model, "cpu")


def test_kept_regions_read_back_and_a_foreign_file_is_refused(tmp_path):
    features, paint, shares = _regions(20, seed=6)
    kept = tmp_path / "regions.npz"
    regions = {"features": features, "paint": paint, "shares": shares, "styles": paint * 0}
    np.savez(kept, asked=json.dumps({"seed": 1}), **regions)
    asked, read = enclosed_fit.read_regions(kept)
    assert asked == {"seed": 1} and np.array_equal(read["features"], features)
    foreign = tmp_path / "other.npz"
    np.savez(foreign, asked="{}", something=np.zeros(3))
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    for path in (foreign, tmp_path / "junk.npz", tmp_path / "missing.npz"):
        with pytest.raises(enclosed_fit.RegionsError, match="holds no regions"):
            enclosed_fit.read_regions(path)
