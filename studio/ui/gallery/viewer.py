"""The large viewer: one candidate as big as the gallery's area, opened with Space.

It only shows and asks: the arrow keys ask for the previous or next candidate
(`step_requested`), the triage keys ask for the same `TriageAction`s as in the grid
(`triage_requested`, read by the same `triage_action`), Esc or Space ask to close. The gallery
panel does all of it with the grid's own code, so the one triage rule (and "Next after a key")
holds here too. The picture follows the gallery's backdrop (original or cut-out) and renders off
the UI thread in the gallery's cache, at `PICTURE_SIZE`. Its keys show in the gallery's hint line.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from studio.library import Candidate, CandidateStatus
from studio.ui.gallery.delegate import KEPT, REJECTED, caption, cutout_badge
from studio.ui.gallery.model import GalleryModel
from studio.ui.gallery.triage import OpenEditor, triage_action

PICTURE_SIZE = 768  # rendered once at this size, then scaled to the area when painted


def describe(c: Candidate, model: GalleryModel) -> str:
    """The line under the picture: where it is in the list, its caption and its state."""
    row = model.row_of(c.id)
    parts = [f"{(row or 0) + 1} of {model.rowCount()}"]
    if c.job_id is not None:
        parts.append(c.prompt_original or c.prompt or "")
        parts.append(f"perplexity {caption(c)}" if c.perplexity is not None else "")
    else:
        parts.append(caption(c))
    parts.append({CandidateStatus.NEW: "undecided"}.get(c.status, c.status.value))
    if c.starred:
        parts.append("★ starred")
    if model.in_pack(c.id):
        parts.append("in pack")
    cutout = model.cutout(c.id)
    if cutout is not None:
        parts.append("cut-out: " + cutout_badge(cutout)[0])
    return "  ·  ".join(p for p in parts if p)


class _Picture(QWidget):
    """Paints the candidate's picture scaled to fit, framed in its triage colour."""

    def __init__(self, viewer: CandidateViewer) -> None:
        super().__init__(viewer)
        self._viewer = viewer
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Dark))
        candidate, pixmap = self._viewer.candidate(), self._viewer.pixmap()
        if candidate is None or pixmap is None:
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        side = min(self.width(), self.height()) - 24
        size = pixmap.size().scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(self.rect().center())
        painter.drawPixmap(target, pixmap)
        if candidate.status is not CandidateStatus.NEW:
            kept = candidate.status is CandidateStatus.KEPT
            painter.setPen(QPen(KEPT if kept else REJECTED, 4))
            painter.drawRect(target.adjusted(-3, -3, 2, 2))
            if not kept:
                painter.fillRect(target, QColor(0, 0, 0, 110))


class CandidateViewer(QWidget):
    step_requested = Signal(int)  # -1 previous, +1 next
    triage_requested = Signal(object)  # a TriageAction
    close_requested = Signal()

    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._candidate_id: int | None = None
        self._build()
        self._connect()

    def _build(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Large view")
        self.picture = _Picture(self)
        self.caption_label = QLabel()
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # One line, never wrapped: a wrapping label would make the gallery's page stack
        # height-for-width, and the grid would lay itself out twice on every resize. A long
        # prompt is cut at the edges instead of widening the window.
        self.caption_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.caption_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption_label)

    def _connect(self) -> None:
        self._model.dataChanged.connect(self._on_data_changed)
        self._model.modelReset.connect(self._refresh)
        self._model.rowsInserted.connect(self._refresh)  # "n of N" changes

    # -- what it shows --------------------------------------------------------------------------

    def show_candidate(self, candidate_id: int | None) -> None:
        self._candidate_id = candidate_id
        self._refresh()

    def candidate_id(self) -> int | None:
        return self._candidate_id

    def candidate(self) -> Candidate | None:
        row = self._row()
        return None if row is None else self._model.candidate(row)

    def pixmap(self):  # noqa: ANN201 - QPixmap | None
        """The large picture, or the grid's thumbnail while the large one renders."""
        row = self._row()
        if row is None:
            return None
        return self._model.picture(row, PICTURE_SIZE) or self._model.data(
            self._model.index(row), Qt.ItemDataRole.DecorationRole
        )

    def _row(self) -> int | None:
        return None if self._candidate_id is None else self._model.row_of(self._candidate_id)

    def _refresh(self, *_args: object) -> None:
        candidate = self.candidate()
        self.caption_label.setText("" if candidate is None else describe(candidate, self._model))
        self.picture.update()

    def _on_data_changed(self, top, bottom, _roles=()) -> None:  # noqa: ANN001
        row = self._row()
        if row is not None and top.row() <= row <= bottom.row():
            self._refresh()

    # -- input ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        action = triage_action(key, event.modifiers())
        if action is not None:
            self.triage_requested.emit(action)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp):
            self.step_requested.emit(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.step_requested.emit(+1)
        elif key in (Qt.Key.Key_Escape, Qt.Key.Key_Space):
            self.close_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """As in the grid: a double-click edits the mask."""
        self.triage_requested.emit(OpenEditor())
        event.accept()
