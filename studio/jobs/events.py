"""Typed events a job sends from the worker thread to the window, one small record each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar


class JobEventKind(enum.StrEnum):
    STARTED = "started"
    MODELS_LOADING = "models_loading"
    PROGRESS = "progress"
    BATCH_READY = "batch_ready"
    BATCH_SIZE_REDUCED = "batch_size_reduced"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Style training (studio.jobs.training_events)
    TRAINING_PLANNED = "training_planned"
    TRAINING_STEP = "training_step"
    TRAINING_PREVIEW = "training_preview"
    STYLE_SAVED = "style_saved"


@dataclass(frozen=True)
class JobEvent:
    job_id: int
    kind: ClassVar[JobEventKind]

    @property
    def is_terminal(self) -> bool:
        return self.kind in (JobEventKind.FINISHED, JobEventKind.FAILED, JobEventKind.CANCELLED)


@dataclass(frozen=True)
class JobStarted(JobEvent):
    kind: ClassVar[JobEventKind] = JobEventKind.STARTED


@dataclass(frozen=True)
class ModelsLoading(JobEvent):
    """The worker is loading the model before the job can sample (first job, or new settings)."""

    kind: ClassVar[JobEventKind] = JobEventKind.MODELS_LOADING


@dataclass(frozen=True)
class JobProgress(JobEvent):
    """Image tokens sampled so far (over the whole job), images finished, and the time left."""

    tokens_done: int
    tokens_total: int
    images_done: int
    images_total: int
    eta_s: float | None  # None until the rate is known

    @property
    def fraction(self) -> float:
        return self.tokens_done / self.tokens_total if self.tokens_total else 0.0

    kind: ClassVar[JobEventKind] = JobEventKind.PROGRESS


@dataclass(frozen=True)
class BatchStored(JobEvent):
    """A finished batch, already committed to the library."""

    batch_index: int
    candidate_ids: tuple[int, ...]
    kind: ClassVar[JobEventKind] = JobEventKind.BATCH_READY


@dataclass(frozen=True)
class BatchSizeReduced(JobEvent):
    """The GPU ran out of memory; the batch was halved and the job goes on."""

    old: int
    new: int
    reason: str
    kind: ClassVar[JobEventKind] = JobEventKind.BATCH_SIZE_REDUCED


@dataclass(frozen=True)
class JobFinished(JobEvent):
    images_done: int
    kind: ClassVar[JobEventKind] = JobEventKind.FINISHED


@dataclass(frozen=True)
class JobFailed(JobEvent):
    message: str
    kind: ClassVar[JobEventKind] = JobEventKind.FAILED


@dataclass(frozen=True)
class JobCancelled(JobEvent):
    images_done: int
    kind: ClassVar[JobEventKind] = JobEventKind.CANCELLED
