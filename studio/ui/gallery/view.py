"""`GalleryView`: a grid list with the triage keys (K keep, X reject, S star, Enter edit) and
Space for the large viewer."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QStyle

from studio.ui.gallery.delegate import CandidateDelegate
from studio.ui.gallery.triage import MENU_ENTRIES, triage_action

TRIAGE_KEYS = "K keep · X reject · U undecided · S star · P add to pack"


def triage_help(auto_advance: bool, in_viewer: bool = False) -> str:
    """The hint under the gallery (or the large viewer): the keys, and the one rule they all
    follow."""
    then = "then the next picture" if auto_advance else "the picture stays"
    if in_viewer:
        return f"← → previous / next · {TRIAGE_KEYS}, {then} · Enter edit mask · Esc/Space back"
    return f"{TRIAGE_KEYS}, {then} · Space large view · Enter edit mask · Shift/Ctrl: several"


class GalleryView(QListView):
    """Emits what the keys ask for; the panel does it (with the library) and moves on."""

    triage_requested = Signal(object)  # a TriageAction
    viewer_requested = Signal()

    def __init__(self, thumb_size: int = 128, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)  # no per-row size queries: thousands stay cheap
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSpacing(2)
        self.setWrapping(True)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self._delegate = CandidateDelegate(thumb_size, self)
        self.setItemDelegate(self._delegate)
        self.setAccessibleName("Candidates")
        self.setToolTip("")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._fit_grid()
        super().resizeEvent(event)

    def layout_width(self) -> int:
        """The width Qt wraps the cells in: the largest viewport less the vertical scroll bar,
        whether the bar shows or not (QListView reserves it for a wrapping layout). Measuring
        the viewport instead made a feedback loop: the bar appeared, the columns changed, the
        bar went away, and so on forever, at full CPU."""
        width = self.maximumViewportSize().width()
        if self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            width -= self.verticalScrollBar().sizeHint().width()
            if self.style().styleHint(QStyle.StyleHint.SH_ScrollView_FrameOnlyAroundContents):
                width -= 2 * self.frameWidth()
        return width

    def _fit_grid(self) -> None:
        """Spread the columns over the whole width instead of leaving a ragged gap on the right.
        The grid depends only on the view's own width, never on the scroll bar, and is set only
        when it changes (each change lays every cell out again)."""
        cell = self._delegate.cell_size()
        width = self.layout_width() - 2 * self.spacing()
        columns = max(1, width // (cell.width() + 2 * self.spacing()))
        grid = QSize(max(width // columns, cell.width()), cell.height() + 2 * self.spacing())
        if grid != self.gridSize():
            self.setGridSize(grid)

    def column_count(self) -> int:
        """How many cells a row holds now."""
        return max(1, (self.layout_width() - self.spacing()) // max(1, self.gridSize().width()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        action = triage_action(event.key(), event.modifiers())
        if action is not None:
            self.triage_requested.emit(action)
        elif event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.viewer_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        """The same actions as the keys, for the mouse (and to show the keys)."""
        if not self.indexAt(event.pos()).isValid():
            return
        menu = QMenu(self)
        for label, action in MENU_ENTRIES:
            menu.addAction(label).triggered.connect(
                lambda _checked=False, a=action: self.triage_requested.emit(a)
            )
        menu.addAction("Large view\tSpace").triggered.connect(self.viewer_requested.emit)
        menu.exec(event.globalPos())

    def selected_rows(self) -> list[int]:
        """Selected rows in order; the current row when nothing is selected."""
        rows = sorted(i.row() for i in self.selectionModel().selectedIndexes())
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return rows

    def advance(self) -> None:
        """After a triage key on one cell: on to the next, as a single selection."""
        current = self.currentIndex()
        if not current.isValid():
            return
        nxt = self.model().index(min(current.row() + 1, self.model().rowCount() - 1), 0)
        self.setCurrentIndex(nxt)
