"""What the status bar says about a job event (None: nothing worth a line)."""

from __future__ import annotations

from studio.jobs.events import (
    BatchSizeReduced,
    JobCancelled,
    JobEvent,
    JobFailed,
    JobFinished,
    ModelsLoading,
)


def status_message(event: JobEvent) -> tuple[str, int] | None:
    """The line and how long to show it (ms)."""
    match event:
        case BatchSizeReduced(job_id=job, old=old, new=new):
            return (
                f"Job {job}: the GPU ran out of memory, so the batch size was reduced "
                f"from {old} to {new}. The job goes on.",
                15000,
            )
        case JobFailed(job_id=job, message=message):
            return f"Job {job} failed: {message}", 15000
        case JobCancelled(job_id=job, images_done=done):
            return f"Job {job} cancelled; {done} images kept.", 8000
        case JobFinished(job_id=job, images_done=done):
            return f"Job {job} finished: {done} images.", 8000
        case ModelsLoading():
            return "Loading the model (the first job after start-up or a settings change)…", 8000
    return None
