"""The events `generate` yields, as small records.

Torch-free, so the window's job worker can name them without importing the engine's models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


@dataclass(frozen=True)
class StepProgress:
    batch_index: int
    step: int
    steps_total: int
    images_done: int
    images_total: int


@dataclass(frozen=True)
class GeneratedImage:
    index: int  # position within the job
    image: Image.Image  # RGB
    codes: np.ndarray  # (image tokens,) int
    perplexity: float  # lower is better
    seed: int  # the seed of its batch


@dataclass(frozen=True)
class BatchReady:
    batch_index: int
    images: list[GeneratedImage]


@dataclass(frozen=True)
class BatchSizeReduced:
    old: int
    new: int
    reason: str


GenerationEvent = StepProgress | BatchReady | BatchSizeReduced
