"""What the status bar says about a job event (None: nothing worth a line)."""

from __future__ import annotations

from studio.jobs.events import JobEvent, JobEventKind


def status_message(event: JobEvent) -> tuple[str, int] | None:
    """The line and how long to show it (ms)."""
    kind = event.kind
    if kind is JobEventKind.BATCH_SIZE_REDUCED:
        return (
            f"Job {event.job_id}: the GPU ran out of memory, so the batch size was reduced "
            f"from {event.old} to {event.new}. The job goes on.",  # type: ignore[attr-defined]
            15000,
        )
    if kind is JobEventKind.FAILED:
        return f"Job {event.job_id} failed: {event.message}", 15000  # type: ignore[attr-defined]
    if kind is JobEventKind.CANCELLED:
        done = event.images_done  # type: ignore[attr-defined]
        return f"Job {event.job_id} cancelled; {done} images kept.", 8000
    if kind is JobEventKind.FINISHED:
        done = event.images_done  # type: ignore[attr-defined]
        return f"Job {event.job_id} finished: {done} images.", 8000
    if kind is JobEventKind.MODELS_LOADING:
        return "Loading the model (the first job after start-up or a settings change)…", 8000
    return None
