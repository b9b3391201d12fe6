"""The queue's record of style-training jobs.

A training job has no row in the library (its state lives in its request and checkpoint files
beside the style, which is what lets it continue after a crash), so the queue keeps these
records itself. They take negative ids, which never meet the library's generation job ids.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from studio.jobs.events import JobCancelled, JobEvent, JobFailed, JobFinished, JobStarted
from studio.jobs.style_training import StyleTrainingRequest
from studio.jobs.training_events import TrainingPlanned, TrainingProgress
from studio.library import JobState

# Stopped trainings that can continue from their checkpoint (or start again without one).
RESUMABLE = (JobState.INTERRUPTED, JobState.CANCELLED, JobState.FAILED)


@dataclass(frozen=True)
class TrainingJob:
    id: int
    request: StyleTrainingRequest
    state: JobState
    created_at: float
    error: str | None = None
    plan: TrainingPlanned | None = None  # the measured step time and estimated memory
    last_step: TrainingProgress | None = None

    @property
    def name(self) -> str:
        return self.request.name


class TrainingJobs:
    """Training jobs by id, their states kept up to date from the worker's events."""

    def __init__(self) -> None:
        self._jobs: dict[int, TrainingJob] = {}
        self._next_id = -1

    def add(
        self,
        request: StyleTrainingRequest,
        state: JobState = JobState.QUEUED,
        error: str | None = None,
    ) -> TrainingJob:
        job = TrainingJob(self._next_id, request, state, time.time(), error)
        self._next_id -= 1
        self._jobs[job.id] = job
        return job

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._jobs

    def get(self, job_id: int) -> TrainingJob:
        return self._jobs[job_id]

    def all(self) -> list[TrainingJob]:
        """Newest first."""
        return sorted(self._jobs.values(), key=lambda j: j.id)

    def named(self, name: str) -> TrainingJob | None:
        """The latest training of the style `name`."""
        return next((j for j in self.all() if j.name == name), None)

    def remove(self, job_id: int) -> None:
        del self._jobs[job_id]

    def set_state(self, job_id: int, state: JobState, error: str | None = None) -> None:
        self._jobs[job_id] = replace(self._jobs[job_id], state=state, error=error)

    def on_event(self, event: JobEvent) -> None:
        """Follow a worker event of one of these jobs."""
        job = self._jobs.get(event.job_id)
        if job is None:
            return
        match event:
            case JobStarted():
                self._jobs[job.id] = replace(job, state=JobState.RUNNING, error=None)
            case TrainingPlanned():
                self._jobs[job.id] = replace(job, plan=event)
            case TrainingProgress():
                self._jobs[job.id] = replace(job, last_step=event)
            case JobFinished():
                self._jobs[job.id] = replace(job, state=JobState.FINISHED)
            case JobFailed(message=message):
                self._jobs[job.id] = replace(job, state=JobState.FAILED, error=message)
            case JobCancelled():
                self._jobs[job.id] = replace(job, state=JobState.CANCELLED)
