"""Live preview of the finished sticker on light and dark chat backgrounds.

Rendering goes through `sticker_render.render_preview` (the pack export's renderer) on a worker
thread, a short moment after the last edit, so painting never waits on it. Only the newest request
is shown; answers to older ones are dropped.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.pack import apply_mask
from studio.ui.editor.rendering import DARK_CHAT, LIGHT_CHAT, qimage_from_rgba
from studio.ui.editor.sticker_render import PreviewOptions, render_preview
from studio.ui.tasks import TaskFailure, TaskRunner

DEBOUNCE_MS = 150
_TILE = 168  # each chat tile, at most; it shrinks to _MIN_TILE in a narrow window
_MIN_TILE = 112


class _Tiles(QWidget):
    """The rendered sticker drawn on each chat background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.note = "No cut-out yet"
        # Shrinks in a narrow window rather than widening it (the editor's minimum width).
        self.setMinimumSize(QSize(2 * _MIN_TILE + 8, _MIN_TILE))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(2 * _TILE + 8, _TILE)

    def _tile(self) -> int:
        return max(_MIN_TILE, min(_TILE, (self.width() - 8) // 2))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        side = self._tile()
        for i, colour in enumerate((LIGHT_CHAT, DARK_CHAT)):
            tile = QRectF(i * (side + 8), 0, side, side)
            painter.fillRect(tile, colour)
            if self.image is None or self.image.isNull():
                painter.setPen(QColor(90, 90, 90) if i == 0 else QColor(170, 170, 170))
                painter.drawText(tile, Qt.AlignmentFlag.AlignCenter, self.note)
                continue
            # Stickers show at most 512 px; scale into the tile keeping the aspect ratio.
            scale = min((side - 12) / self.image.width(), (side - 12) / self.image.height())
            w, h = self.image.width() * scale, self.image.height() * scale
            target = QRectF(tile.x() + (side - w) / 2, tile.y() + (side - h) / 2, w, h)
            painter.drawImage(target, self.image)
        painter.end()


class StickerPreview(QWidget):
    """Preview tiles plus the outline and shadow switches."""

    options_changed = Signal(object)
    #: A render finished and is shown (the tests and the benchmark wait on it).
    rendered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner(self, threads=1)
        self._serial = 0
        self._source: tuple[np.ndarray, np.ndarray] | None = None
        self.options = PreviewOptions(outline_px=0, shadow=False)
        #: The last sticker shown (RGBA, exactly what the pack export would write before encoding).
        self.sticker: Image.Image | None = None
        self._tiles = _Tiles(self)
        self._outline = QSpinBox(self)
        self._outline.setRange(0, 40)
        self._outline.setSuffix(" px")
        self._outline.setToolTip("White outline width, in pixels of the 512 px sticker")
        self._shadow = QCheckBox("Shadow", self)
        self._outline.valueChanged.connect(self._on_controls)
        self._shadow.toggled.connect(self._on_controls)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._render_now)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Outline", self))
        controls.addWidget(self._outline)
        controls.addWidget(self._shadow)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Sticker preview", self)
        title.setStyleSheet("font-weight: bold")
        layout.addWidget(title)
        layout.addWidget(self._tiles)
        layout.addLayout(controls)

    def set_options(self, options: PreviewOptions) -> None:
        """Show the pack's outline / shadow settings (without emitting options_changed)."""
        self._outline.blockSignals(True)
        self._shadow.blockSignals(True)
        self._outline.setValue(options.outline_px)
        self._shadow.setChecked(options.shadow)
        self._outline.blockSignals(False)
        self._shadow.blockSignals(False)
        self.options = options
        self.schedule()

    def set_source(self, rgb: np.ndarray, mask: np.ndarray) -> None:
        """The picture and the (live) working mask the preview renders from."""
        self._source = (rgb, mask)
        self.schedule()

    def schedule(self) -> None:
        """Render again shortly (edits in quick succession cost one render)."""
        self._timer.start()

    def render_now(self) -> None:
        self._timer.stop()
        self._render_now()

    @property
    def busy(self) -> bool:
        return self._timer.isActive() or self._tasks.busy

    def wait_idle(self, msecs: int = 10_000) -> None:
        self._tasks.wait(msecs)

    def _on_controls(self) -> None:
        self.options = PreviewOptions(
            outline_px=self._outline.value(),
            shadow=self._shadow.isChecked(),
            padding_px=self.options.padding_px,
        )
        self.options_changed.emit(self.options)
        self.schedule()

    def _render_now(self) -> None:
        if self._source is None:
            return
        rgb, mask = self._source
        rgba = np.dstack([rgb, mask])  # a copy: later strokes do not race the worker
        options = self.options
        self._serial += 1
        serial = self._serial
        self._tasks.submit(
            # The pack's own mask application (edge colours cleaned) and renderer.
            lambda _c: render_preview(apply_mask(rgba[..., :3], rgba[..., 3]), options),
            on_result=lambda sticker: self._on_rendered(serial, sticker),
            on_error=lambda failure: self._on_failed(serial, failure),
            what="the sticker preview",
        )

    def _on_rendered(self, serial: int, sticker: object) -> None:
        if serial != self._serial:
            return  # a newer render is on its way
        self.sticker = sticker if isinstance(sticker, Image.Image) else None
        if self.sticker is None:
            self._tiles.image = None
            self._tiles.note = "Empty mask"
        else:
            self._tiles.image = qimage_from_rgba(np.asarray(self.sticker))
        self._tiles.update()
        self.rendered.emit()

    def _on_failed(self, serial: int, failure: TaskFailure) -> None:
        if serial != self._serial:
            return
        self.sticker = None
        self._tiles.image = None
        self._tiles.note = "Preview failed"
        self._tiles.setToolTip(failure.message)
        self._tiles.update()
        self.rendered.emit()

    def shutdown(self) -> None:
        """Stop rendering (the panel is closing)."""
        self._timer.stop()
        self._tasks.close(5_000)
