"""Styles: teach the transformer a look or a character from the user's own pictures.

The recipe is the Emojich paper's (Kuts et al., 2021): the feed-forward and self-attention layers
stay frozen, everything else (embeddings, layer norms, the output head) is trained with a loss that
weights the image tokens `image_loss_weight` times the text tokens (paper: 1000), AdamW 8-bit and a
one-cycle schedule. A style file holds only the tensors training changed.

Names are imported on first use, so the window can read `estimate` and `library` (the list of
styles) without importing torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "StyleExample": "studio.engine.styles.data",
    "encode_examples": "studio.engine.styles.data",
    "read_captions": "studio.engine.styles.data",
    "training_loss": "studio.engine.styles.loss",
    "StyleRecipe": "studio.engine.styles.recipe",
    "is_trainable": "studio.engine.styles.recipe",
    "trainable_names": "studio.engine.styles.recipe",
    "StyleFile": "studio.engine.styles.stylefile",
    "StyleSwitcher": "studio.engine.styles.stylefile",
    "read_style": "studio.engine.styles.stylefile",
    "write_style": "studio.engine.styles.stylefile",
    "StyleTrainer": "studio.engine.styles.trainer",
    "TrainingStep": "studio.engine.styles.trainer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
