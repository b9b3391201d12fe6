"""The gallery panel: sort and filter bar over the candidate grid, and the triage actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.library import Candidate, CandidateStatus, Library
from studio.library.db import LibraryUnavailable
from studio.ui.gallery.model import SORT_LABELS, SORT_TOOLTIPS, GalleryModel, GalleryQuery
from studio.ui.gallery.pictures import BACKDROP_TITLES, Backdrop
from studio.ui.gallery.thumbnails import ThumbnailCache
from studio.ui.gallery.triage import AddToPack, OpenEditor, SetStatus, ToggleStar, TriageAction
from studio.ui.gallery.view import GalleryView, triage_help
from studio.ui.gallery.viewer import CandidateViewer


class StatusFilter(NamedTuple):
    label: str  # short: the filter bar must fit a laptop screen
    tooltip: str  # the whole wording
    status: CandidateStatus | None
    starred_only: bool = False
    review_only: bool = False


STATUS_FILTERS = [
    StatusFilter("Any status", "Every candidate, whatever its status", None),
    StatusFilter("Undecided", "Candidates not yet kept or rejected", CandidateStatus.NEW),
    StatusFilter("Kept", "Kept candidates", CandidateStatus.KEPT),
    StatusFilter("Rejected", "Rejected candidates", CandidateStatus.REJECTED),
    StatusFilter("Starred", "Starred candidates, whatever their status", None, starred_only=True),
    StatusFilter(
        "Check cut-out",
        "Candidates whose cut-out was flagged for review: check its mask in the editor",
        None,
        review_only=True,
    ),
]

ALL_JOBS = "All jobs"
NEXT_BACKDROP_KEY = "Ctrl+B"
# Short, so the bar fits a laptop screen; the menu says it in full.
BACKDROP_BUTTON_TEXT = {
    Backdrop.ORIGINAL: "Originals",
    Backdrop.CHECKERBOARD: "Checkerboard",
    Backdrop.LIGHT_CHAT: "Light chat",
    Backdrop.DARK_CHAT: "Dark chat",
}


class GalleryPanel(QWidget):
    """The candidate grid with its sort and filter bar, the picture-background choice and the
    large viewer (Space). Every triage action, from a key in the grid or in the viewer, from the
    context menu or the Details panel, is carried out by `triage` with the one rule."""

    current_changed = Signal(object)  # Candidate or None
    open_editor = Signal(int)  # candidate id
    kept = Signal(list)  # candidate ids just marked kept (they get cut out)
    message = Signal(str)
    backdrop_changed = Signal(object)  # Backdrop

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._pack_adder: Callable[[list[int]], bool] | None = None
        self.thumbnails = ThumbnailCache(parent=self)
        self.model = GalleryModel(library, self.thumbnails, self)
        self._build()
        self._connect()
        self.refresh_jobs()
        self.model.reload()

    def _build(self) -> None:
        self.view = GalleryView(self.thumbnails.size, self)
        self.view.setModel(self.model)
        self.setFocusProxy(self.view)  # focusing the gallery focuses its grid
        self.viewer = CandidateViewer(self.model, self)

        self.sort_box = QComboBox()
        for key, label in SORT_LABELS.items():
            self.sort_box.addItem(label, key)
            self.sort_box.setItemData(
                self.sort_box.count() - 1, SORT_TOOLTIPS[key], Qt.ItemDataRole.ToolTipRole
            )
        self.sort_box.setAccessibleName("Sort")
        self._show_sort_tooltip()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by prompt…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(120)
        self.job_box = QComboBox()
        self.job_box.setToolTip("Show one job's candidates")
        self.job_box.setMinimumContentsLength(16)
        self.status_box = QComboBox()
        for choice in STATUS_FILTERS:
            self.status_box.addItem(choice.label)
            self.status_box.setItemData(
                self.status_box.count() - 1, choice.tooltip, Qt.ItemDataRole.ToolTipRole
            )
        self.status_box.setAccessibleName("Status")
        self._show_status_tooltip()
        # The order and the status never elide ("Best first (perple" and "Cut-out to revie"
        # once, at 1366 px): their choices are short, with the whole wording as tooltips, and
        # each box is as wide as its longest. The job box is as wide as its entries when there
        # is room, but its prompts may elide down to "All jobs", so the window still fits a
        # laptop screen beside the side panels.
        for box in (self.sort_box, self.status_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMinimumWidth(box.sizeHint().width())
        self.job_box.setMaximumWidth(320)  # a long prompt must not push the filter away
        self.job_box.setMinimumWidth(self._combo_width_for(self.job_box, ALL_JOBS))
        self._build_backdrop_menu()
        self.count_label = QLabel()
        # No "Sort:" label: the order box says what it is, and the room goes to the picture
        # button (a laptop screen has none to spare).
        bar = QHBoxLayout()
        bar.addWidget(self.sort_box)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.job_box)
        bar.addWidget(self.status_box)
        bar.addWidget(self.backdrop_button)
        bar.addWidget(self.count_label)

        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("emptyState")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.viewer)
        self.advance_box = QCheckBox("Next after a key")
        self.advance_box.setToolTip("After K, X, U, S or P on one picture, move on to the next one")
        self.advance_box.setChecked(True)
        self.help_label = QLabel(triage_help(True))
        self.help_label.setObjectName("hint")
        self.help_label.setWordWrap(True)
        hints = QHBoxLayout()
        hints.addWidget(self.help_label, 1)
        hints.addWidget(self.advance_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(hints)

    def _build_backdrop_menu(self) -> None:
        """Original pictures or cut-outs on a background: a menu for the bar's button and the
        window's View menu, and a shortcut that steps through the choices."""
        self.backdrop_menu = QMenu("Gallery &pictures", self)
        self._backdrop_group = QActionGroup(self)
        self._backdrop_actions: dict[Backdrop, QAction] = {}
        for backdrop, title in BACKDROP_TITLES.items():
            action = self.backdrop_menu.addAction(title)
            action.setCheckable(True)
            action.setData(backdrop.value)
            self._backdrop_group.addAction(action)
            self._backdrop_actions[backdrop] = action
        self._backdrop_actions[Backdrop.ORIGINAL].setChecked(True)
        self.backdrop_menu.addSeparator()
        self.next_backdrop_action = QAction("&Next picture background", self)
        self.next_backdrop_action.setShortcut(QKeySequence(NEXT_BACKDROP_KEY))
        self.backdrop_menu.addAction(self.next_backdrop_action)
        self.addAction(self.next_backdrop_action)  # the shortcut works with the panel alone
        self.backdrop_button = QToolButton()
        self.backdrop_button.setMenu(self.backdrop_menu)
        self.backdrop_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.backdrop_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # As wide as its longest text, so the bar does not shift when the choice changes.
        # (The menu arrow is drawn over the text's right end: room is left for it.)
        metrics = self.backdrop_button.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in BACKDROP_BUTTON_TEXT.values())
        self.backdrop_button.setMinimumWidth(widest + 3 * metrics.averageCharWidth() + 8)
        self._show_backdrop(Backdrop.ORIGINAL)

    def _connect(self) -> None:
        # Typing in the filter re-queries after a short pause, not on every key.
        self._filter_timer = QTimer(self, singleShot=True, interval=200)
        self._filter_timer.timeout.connect(self._apply_query)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.sort_box.currentIndexChanged.connect(self._apply_query)
        self.sort_box.currentIndexChanged.connect(self._show_sort_tooltip)
        self.job_box.currentIndexChanged.connect(self._apply_query)
        self.status_box.currentIndexChanged.connect(self._apply_query)
        self.status_box.currentIndexChanged.connect(self._show_status_tooltip)
        self.advance_box.toggled.connect(self._on_auto_advance)
        self._backdrop_group.triggered.connect(
            lambda action: self.set_backdrop(Backdrop(action.data()))
        )
        self.next_backdrop_action.triggered.connect(self.next_backdrop)
        self.view.triage_requested.connect(self.triage)
        self.view.viewer_requested.connect(self.open_viewer)
        self.view.doubleClicked.connect(lambda _index: self._open_current())
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.viewer.triage_requested.connect(self.triage)
        self.viewer.step_requested.connect(self.step)
        self.viewer.close_requested.connect(self.close_viewer)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.dataChanged.connect(self._on_data_changed)

    # -- pictures -------------------------------------------------------------------------------

    @property
    def backdrop(self) -> Backdrop:
        return self.model.backdrop

    def set_backdrop(self, backdrop: Backdrop) -> None:
        """Show the white originals, or the cut-outs on a checkerboard or a chat background
        (in the grid and the large viewer); candidates not cut out yet show the original."""
        if backdrop is self.model.backdrop:
            return
        self.model.set_backdrop(backdrop)
        self._show_backdrop(backdrop)
        self.backdrop_changed.emit(backdrop)

    def next_backdrop(self) -> None:
        self.set_backdrop(self.backdrop.next())

    def _show_backdrop(self, backdrop: Backdrop) -> None:
        self._backdrop_actions[backdrop].setChecked(True)
        self.backdrop_button.setText(BACKDROP_BUTTON_TEXT[backdrop])
        self.backdrop_button.setToolTip(
            f"{BACKDROP_TITLES[backdrop]} ({NEXT_BACKDROP_KEY}: the next choice)"
        )

    def set_pack_members(self, candidate_ids: Iterable[int]) -> None:
        """The candidates of the current pack: they show the "in pack" badge."""
        self.model.set_pack_members(candidate_ids)

    # -- the large viewer -----------------------------------------------------------------------

    def viewer_open(self) -> bool:
        return self.stack.currentWidget() is self.viewer

    def open_viewer(self) -> None:
        """Show the current candidate large. It becomes the only selected one: what the viewer
        shows is what its keys act on."""
        index = self.view.currentIndex()
        if not index.isValid():
            return
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.viewer.show_candidate(self.model.candidate(index.row()).id)
        self.stack.setCurrentWidget(self.viewer)
        self.viewer.setFocus()
        self._show_help()

    def close_viewer(self) -> None:
        if not self.viewer_open():
            return
        self.stack.setCurrentWidget(self.view)
        self.view.scrollTo(self.view.currentIndex())
        self.view.setFocus()
        self._update_count()
        self._show_help()

    def focus_candidates(self) -> None:
        """Give the keyboard to what shows the candidates: the large viewer or the grid."""
        (self.viewer if self.viewer_open() else self.view).setFocus()

    def step(self, delta: int) -> None:
        """Move the current candidate by `delta` rows (the large viewer's arrow keys)."""
        current = self.view.currentIndex()
        if not current.isValid():
            return
        row = min(max(current.row() + delta, 0), self.model.rowCount() - 1)
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    # -- queries --------------------------------------------------------------------------------

    def query(self) -> GalleryQuery:
        choice = STATUS_FILTERS[self.status_box.currentIndex()]
        return GalleryQuery(
            sort=self.sort_box.currentData(),
            prompt_contains=self.filter_edit.text().strip(),
            job_id=self.job_box.currentData(),
            status=choice.status,
            starred_only=choice.starred_only,
            review_only=choice.review_only,
        )

    def _apply_query(self) -> None:
        current = self.current_candidate()
        self.model.set_query(self.query())
        if current is not None:
            self.select_candidate(current.id)

    def refresh_jobs(self) -> None:
        """Fill the job filter with the library's jobs, newest first."""
        chosen = self.job_box.currentData()
        self.job_box.blockSignals(True)
        self.job_box.clear()
        self.job_box.addItem(ALL_JOBS, None)
        for job in reversed(self._library.jobs()):
            typed = job.spec.prompt_original or job.spec.prompt  # as the user wrote it
            prompt = typed if len(typed) <= 24 else typed[:23] + "…"
            self.job_box.addItem(f"Job {job.id}: {prompt}", job.id)
        index = self.job_box.findData(chosen)
        self.job_box.setCurrentIndex(max(index, 0))
        self.job_box.blockSignals(False)

    def show_job(self, job_id: int | None) -> None:
        self.refresh_jobs()
        self.job_box.setCurrentIndex(max(self.job_box.findData(job_id), 0))

    def add_candidates(self, candidate_ids: list[int]) -> None:
        """A batch was stored: put it in place without disturbing the selection."""
        self.model.add_candidates(candidate_ids)
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))

    def reload(self) -> None:
        self.refresh_jobs()
        self.model.reload()

    # -- selection and triage -------------------------------------------------------------------

    def current_candidate(self) -> Candidate | None:
        index = self.view.currentIndex()
        return self.model.candidate(index.row()) if index.isValid() else None

    def selected_candidates(self) -> list[Candidate]:
        """The candidates selected in the grid, in grid order."""
        return [self.model.candidate(r) for r in self.view.selected_rows()]

    def select_candidate(self, candidate_id: int) -> bool:
        row = self.model.row_of(candidate_id)
        if row is None:
            return False
        index = self.model.index(row)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)
        return True

    def _refused(self, exc: LibraryUnavailable) -> None:
        """A user problem (read-only library, full disk), said plainly, never a bug dialog."""
        self.message.emit(f"Not saved: {exc}")

    def triage(self, action: TriageAction) -> None:
        """Carry out a triage key, from the grid or the large viewer."""
        match action:
            case SetStatus(status):
                self.set_status(status)
            case ToggleStar():
                self.toggle_star()
            case AddToPack():
                self.request_add_to_pack()
            case OpenEditor():
                self._open_current()

    def set_status(self, status: CandidateStatus) -> None:
        rows = self.view.selected_rows()
        if not rows:
            return
        try:
            ids = self.model.set_status(rows, status)
        except LibraryUnavailable as exc:
            self._refused(exc)
            return
        if status is CandidateStatus.KEPT:
            self.kept.emit(ids)
        self.message.emit(f"{len(ids)} marked {status.value}" if len(ids) > 1 else "")
        self._after_triage(rows)

    def toggle_star(self) -> None:
        rows = self.view.selected_rows()
        if rows:
            try:
                self.model.toggle_star(rows)
            except LibraryUnavailable as exc:
                self._refused(exc)
                return
            self._emit_current()
            self._after_triage(rows)

    def set_pack_adder(self, add: Callable[[list[int]], bool]) -> None:
        """Who takes the pictures P sends to the pack: `add(ids)` is True when they went in
        (the gallery then moves on, as for every triage key), False when the pack refused
        them (a read-only library: the gallery stays on them, and the adder says why)."""
        self._pack_adder = add

    def request_add_to_pack(self) -> None:
        rows = self.view.selected_rows()
        if rows and self._pack_adder is not None:
            if self._pack_adder([self.model.candidate(r).id for r in rows]):
                self._after_triage(rows)

    @property
    def sort_key(self) -> str:
        """The order shown ("perplexity", "time", ...), as the window state keeps it."""
        return self.sort_box.currentData()

    def _show_sort_tooltip(self) -> None:
        """The box's tooltip says the current order in full (its text is short)."""
        self.sort_box.setToolTip(SORT_TOOLTIPS.get(self.sort_box.currentData(), "Order"))

    def _show_status_tooltip(self) -> None:
        """The box's tooltip says the current filter in full (its text is short)."""
        self.status_box.setToolTip(STATUS_FILTERS[max(self.status_box.currentIndex(), 0)].tooltip)

    @staticmethod
    def _combo_width_for(box: QComboBox, text: str) -> int:
        """The width `box` needs to show `text` whole: its size hint for one such entry."""
        option = QStyleOptionComboBox()
        box.initStyleOption(option)
        size = QSize(box.fontMetrics().horizontalAdvance(text), box.fontMetrics().height())
        return (
            box.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, size, box).width()
        )

    def set_sort(self, key: object) -> None:
        """Show the candidates in the order `key`; an unknown key is ignored."""
        index = self.sort_box.findData(key)
        if index >= 0:
            self.sort_box.setCurrentIndex(index)

    def refresh_cutout(self, candidate_id: int) -> None:
        """The candidate's cut-out changed elsewhere: its badge is drawn again."""
        self.model.refresh_cutout(candidate_id)

    def shutdown(self, msecs: int) -> bool:
        """Stop loading thumbnails; False when a load still runs after `msecs`."""
        return self.thumbnails.shutdown(msecs)

    @property
    def auto_advance(self) -> bool:
        return self.advance_box.isChecked()

    def set_auto_advance(self, on: bool) -> None:
        """Whether every triage key on one picture moves on to the next (the same for all)."""
        self.advance_box.setChecked(on)

    def _on_auto_advance(self, _on: bool = True) -> None:
        self._show_help()

    def _show_help(self) -> None:
        self.help_label.setText(triage_help(self.auto_advance, self.viewer_open()))

    def _after_triage(self, rows: list[int]) -> None:
        """The one rule of every triage key: on one picture, move on when auto-advance is on;
        on a selection of several, stay (the selection is what was acted on)."""
        if self.auto_advance and len(rows) == 1:
            self.view.advance()

    def _open_current(self) -> None:
        candidate = self.current_candidate()
        if candidate is not None:
            self.open_editor.emit(candidate.id)

    def _on_current(self, *_args: object) -> None:
        if self.viewer_open():
            candidate = self.current_candidate()
            self.viewer.show_candidate(candidate.id if candidate else None)
        self._emit_current()

    def _on_data_changed(self, top, bottom, roles=()) -> None:  # noqa: ANN001
        current = self.view.currentIndex()
        if current.isValid() and top.row() <= current.row() <= bottom.row():
            if not roles or Qt.ItemDataRole.DecorationRole not in roles:
                self._emit_current()

    def _emit_current(self) -> None:
        self.current_changed.emit(self.current_candidate())

    def _update_count(self, *_args: object) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n} candidate{'s' if n != 1 else ''}")
        if self.viewer_open():
            if self.viewer.candidate() is not None:
                return  # new rows arrive while one is looked at: it stays
            self.stack.setCurrentWidget(self.view)  # it was filtered away: back to the grid
            self._show_help()
        if n:
            self.stack.setCurrentWidget(self.view)
            return
        if self.query() != GalleryQuery(sort=self.query().sort):
            self.empty_label.setText("No candidate matches these filters.")
        else:
            self.empty_label.setText(
                "No candidates yet.\n\nType a prompt on the left and press Generate, or import "
                "pictures (File ▸ Import images…, or drop files here)."
            )
        self.stack.setCurrentWidget(self.empty_label)
