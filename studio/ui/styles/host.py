"""Styles in the window: opens the "Train a style" dialog, queues its training, follows it in
the training monitor, and keeps the sampler's style list current."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from studio.engine.styles.library import list_styles, read_style_info
from studio.errors import StudioError
from studio.jobs.events import JobCancelled, JobEvent, JobFailed, JobStarted
from studio.jobs.queue import JobQueue
from studio.jobs.style_training import MIN_PICTURES, StyleTrainingRequest
from studio.jobs.training_events import StyleSaved
from studio.jobs.training_jobs import RESUMABLE
from studio.library import CandidateStatus, Library
from studio.settings import Settings
from studio.ui.styles.dialog import TrainStyleDialog
from studio.ui.styles.form import DeviceFacts, KnownSpeed, StyleTrainingForm, Translate
from studio.ui.styles.monitor import TrainingMonitor
from studio.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio.jobs.backend import DeviceInfo
    from studio.ui.gallery.panel import GalleryPanel
    from studio.ui.sampler_panel import SamplerPanel

log = logging.getLogger(__name__)


def known_speed() -> KnownSpeed | None:
    """The step time of the latest style trained on this computer (read from its file)."""
    entries = sorted(list_styles(), key=lambda e: e.path.stat().st_mtime, reverse=True)
    for entry in entries:
        try:
            info = read_style_info(entry.path)
        except StudioError:
            continue
        seconds = [s.get("seconds") for s in info.get("losses", []) if s.get("seconds")]
        if seconds:
            seconds = sorted(seconds)[len(seconds) // 2]  # the median: the first steps warm up
            return KnownSpeed(seconds, int(info.get("recipe", {}).get("batch_size", 1)), entry.name)
    return None


class StyleHost(QObject):
    """What the main window composes for styles; `message` lines go to its status bar."""

    message = Signal(str)

    def __init__(
        self,
        window: QWidget,
        queue: JobQueue,
        library: Library,
        sampler: SamplerPanel,
        gallery: GalleryPanel,
        tasks: TaskRunner,
        min_pictures: int = MIN_PICTURES,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._queue = queue
        self._library = library
        self._sampler = sampler
        self._gallery = gallery
        self._tasks = tasks
        self._min_pictures = min_pictures
        self._translate: Translate | None = None
        self._device = DeviceFacts()
        self.dialog: TrainStyleDialog | None = None
        self.dock: QWidget | None = None  # the monitor's dock, shown when a training is followed
        self.monitor = TrainingMonitor()
        self.monitor.stop_requested.connect(queue.cancel)
        self.monitor.discard_requested.connect(self.discard)
        queue.changed.connect(self._show_unfinished)
        self.refresh_styles()

    # -- inputs from the window -----------------------------------------------------------------

    def set_translator(self, translate: Translate | None) -> None:
        self._translate = translate
        if self.dialog is not None:
            self.dialog.form.set_translator(translate)

    def set_device(self, info: DeviceInfo, settings: Settings) -> None:
        device = settings.device or info.default_device
        self._device = DeviceFacts(device, settings.precision, info.gpu_memory_bytes)
        if self.dialog is not None:
            self.dialog.form.set_device(self._device)

    def refresh_styles(self) -> None:
        self._sampler.set_styles([(e.name, e.size_bytes) for e in list_styles()])

    # -- the dialog -----------------------------------------------------------------------------

    def open_dialog(self) -> TrainStyleDialog:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        existing = {e.name for e in list_styles()}
        trainings = {j.name for j in self._queue.training_jobs()} - existing
        form = StyleTrainingForm(existing, self._min_pictures, unfinished=trainings)
        form.set_device(self._device)
        form.set_translator(self._translate)
        dialog = TrainStyleDialog(form, self.selected_pictures, self._window)
        dialog.train_requested.connect(self.train)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        self._tasks.submit(
            lambda _c: known_speed(),
            on_result=form.set_known_speed,
            on_error=lambda _failure: None,
            what="reading the training speed",
        )
        dialog.show()
        return dialog

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def selected_pictures(self) -> tuple[list[tuple[str, str, str | None]], dict[str, str]]:
        """The kept pictures selected in the gallery: their files, their prompts as typed, their
        current cut-outs; and the Russian their prompts were sent to the model as."""
        out, russian = [], {}
        chosen = [
            c for c in self._gallery.selected_candidates() if c.status is CandidateStatus.KEPT
        ]
        cutouts = self._library.current_cutouts([c.id for c in chosen])
        for candidate in chosen:
            image = str(self._library.abspath(candidate.image_path))
            cutout = cutouts.get(candidate.id)
            mask = str(self._library.abspath(cutout.mask_path)) if cutout else None
            out.append((image, candidate.prompt_original or candidate.prompt or "", mask))
            if candidate.prompt_original and candidate.prompt:
                russian[image] = candidate.prompt
        if not out:
            self.message.emit("Select kept pictures in the gallery first (K keeps a picture).")
        return out, russian

    def train(self, request: StyleTrainingRequest) -> None:
        try:
            job = self._queue.submit_training(request)
        except StudioError as exc:
            self.message.emit(str(exc))
            return
        self._follow(job.id, request.name, request.steps)
        self.message.emit(f"Style “{request.name}” queued: {len(request.pictures)} pictures.")

    def resume(self, job_id: int) -> None:
        job = self._queue.training_job(job_id)
        self._follow(job_id, job.name, job.request.steps)
        self._queue.resume_training(job_id)

    def discard(self, job_id: int) -> None:
        name = self._queue.training_job(job_id).name
        try:
            self._queue.discard_training(job_id)
        except OSError as exc:
            self.message.emit(f"Could not delete the training of “{name}”: {exc}")
            return
        self.monitor.forget()
        self.message.emit(f"The unfinished training of “{name}” was deleted.")

    def _show_unfinished(self) -> None:
        """At start-up (or whenever nothing is followed): show a training a stop, a crash or a
        closed app left unfinished, so that it can be resumed or discarded."""
        if self.monitor.job_id is not None:
            return
        stopped = [j for j in self._queue.training_jobs() if j.state in RESUMABLE]
        if stopped:
            job = stopped[0]
            self._follow(
                job.id,
                job.name,
                job.request.steps,
                f"Unfinished: {job.error or 'Resume continues from the last checkpoint'}"
                " (Resume is in Jobs).",
            )

    def _follow(self, job_id: int, name: str, steps: int, stopped: str | None = None) -> None:
        self.monitor.follow(job_id, name, steps, stopped)
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()

    # -- events ---------------------------------------------------------------------------------

    def handle(self, event: JobEvent) -> None:
        """An event of a training job."""
        job = self._queue.training_job(event.job_id)
        match event:
            case JobStarted():
                if self.monitor.job_id != event.job_id:
                    self._follow(event.job_id, job.name, job.request.steps)
            case StyleSaved(name=name, size_bytes=size):
                self.refresh_styles()
                self.message.emit(f"Style “{name}” is ready ({size / 1024**2:.1f} MB).")
            case JobFailed(message=text):
                self.message.emit(f"Style “{job.name}” failed: {text}")
            case JobCancelled():
                self.message.emit(f"Style “{job.name}” stopped; Resume in Jobs continues it.")
        self.monitor.handle(event)
