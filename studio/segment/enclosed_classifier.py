"""A small classifier that tells whether a white region the figure encloses is paint or a
hole, from what `enclosed_features` measures of it, the network's opacity among them.

It is fitted on training pictures (`training.enclosed_fit`) for one network, whose opacity it
reads, and stored in that network's model file (metadata key `CLASSIFIER_KEY`); a model file
without one, as the shipped one, leaves the decision to the network's opacity alone (the model
card, "Enclosed white decided by a classifier": the one fitted so far fills some rings' holes
the network drops). It is a two-layer perceptron: the features standardised, one tanh hidden
layer, a logistic output, a few hundred numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.segment.enclosed_features import FEATURE_NAMES

CLASSIFIER_KEY = "enclosed_classifier"


class ClassifierError(ValueError):
    """A stored classifier that does not fit this code's features."""


@dataclass(frozen=True)
class EnclosedClassifier:
    mean: np.ndarray  # (F,) feature means
    std: np.ndarray  # (F,) feature standard deviations
    hidden_weight: np.ndarray  # (F, H)
    hidden_bias: np.ndarray  # (H,)
    out_weight: np.ndarray  # (H,)
    out_bias: float
    threshold: float = 0.5  # paint at or above this probability

    def paint_probability(self, features: np.ndarray) -> np.ndarray:
        """(K,) the probability that each region of `features` (K, F) is paint."""
        if len(features) == 0:
            return np.zeros(0, np.float32)
        standard = (features - self.mean) / self.std
        hidden = np.tanh(standard @ self.hidden_weight + self.hidden_bias)
        return 1.0 / (1.0 + np.exp(-(hidden @ self.out_weight + self.out_bias)))

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURE_NAMES),
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "hidden_weight": self.hidden_weight.tolist(),
            "hidden_bias": self.hidden_bias.tolist(),
            "out_weight": self.out_weight.tolist(),
            "out_bias": self.out_bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, stored: object) -> EnclosedClassifier:
        """The classifier a model file stores (`to_dict`); `ClassifierError` when it does not
        read the features this code measures."""
        if not isinstance(stored, dict) or stored.get("features") != list(FEATURE_NAMES):
            raise ClassifierError("its enclosed-region classifier reads other features")
        try:
            classifier = cls(
                mean=np.asarray(stored["mean"], np.float32),
                std=np.asarray(stored["std"], np.float32),
                hidden_weight=np.asarray(stored["hidden_weight"], np.float32),
                hidden_bias=np.asarray(stored["hidden_bias"], np.float32),
                out_weight=np.asarray(stored["out_weight"], np.float32),
                out_bias=float(stored["out_bias"]),
                threshold=float(stored.get("threshold", 0.5)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ClassifierError(f"its enclosed-region classifier is incomplete ({exc})") from None
        count = len(FEATURE_NAMES)
        hidden = classifier.hidden_bias.shape
        shapes_ok = (
            classifier.mean.shape == (count,)
            and classifier.std.shape == (count,)
            and classifier.hidden_weight.shape == (count, *hidden)
            and classifier.out_weight.shape == hidden
            and len(hidden) == 1
            and bool(np.all(classifier.std > 0))
        )
        if not shapes_ok:
            raise ClassifierError("its enclosed-region classifier has the wrong shape")
        return classifier
