"""The job list: the running job with its progress bar and ETA, the queue, and past jobs.

Queued jobs can be moved up and down and cancelled; the running one can be cancelled (it stops
within one sampling step). A job's candidates are one click away in the gallery.
"""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from studio.jobs import (
    BatchStored,
    JobEvent,
    JobProgress,
    JobQueue,
    JobStarted,
    ModelsLoading,
)
from studio.jobs.training_jobs import TrainingJob
from studio.library import Job, JobState, Library
from studio.ui.styles.queue_rows import training_status, training_title, training_tooltip

JobRole = Qt.ItemDataRole.UserRole + 1
HISTORY_SHOWN = 30

_STATE_TEXT = {
    JobState.QUEUED: "queued",
    JobState.RUNNING: "running",
    JobState.FINISHED: "finished",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
    JobState.INTERRUPTED: "interrupted",  # the app stopped, or the cluster went away
}


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "estimating…"
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min left"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s left"
    return f"{seconds} s left"


class JobListModel(QAbstractListModel):
    """Running job first, then the queue in run order, then recent history (newest first)."""

    def __init__(self, library: Library, queue: JobQueue, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._library = library
        self._queue = queue
        self._jobs: list[Job] = []
        self._loading: set[int] = set()
        self._candidates: dict[int, int] = {}
        queue.changed.connect(self.reload)
        queue.event.connect(self._on_event)
        self.reload()

    def reload(self) -> None:
        by_id: dict[int, Job | TrainingJob] = {j.id: j for j in self._library.jobs()}
        by_id |= {j.id: j for j in self._queue.training_jobs()}
        order: list[int] = []
        running = self._queue.running_job_id
        if running in by_id:
            order.append(running)
        order += [i for i in self._queue.pending_job_ids() if i in by_id]
        newest_first = sorted(by_id, key=lambda i: by_id[i].created_at, reverse=True)
        done = [i for i in newest_first if i not in order]
        order += [i for i in done if by_id[i].state is not JobState.QUEUED][:HISTORY_SHOWN]
        self.beginResetModel()
        self._jobs = [by_id[i] for i in order]
        self.endResetModel()

    def job(self, row: int) -> Job:
        return self._jobs[row]

    def _row(self, job_id: int) -> int | None:
        for i, job in enumerate(self._jobs):
            if job.id == job_id:
                return i
        return None

    def _on_event(self, event: JobEvent) -> None:
        reread = event.is_terminal
        match event:
            case ModelsLoading(job_id=job):
                self._loading.add(job)
            case JobProgress(job_id=job):
                self._loading.discard(job)
            case BatchStored(job_id=job, candidate_ids=ids):
                self._candidates[job] = self._candidates.get(job, 0) + len(ids)
            case JobStarted():
                reread = True
        row = self._row(event.job_id)
        if row is not None:
            if self._queue.is_training(event.job_id):
                self._jobs[row] = self._queue.training_job(event.job_id)
            elif reread:  # its state changed in the library
                self._jobs[row] = self._library.job(event.job_id)
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def status_line(self, job: Job | TrainingJob) -> str:
        if isinstance(job, TrainingJob):
            progress = self._queue.progress(job.id)
            return training_status(job, self._queue, format_eta(getattr(progress, "eta_s", None)))
        spec = job.spec
        if job.id == self._queue.running_job_id:
            if job.id in self._loading:
                return "loading the model…"
            progress = self._queue.progress(job.id)
            text = "starting…"
            if progress is not None:
                text = (
                    f"{progress.images_done}/{progress.images_total} images · "
                    f"{format_eta(progress.eta_s)}"
                )
            note = self._queue.note(job.id)
            return f"{text} · {note}" if note else text
        if job.state is JobState.QUEUED:
            position = self._queue.pending_job_ids()
            place = position.index(job.id) + 1 if job.id in position else None
            waiting = "" if self._queue.ready else " · waiting for the model files"
            return f"queued #{place} · {spec.images_requested} images{waiting}"
        text = _STATE_TEXT[job.state]
        if job.finished_at and job.started_at and job.state is JobState.FINISHED:
            text += f" in {job.finished_at - job.started_at:.0f} s"
        if job.error and job.state is JobState.FAILED:
            text += f": {job.error}"
        return text

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._jobs)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, ANN201
        if not index.isValid():
            return None
        job = self._jobs[index.row()]
        if role == JobRole:
            return job
        if isinstance(job, TrainingJob):
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{training_title(job)}\n{self.status_line(job)}"
            return training_tooltip(job) if role == Qt.ItemDataRole.ToolTipRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{job.spec.prompt}\n{self.status_line(job)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            s = job.spec
            created = time.strftime("%Y-%m-%d %H:%M", time.localtime(job.created_at))
            extra = (
                f"\nmore like candidate {s.source_candidate_id} (top {s.prompt_rows} rows)"
                if (s.source_candidate_id is not None)
                else ""
            )
            typed = f" (typed: {s.prompt_original})" if s.prompt_original else ""
            return (
                f"Job {job.id}: {s.prompt}{typed}\n"
                f"{s.images_requested} images, batch {s.batch_size}, seed {s.seed}\n"
                f"top-k {s.top_k} · top-p {s.top_p} · T {s.temperature}\n"
                f"created {created}{extra}"
            )
        return None


class JobDelegate(QStyledItemDelegate):
    """Two lines of text and, for the running job, a progress bar."""

    def __init__(self, model: JobListModel, queue: JobQueue, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._model = model
        self._queue = queue

    def sizeHint(self, option, index) -> QSize:  # noqa: ANN001, N802
        lines = 2 + (1 if self._is_running(index) else 0)
        return QSize(200, option.fontMetrics.height() * lines + 14)

    def _is_running(self, index) -> bool:  # noqa: ANN001
        job: Job = index.data(JobRole)
        return job is not None and job.id == self._queue.running_job_id

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:  # noqa: ANN001
        job: Job = index.data(JobRole)
        if job is None:
            return
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        line_h = option.fontMetrics.height()
        rect = option.rect.adjusted(6, 4, -6, -4)
        painter.save()
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text_color)
        title = option.fontMetrics.elidedText(
            training_title(job) if isinstance(job, TrainingJob) else f"{job.id}. {job.spec.prompt}",
            Qt.TextElideMode.ElideRight,
            rect.width(),
        )
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line_h), Qt.AlignmentFlag.AlignLeft, title
        )
        font.setBold(False)
        painter.setFont(font)
        status = option.fontMetrics.elidedText(
            self._model.status_line(job), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            QRect(rect.left(), rect.top() + line_h, rect.width(), line_h),
            Qt.AlignmentFlag.AlignLeft,
            status,
        )
        painter.restore()
        if job.id == self._queue.running_job_id:
            progress = self._queue.progress(job.id)
            bar = QStyleOptionProgressBar()
            bar.rect = QRect(rect.left(), rect.top() + 2 * line_h + 2, rect.width(), line_h - 2)
            bar.minimum, bar.maximum = 0, 1000
            bar.progress = int(1000 * progress.fraction) if progress else 0
            bar.textVisible = False
            bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
            # Its own colours: on a selected row the style's highlight would hide the bar.
            bar.palette = QPalette(palette)
            bar.palette.setColor(QPalette.ColorRole.Highlight, QColor("#2fa84f"))
            bar.palette.setColor(QPalette.ColorRole.Base, QColor("#f4f4f4"))
            bar.palette.setColor(QPalette.ColorRole.Window, QColor("#f4f4f4"))
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


RESUMABLE = (JobState.INTERRUPTED, JobState.CANCELLED, JobState.FAILED)


class QueuePanel(QWidget):
    show_job_requested = Signal(int)
    resume_requested = Signal(int)

    def __init__(self, library: Library, queue: JobQueue, parent: QWidget | None = None):
        super().__init__(parent)
        self._queue = queue
        self._selected_id: int | None = None
        self.model = JobListModel(library, queue, self)
        self._build()
        self._connect()
        self._update_buttons()

    def _build(self) -> None:
        queue = self._queue
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(JobDelegate(self.model, queue, self.view))
        self.view.setUniformItemSizes(False)
        self.view.setAccessibleName("Jobs")
        self.up_button = QPushButton("Sooner")
        self.down_button = QPushButton("Later")
        self.cancel_button = QPushButton("Cancel")
        self.resume_button = QPushButton("Resume")
        self.show_button = QPushButton("Show")
        self.up_button.setToolTip("Run this queued job earlier")
        self.down_button.setToolTip("Run this queued job later")
        self.cancel_button.setToolTip(
            "Cancel this job (a running job stops within one step; its finished batches are kept)"
        )
        self.resume_button.setToolTip(
            "Queue the images this stopped job did not make (same settings, the next seeds)"
        )
        self.show_button.setToolTip("Show only this job's candidates in the gallery")
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for b in (
            self.up_button,
            self.down_button,
            self.cancel_button,
            self.resume_button,
            self.show_button,
        ):
            # As narrow as the word needs, not the style's 80 px minimum: five of those made
            # the left column, and so the window, too wide for a 1366 px laptop screen.
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 16)
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.cancel_button.clicked.connect(self._cancel)
        self.show_button.clicked.connect(self._show)
        self.resume_button.clicked.connect(self._resume)
        self.view.doubleClicked.connect(lambda _i: self._show())
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)

    def reload(self) -> None:
        """Read the jobs again (the queue became ready or not)."""
        self.model.reload()

    def selected_job(self) -> Job | None:
        index = self.view.currentIndex()
        return self.model.job(index.row()) if index.isValid() else None

    def select_job(self, job_id: int) -> None:
        for row in range(self.model.rowCount()):
            if self.model.job(row).id == job_id:
                self.view.setCurrentIndex(self.model.index(row))
                return

    def _remember_selection(self) -> None:
        job = self.selected_job()
        self._selected_id = job.id if job else None

    def _restore_selection(self) -> None:
        if self._selected_id is not None:
            self.select_job(self._selected_id)

    def _update_buttons(self, *_args: object) -> None:
        job = self.selected_job()
        queued = job is not None and job.id in self._queue.pending_job_ids()
        running = job is not None and job.id == self._queue.running_job_id
        self.up_button.setEnabled(queued)
        self.down_button.setEnabled(queued)
        self.cancel_button.setEnabled(queued or running)
        self.resume_button.setEnabled(job is not None and job.state in RESUMABLE)
        self.show_button.setEnabled(job is not None and not isinstance(job, TrainingJob))

    def _move(self, delta: int) -> None:
        job = self.selected_job()
        if job is not None and self._queue.move(job.id, delta):
            self.select_job(job.id)

    def _cancel(self) -> None:
        job = self.selected_job()
        if job is not None:
            self._queue.cancel(job.id)

    def _resume(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.resume_requested.emit(job.id)

    def _show(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.show_job_requested.emit(job.id)
