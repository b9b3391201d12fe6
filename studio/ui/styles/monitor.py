"""The training monitor: a live loss curve (Qt's own charts), the held-out captions' pictures
as they are drawn, and the measured time and estimated memory. Fed the queue's events."""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.engine.styles.estimate import GIB
from studio.jobs.events import (
    JobCancelled,
    JobEvent,
    JobFailed,
    JobFinished,
    JobStarted,
    ModelsLoading,
)
from studio.jobs.training_events import (
    StyleSaved,
    TrainingPlanned,
    TrainingPreview,
    TrainingProgress,
)
from studio.ui.queue_panel import format_eta

PREVIEW_SIDE = 128


class LossCurve(QObject):
    """The losses of one training, step by step (what the chart draws)."""

    point_added = Signal(int, float)  # step, loss
    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[int, float]] = []

    def add(self, step: int, loss: float) -> None:
        # A resumed training starts again after its checkpoint: steps it redoes replace theirs.
        while self.points and self.points[-1][0] >= step:
            self.points.pop()
        self.points.append((step, loss))
        self.point_added.emit(step, loss)

    def clear(self) -> None:
        self.points = []
        self.cleared.emit()


class TrainingMonitor(QWidget):
    """Follows one training job at a time (the latest one that sent an event)."""

    stop_requested = Signal(int)  # job id
    discard_requested = Signal(int)  # job id: delete a stopped training's checkpoint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id: int | None = None
        self._steps = 0
        self.curve = LossCurve(self)
        self._build()
        self._connect()

    def _build(self) -> None:
        self.title = QLabel("No style training yet: Models → Train a style…")
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip(
            "Stop after this step; the training is saved and Resume in Jobs continues it"
        )
        self.stop_button.setEnabled(False)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip(
            "Delete this stopped training's checkpoint (its name becomes free again)"
        )
        self.discard_button.setVisible(False)
        self.series = QLineSeries()
        self.series.setName("loss")
        chart = QChart()
        chart.addSeries(self.series)
        chart.legend().hide()
        chart.setMargins(chart.margins() * 0)
        self.x_axis = QValueAxis()
        self.x_axis.setTitleText("step")
        self.x_axis.setLabelFormat("%d")
        self.y_axis = QValueAxis()
        self.y_axis.setTitleText("loss")
        self.y_axis.setLabelFormat("%.3g")
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.x_axis)
        self.series.attachAxis(self.y_axis)
        self.chart_view = QChartView(chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(160)
        self.chart_view.hide()  # an empty chart says nothing; it shows with a training
        self.previews = QGridLayout()
        self.preview_caption = QLabel("")
        self.preview_caption.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.stop_button)
        top.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.chart_view, 1)
        layout.addWidget(self.preview_caption)
        layout.addLayout(self.previews)

    def _connect(self) -> None:
        self.curve.point_added.connect(self._draw_point)
        self.curve.cleared.connect(self.series.clear)
        self.stop_button.clicked.connect(self._stop)
        self.discard_button.clicked.connect(self._discard)

    def _stop(self) -> None:
        if self.job_id is not None:
            self.stop_requested.emit(self.job_id)

    def _discard(self) -> None:
        if self.job_id is not None:
            self.discard_requested.emit(self.job_id)

    def _set_stopped(self, stopped: bool) -> None:
        """Running or queued: Stop; stopped: Discard (Resume is in Jobs)."""
        self.stop_button.setEnabled(not stopped)
        self.stop_button.setVisible(not stopped)
        self.discard_button.setVisible(stopped)

    def _draw_point(self, step: int, loss: float) -> None:
        points = self.curve.points
        if self.series.count() == len(points) - 1:
            self.series.append(float(step), loss)
        else:  # a resumed training redid steps: draw the curve again
            self.series.replace([QPointF(s, v) for s, v in points])
        self.x_axis.setRange(0, max(points[-1][0], self._steps))
        self.x_axis.applyNiceNumbers()
        low = min(v for _, v in points)
        high = max(v for _, v in points)
        margin = max((high - low) * 0.05, abs(high) * 0.01, 1e-6)
        self.y_axis.setRange(low - margin, high + margin)
        self.y_axis.applyNiceNumbers()

    # -- events ---------------------------------------------------------------------------------

    def follow(self, job_id: int, name: str, steps: int, stopped: str | None = None) -> None:
        """Show this training from now on: a new one, a stopped one resumed, or (with
        `stopped`, what to say about it) one a stop or a crash left unfinished."""
        if job_id != self.job_id:
            self.curve.clear()
            self._clear_previews()
        self.job_id = job_id
        self._steps = steps
        self.chart_view.show()
        if not self.curve.points:
            self.x_axis.setRange(0, max(steps, 1))
            self.x_axis.applyNiceNumbers()
        self.title.setText(f"Style “{name}”")
        self.status.setText(stopped or "Queued: it starts when the jobs before it end.")
        self._set_stopped(stopped is not None)

    def forget(self) -> None:
        """The followed training was discarded."""
        self.job_id = None
        self.curve.clear()
        self.chart_view.hide()
        self._clear_previews()
        self.title.setText("No style training: Models → Train a style…")
        self.status.setText("")
        self.stop_button.setVisible(True)
        self.stop_button.setEnabled(False)
        self.discard_button.setVisible(False)

    def handle(self, event: JobEvent) -> None:
        """A queue event; those of other jobs are ignored."""
        if event.job_id != self.job_id:
            return
        match event:
            case ModelsLoading():
                self.status.setText("Loading the model…")
            case TrainingPlanned():
                self._steps = event.steps
                left = (event.steps - event.first_step) * event.seconds_per_step
                resumed = f"continuing from step {event.first_step}, " if event.first_step else ""
                self.status.setText(
                    f"{resumed}{event.steps - event.first_step} steps × "
                    f"{event.seconds_per_step:.2f} s (measured) ≈ {format_eta(left)} · "
                    f"memory about {event.memory_bytes / GIB:.1f} GiB (estimated) · "
                    f"{event.device}, {event.optimizer}"
                )
            case TrainingProgress():
                self.curve.add(event.step, event.loss)
                self.status.setText(
                    f"Step {event.step}/{event.steps} · loss {event.loss:.4g} (text "
                    f"{event.text_loss:.3f}, image {event.image_loss:.3f}) · lr {event.lr:.1e}"
                    f" · {format_eta(event.eta_s)}"
                )
            case TrainingPreview():
                self._show_previews(event)
            case StyleSaved():
                self.status.setText(
                    f"Saved: {event.size_bytes / 1024**2:.1f} MB. Choose it under Style in the "
                    "sampler."
                )
            case JobStarted():
                self._set_stopped(False)
            case JobFinished():
                self.stop_button.setEnabled(False)
            case JobFailed(message=message):
                self.status.setText(f"Failed: {message}")
                self._set_stopped(True)
            case JobCancelled():
                self.status.setText("Stopped; Resume in Jobs continues from where it stopped.")
                self._set_stopped(True)

    def _clear_previews(self) -> None:
        while self.previews.count():
            item = self.previews.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.preview_caption.setText("")

    def _show_previews(self, event: TrainingPreview) -> None:
        self._clear_previews()
        self.preview_caption.setText(f"Held-out captions at step {event.step}:")
        for column, (caption, png) in enumerate(zip(event.captions, event.pictures, strict=True)):
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            picture = QLabel()
            picture.setPixmap(
                pixmap.scaled(
                    PREVIEW_SIDE,
                    PREVIEW_SIDE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            picture.setToolTip(caption)
            text = QLabel(caption)
            text.setWordWrap(True)
            self.previews.addWidget(picture, 0, column)
            self.previews.addWidget(text, 1, column)
