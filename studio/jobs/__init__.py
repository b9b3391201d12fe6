"""Generation jobs: the request, the queue, and the one worker thread that owns the models.

Importing this package never imports torch; the engine is imported inside the worker thread.
"""

from studio.jobs.events import (
    BatchSizeReduced,
    BatchStored,
    JobCancelled,
    JobEvent,
    JobEventKind,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    ModelsLoading,
)
from studio.jobs.queue import JobQueue
from studio.jobs.request import GenerationRequest, InvalidRequest

__all__ = [
    "BatchSizeReduced",
    "BatchStored",
    "GenerationRequest",
    "InvalidRequest",
    "JobCancelled",
    "JobEvent",
    "JobEventKind",
    "JobFailed",
    "JobFinished",
    "JobProgress",
    "JobQueue",
    "JobStarted",
    "ModelsLoading",
]
