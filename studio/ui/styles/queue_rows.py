"""How a style-training job reads in the job list (its row sits among the generation jobs)."""

from __future__ import annotations

from studio.engine.styles.estimate import GIB
from studio.jobs.queue import JobQueue
from studio.jobs.training_events import TrainingProgress
from studio.jobs.training_jobs import TrainingJob
from studio.library import JobState


def training_title(job: TrainingJob) -> str:
    return f"Style “{job.name}” · {len(job.request.pictures)} pictures"


def training_status(job: TrainingJob, queue: JobQueue, eta: str) -> str:
    """The row's second line; `eta` is the time left as the list writes it."""
    steps = job.request.steps
    if job.id == queue.running_job_id:
        progress = queue.progress(job.id)
        if isinstance(progress, TrainingProgress):
            return f"step {progress.step}/{progress.steps} · loss {progress.loss:.4g} · {eta}"
        if job.plan is not None:
            return "training…"
        return "loading the model and encoding the pictures…"
    if job.state is JobState.QUEUED:
        pending = queue.pending_job_ids()
        place = pending.index(job.id) + 1 if job.id in pending else None
        return f"queued #{place} · {steps} steps"
    done = f" at step {job.last_step.step}/{steps}" if job.last_step else ""
    match job.state:
        case JobState.FINISHED:
            return f"finished: {steps} steps"
        case JobState.FAILED:
            return f"failed{done}: {job.error} · Resume continues from the last checkpoint"
        case JobState.CANCELLED:
            return f"stopped{done} · Resume continues it"
        case _:
            return f"interrupted{done} · {job.error or 'Resume continues from the last checkpoint'}"


def training_tooltip(job: TrainingJob) -> str:
    r = job.request
    plan = job.plan
    measured = (
        f"\n{plan.seconds_per_step:.2f} s a step (measured), about "
        f"{plan.memory_bytes / GIB:.1f} GiB (estimated) on {plan.device}"
        if plan
        else ""
    )
    return (
        f"Style “{r.name}”: {len(r.pictures)} pictures, {r.steps} steps, lr {r.lr:g}, "
        f"image-loss weight {r.image_loss_weight:g}, batch {r.batch_size}{measured}"
    )
