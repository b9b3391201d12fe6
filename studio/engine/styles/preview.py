"""Pictures of held-out captions drawn by the style being trained, so the user can see it learn."""

from __future__ import annotations

import contextlib

import torch
from PIL import Image

from studio.engine.events import BatchReady
from studio.engine.models import EmojichModels
from studio.engine.pipeline import generate
from studio.engine.sampling import SamplingParams
from studio.engine.styles.trainer import StyleTrainer


def preview_pictures(
    models: EmojichModels, trainer: StyleTrainer, captions: list[str], seed: int = 0
) -> list[Image.Image]:
    """One picture per caption from the model as trained so far (`models.dalle` is the trainer's
    model). The same seed at every preview, so the pictures differ only by what was learned."""
    autocast = (
        torch.autocast(trainer.device.type, dtype=trainer.autocast)
        if trainer.autocast is not None
        else contextlib.nullcontext()
    )
    pictures = []
    with torch.no_grad(), autocast:
        for caption in captions:
            for event in generate(models, caption, SamplingParams(seed=seed), 1, 1):
                if isinstance(event, BatchReady):
                    pictures.append(event.images[0].image)
    return pictures
