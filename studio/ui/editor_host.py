"""The place in the window where the mask editor opens (Enter in the gallery).

The editor (`studio.ui.editor.MaskEditorPanel`) is built on first use, so it costs nothing at
start-up; until then the tab says how to open it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from studio.errors import StudioError
from studio.library import Library

log = logging.getLogger(__name__)


class EditorHost(QWidget):
    """Shows the mask editor for one candidate, or says how to open it."""

    cutout_changed = Signal(int)  # candidate id whose current cut-out changed
    dirty_changed = Signal(bool)
    status_message = Signal(str)

    def __init__(
        self,
        library: Library,
        segmenter_factory: Callable[[], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._segmenter_factory = segmenter_factory  # "Reset to automatic" uses the same one
        self.panel = None  # MaskEditorPanel, once opened
        self.hint = QLabel(
            "Select a candidate in the gallery and press Enter to fix its cut-out mask here."
        )
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("emptyState")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.hint)

    @property
    def candidate_id(self) -> int | None:
        return self.panel.candidate_id if self.panel is not None else None

    def _ensure_panel(self):  # noqa: ANN202
        if self.panel is None:
            from studio.ui.editor import MaskEditorPanel

            panel = MaskEditorPanel(
                self._library, self, segmenter_factory=self._segmenter_factory
            )
            panel.cutoutChanged.connect(lambda cid, _cutout: self.cutout_changed.emit(cid))
            panel.dirtyChanged.connect(self.dirty_changed)
            panel.statusMessage.connect(self.status_message)
            self._stack.addWidget(panel)
            self.panel = panel
        return self.panel

    def open_candidate(self, candidate_id: int) -> bool:
        """Open the editor on a candidate; False when the user chose to stay on unsaved edits."""
        panel = self._ensure_panel()
        if panel.candidate_id != candidate_id:
            if not panel.maybe_save():
                return False
            try:
                panel.load(candidate_id)
            except StudioError as exc:  # its row or picture is damaged or gone: say so
                log.warning("Cannot edit candidate %d: %s", candidate_id, exc)
                self.status_message.emit(str(exc))
                return False
        self._stack.setCurrentWidget(panel)
        panel.setFocus()
        return True

    def maybe_close(self) -> bool:
        """Before the window closes: save or discard unsaved edits; False to stay open."""
        return self.panel is None or self.panel.maybe_save()

    def shutdown(self, wait_ms: int = 30_000) -> bool:
        """Finish the editor's writes; False when a cut-out still computes after `wait_ms`."""
        return self.panel is None or self.panel.shutdown(wait_ms)
