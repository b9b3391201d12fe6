"""Typed events of a style-training job, one small record each (its end is one of the usual
`JobFinished`, `JobFailed` or `JobCancelled`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from studio.jobs.events import JobEvent, JobEventKind


@dataclass(frozen=True)
class TrainingPlanned(JobEvent):
    """Training is about to start (or continue): the measured time of one step and the
    estimated memory, on this device."""

    name: str
    first_step: int  # steps already done (a resumed training continues from its checkpoint)
    steps: int
    seconds_per_step: float  # measured on a real forward and backward pass
    memory_bytes: int  # estimated peak
    device: str  # e.g. "cuda (bf16)" or "cpu (fp32)"
    optimizer: str
    kind: ClassVar[JobEventKind] = JobEventKind.TRAINING_PLANNED


@dataclass(frozen=True)
class TrainingProgress(JobEvent):
    """One optimiser step done, with the batch's losses (before the step)."""

    step: int  # 1-based: steps done
    steps: int
    loss: float
    text_loss: float
    image_loss: float
    lr: float
    eta_s: float | None

    @property
    def fraction(self) -> float:
        return self.step / self.steps if self.steps else 0.0

    kind: ClassVar[JobEventKind] = JobEventKind.TRAINING_STEP


@dataclass(frozen=True)
class TrainingPreview(JobEvent):
    """Pictures of the held-out captions drawn by the style as trained at `step` (PNG bytes,
    one per caption, the same seed every time)."""

    step: int
    captions: tuple[str, ...]
    pictures: tuple[bytes, ...]
    kind: ClassVar[JobEventKind] = JobEventKind.TRAINING_PREVIEW


@dataclass(frozen=True)
class StyleSaved(JobEvent):
    """The finished style was written; it can be chosen in the sampler now."""

    name: str
    path: str
    size_bytes: int
    kind: ClassVar[JobEventKind] = JobEventKind.STYLE_SAVED
