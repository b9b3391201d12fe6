"""The live list of broken rules; a click points at the sticker or field concerned."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle

from studio.pack import Problem


class ProblemList(QListWidget):
    """Shows `Problem`s; `problem_activated(field, sticker)` (sticker -1 = the whole pack)."""

    problem_activated = Signal(str, int)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.itemClicked.connect(self._activated)
        self.itemActivated.connect(self._activated)
        self.problems: list[Problem] = []

    def set_problems(self, problems: list[Problem], describe: Callable[[int], str]) -> None:
        """Show `problems`; `describe(index)` names a sticker ('sticker 3 (#17)')."""
        self.problems = list(problems)
        self.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for problem in problems:
            where = describe(problem.sticker) if problem.sticker is not None else problem.field
            item = QListWidgetItem(icon, f"{where}: {problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, (problem.field, problem.sticker))
            self.addItem(item)

    def messages(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        field, sticker = item.data(Qt.ItemDataRole.UserRole)
        self.problem_activated.emit(field, -1 if sticker is None else sticker)
