"""The Pack tab: hosts the pack panel (`studio.ui.pack.PackPanel`), built on first use so that
it costs nothing before the window's first paint."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.library import Library


class PackHost(QWidget):
    edit_cutout_requested = Signal(int)  # candidate id
    message = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.panel = None  # PackPanel, once built
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure_panel(self):  # noqa: ANN201
        if self.panel is None:
            from studio.ui.pack import PackPanel

            panel = PackPanel(self._library, self)
            panel.editCutoutRequested.connect(self.edit_cutout_requested)
            panel.exported.connect(lambda folder: self.message.emit(f"Pack exported to {folder}"))
            panel.exportFailed.connect(lambda text: self.message.emit(f"Export failed: {text}"))
            self._layout.addWidget(panel)
            self.panel = panel
        return self.panel

    def add_candidates(self, candidate_ids: Sequence[int]) -> int:
        """Append to the current pack (a new one if there is none); returns how many were new."""
        return self.ensure_panel().add_candidates(list(candidate_ids))

    def current_pack_candidates(self) -> set[int]:
        """The candidates in the pack the tab shows (before the tab is first opened: the pack
        it will show, the first one)."""
        if self.panel is not None:
            pack_id = self.panel.current_pack_id()
        else:
            packs = self._library.packs()
            pack_id = packs[0].id if packs else None
        if pack_id is None:
            return set()
        return {item.candidate_id for item in self._library.pack_items(pack_id)}

    def refresh(self) -> None:
        """A cut-out changed elsewhere: re-render what shows it."""
        if self.panel is not None:
            self.panel.refresh()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        self.ensure_panel()
        super().showEvent(event)

    def shutdown(self) -> None:
        if self.panel is not None:
            self.panel.shutdown()
