"""Progress of a job whose batches sample side by side on several replicas (torch-free)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplicasProgress:
    """Image tokens sampled so far over the whole job, counting the batches still running."""

    tokens_done: int
    tokens_total: int
    images_done: int
    images_total: int
    replicas: int  # replicas still alive
