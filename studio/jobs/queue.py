"""`JobQueue`: the window's view of generation jobs — queue, reorder, cancel, and progress.

States live in the library (`JobState`), so the queue survives a restart: jobs still queued come
back in order, and a job that was running when the app died is marked interrupted (its finished
batches are already in the gallery). A style training keeps its request file beside the style
from the moment it is queued; one a restart finds unfinished is listed to resume or discard.
The queue hands one job at a time to the worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal

from studio.jobs.backend import GenerationBackend
from studio.jobs.events import BatchSizeReduced, JobEvent, JobProgress
from studio.jobs.replicas import SettingsBackend
from studio.jobs.request import GenerationRequest
from studio.jobs.style_training import (
    StyleTrainingRequest,
    forget_training,
    save_queued_request,
    unfinished_trainings,
)
from studio.jobs.threads import outlive_owner
from studio.jobs.training_events import TrainingProgress
from studio.jobs.training_jobs import RESUMABLE, TrainingJob, TrainingJobs
from studio.jobs.worker import GenerationWorker
from studio.library import Job, JobState, Library
from studio.settings import Settings

log = logging.getLogger(__name__)


class JobQueue(QObject):
    """Owns the worker thread; every signal it emits arrives in the window's thread."""

    event = Signal(object)  # every JobEvent of every job
    changed = Signal()  # jobs added, moved, started, ended
    device_info = Signal(object)  # DeviceInfo, once torch has loaded in the worker

    _run = Signal(int, object)
    _configure = Signal(object)
    _probe = Signal()

    def __init__(
        self,
        library: Library,
        backend_factory: Callable[[], GenerationBackend] = SettingsBackend,
        settings: Settings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._pending: list[int] = []
        self._requests: dict[int, GenerationRequest | StyleTrainingRequest] = {}
        self._running: int | None = None
        self._progress: dict[int, JobProgress | TrainingProgress] = {}
        self._trainings = TrainingJobs()
        self._notes: dict[int, str] = {}
        self._ready = True
        self._thread = QThread()
        self._thread.setObjectName("generation")
        self._worker = GenerationWorker(backend_factory, library.paths)
        self._worker.moveToThread(self._thread)
        self._run.connect(self._worker.run_job)
        self._configure.connect(self._worker.configure)
        self._probe.connect(self._worker.probe)
        self._worker.event.connect(self._on_worker_event)
        self._worker.device_info.connect(self.device_info)
        # Runs in the worker thread as it ends, so its SQLite connection closes where it was made.
        self._thread.finished.connect(self._worker.close, Qt.ConnectionType.DirectConnection)
        self._thread.start()
        if settings is not None:
            self._configure.emit(settings)

    # -- set-up ---------------------------------------------------------------------------------

    def restore(self) -> list[Job]:
        """At start-up: mark jobs a dead process left running as interrupted, and queue again
        the jobs that were waiting. Returns the interrupted jobs."""
        interrupted = self._library.mark_interrupted_jobs()
        for job in self._library.jobs([JobState.QUEUED]):
            if job.id not in self._requests:
                self._pending.append(job.id)
                self._requests[job.id] = GenerationRequest.from_spec(job.spec)
        for request, checkpoint in unfinished_trainings():
            if self._trainings.named(request.name) is None:
                note = (
                    "Resume continues from the last checkpoint"
                    if checkpoint
                    else "not started or stopped before its first checkpoint: Resume "
                    "starts it from the beginning"
                )
                self._trainings.add(request, JobState.INTERRUPTED, note)
        self.changed.emit()
        self._dispatch()
        return interrupted

    def probe_devices(self) -> None:
        """Load torch in the worker thread and report the devices (`device_info`)."""
        self._probe.emit()

    def set_settings(self, settings: Settings) -> None:
        """New model folder/device/precision: applied before the next job starts."""
        self._configure.emit(settings)

    def set_ready(self, ready: bool) -> None:
        """Jobs wait while not ready (no model files); they start once it is."""
        self._ready = ready
        self._dispatch()

    @property
    def ready(self) -> bool:
        return self._ready

    # -- queue operations -----------------------------------------------------------------------

    def submit(self, request: GenerationRequest) -> Job:
        """Validate, record the job as queued in the library, and start it when its turn comes."""
        request.validate()
        job = self._library.create_job(request.to_spec())
        self._pending.append(job.id)
        self._requests[job.id] = request
        self.changed.emit()
        self._dispatch()
        return job

    def submit_training(self, request: StyleTrainingRequest) -> TrainingJob:
        """Validate and queue a style training (it runs between generation jobs, on the same
        worker and model)."""
        request.validate()
        # Kept beside the style from now on, not from its first step: a quit before it starts
        # (another job running, the model loading) lists it again at the next start.
        save_queued_request(request)
        job = self._trainings.add(request)
        self._pending.append(job.id)
        self._requests[job.id] = request
        self.changed.emit()
        self._dispatch()
        return job

    def resume_training(self, job_id: int) -> None:
        """Queue a stopped training again: it continues from its last checkpoint."""
        job = self._trainings.get(job_id)
        if job.state not in RESUMABLE or job_id in self._pending:
            return
        self._trainings.set_state(job_id, JobState.QUEUED)
        self._pending.append(job_id)
        self._requests[job_id] = job.request
        self.changed.emit()
        self._dispatch()

    def discard_training(self, job_id: int) -> None:
        """Forget a stopped training and delete its checkpoint and request files."""
        job = self._trainings.get(job_id)
        if job.state not in RESUMABLE or job_id in self._pending:
            return
        forget_training(job.name)  # first: files that cannot be deleted keep it listed
        self._trainings.remove(job_id)
        self.changed.emit()

    def training_jobs(self) -> list[TrainingJob]:
        """Style trainings of this session and unfinished ones of earlier ones, newest first."""
        return self._trainings.all()

    def is_training(self, job_id: int) -> bool:
        return job_id in self._trainings

    def training_job(self, job_id: int) -> TrainingJob:
        return self._trainings.get(job_id)

    @property
    def running_job_id(self) -> int | None:
        return self._running

    def pending_job_ids(self) -> list[int]:
        """Queued jobs in the order they will run."""
        return list(self._pending)

    def is_idle(self) -> bool:
        return self._running is None and not self._pending

    def progress(self, job_id: int) -> JobProgress | TrainingProgress | None:
        return self._progress.get(job_id)

    def note(self, job_id: int) -> str | None:
        """A message about a job the user should see (e.g. its batch size was reduced)."""
        return self._notes.get(job_id)

    def move(self, job_id: int, delta: int) -> bool:
        """Move a queued job `delta` places (negative: sooner). False when it is not queued."""
        if job_id not in self._pending:
            return False
        old = self._pending.index(job_id)
        new = max(0, min(len(self._pending) - 1, old + delta))
        if new == old:
            return False
        self._pending.insert(new, self._pending.pop(old))
        self.changed.emit()
        return True

    def cancel(self, job_id: int) -> None:
        """A queued job is cancelled at once; the running one within one sampling step."""
        if job_id in self._pending:
            self._pending.remove(job_id)
            if job_id in self._trainings:
                self._trainings.set_state(job_id, JobState.CANCELLED)
            else:
                self._library.set_job_state(job_id, JobState.CANCELLED)
            self._requests.pop(job_id, None)
            self.changed.emit()
        elif job_id == self._running:
            self._worker.request_cancel(job_id)

    def request_stop(self) -> None:
        """Ask the worker to stop without waiting: the running job stops within a step and is
        marked interrupted (queued jobs stay queued for the next start)."""
        if self._running is not None:
            self._worker.request_shutdown(self._running)
        self._pending.clear()
        self._thread.quit()

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Stop the worker and wait up to `timeout_ms`; False when it is still busy (importing
        torch or loading the model cannot be interrupted). A thread still busy is handed to the
        application, so it ends on its own instead of being destroyed while it runs."""
        self.request_stop()
        stopped = self._thread.wait(timeout_ms)
        if not stopped:
            log.info("The generation thread is still busy %d ms after the stop", timeout_ms)
            outlive_owner(self._thread, self._worker)
        # Events still on their way describe a closed session; listeners may be gone.
        self.blockSignals(True)
        return stopped

    # -- worker events --------------------------------------------------------------------------

    def _dispatch(self) -> None:
        if self._running is not None or not self._pending or not self._ready:
            return
        job_id = self._pending.pop(0)
        self._running = job_id
        self._run.emit(job_id, self._requests[job_id])
        self.changed.emit()

    def _on_worker_event(self, event: JobEvent) -> None:
        match event:
            case JobProgress(job_id=job) | TrainingProgress(job_id=job):
                self._progress[job] = event
            case BatchSizeReduced(job_id=job, old=old, new=new):
                self._notes[job] = f"Out of GPU memory: batch size reduced from {old} to {new}."
        self._trainings.on_event(event)
        finished_running = event.is_terminal and event.job_id == self._running
        if finished_running:
            # Before the event goes out, so that listeners see the queue as it now is.
            self._running = None
            self._requests.pop(event.job_id, None)
        self.event.emit(event)
        if finished_running:
            self.changed.emit()
            self._dispatch()
