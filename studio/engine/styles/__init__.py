"""Styles: teach the transformer a look or a character from the user's own pictures.

The recipe is the Emojich paper's (Kuts et al., 2021): the feed-forward and self-attention layers
stay frozen, everything else (embeddings, layer norms, the output head) is trained with a loss that
weights the image tokens `image_loss_weight` times the text tokens (paper: 1000), AdamW 8-bit and a
one-cycle schedule. A style file holds only the tensors training changed.
"""

from studio.engine.styles.data import StyleExample, encode_examples, read_captions
from studio.engine.styles.loss import training_loss
from studio.engine.styles.recipe import StyleRecipe, is_trainable, trainable_names
from studio.engine.styles.stylefile import (
    StyleFile,
    StyleSwitcher,
    read_style,
    write_style,
)
from studio.engine.styles.trainer import StyleTrainer, TrainingStep

__all__ = [
    "StyleExample",
    "StyleFile",
    "StyleRecipe",
    "StyleSwitcher",
    "StyleTrainer",
    "TrainingStep",
    "encode_examples",
    "is_trainable",
    "read_captions",
    "read_style",
    "trainable_names",
    "training_loss",
    "write_style",
]
