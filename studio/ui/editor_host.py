"""The place in the window where the mask editor opens (Enter in the gallery)."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from studio.library import Library

log = logging.getLogger(__name__)


class EditorHost(QWidget):
    """Shows the mask editor for one candidate, or says how to open it."""

    closed = Signal()
    saved = Signal(int)  # candidate id whose cut-out changed

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._editor: QWidget | None = None
        self.hint = QLabel(
            "Select a candidate in the gallery and press Enter to fix its cut-out mask here."
        )
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("emptyState")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.hint)
        self.candidate_id: int | None = None

    def _load_editor(self) -> QWidget | None:
        if self._editor is not None:
            return self._editor
        try:
            module = importlib.import_module("studio.ui.editor")
        except ImportError as exc:
            log.info("The mask editor is not available: %s", exc)
            return None
        factory = getattr(module, "MaskEditor", None)
        if factory is None:
            return None
        self._editor = factory(self._library, self)
        self._stack.addWidget(self._editor)
        return self._editor

    def open_candidate(self, candidate_id: int) -> bool:
        """Open the editor on a candidate; False when the editor is not in this build."""
        self.candidate_id = candidate_id
        editor = self._load_editor()
        if editor is None:
            self.hint.setText(
                f"Candidate {candidate_id} is selected, but the mask editor is not part of this "
                "build yet."
            )
            self._stack.setCurrentWidget(self.hint)
            return False
        editor.open_candidate(candidate_id)  # type: ignore[attr-defined]
        self._stack.setCurrentWidget(editor)
        return True
