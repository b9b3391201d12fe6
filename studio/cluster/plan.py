"""A job cut into batches that replicas can run in any order and still give the same images."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class BatchOrder:
    """One batch of a job: `size` images from job position `first_index`, sampled with `seed`."""

    batch_index: int
    first_index: int
    size: int
    seed: int


@dataclass(frozen=True)
class SamplingJob:
    """What every replica needs to sample a job's batches (the same for all of them)."""

    prompt: str
    top_k: int
    top_p: float
    temperature: float
    image_prompt_codes: np.ndarray | None = None
    prompt_rows: int = 0
    # Tells this job's stop request apart from any other's on a replica.
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


def plan_batches(n_images: int, batch_size: int, seed: int) -> list[BatchOrder]:
    """Batch b holds images b*batch_size... and is seeded `seed + b`, exactly as the
    single-worker path (`studio.engine.pipeline.generate`) seeds it."""
    orders = []
    for b, first in enumerate(range(0, n_images, batch_size)):
        orders.append(BatchOrder(b, first, min(batch_size, n_images - first), seed + b))
    return orders
