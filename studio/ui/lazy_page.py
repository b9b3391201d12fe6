"""A tab page whose panel is built on first use, so that it costs nothing before the window's
first paint (the mask editor and the pack panel import OpenCV, the pack code and their widgets).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QStackedLayout, QWidget

PanelT = TypeVar("PanelT", bound=QWidget)


class LazyPage(QWidget, Generic[PanelT]):
    """Shows `hint` until the panel is built by `ensure()`, or by the first show when
    `build_on_show`. `built(panel)` lets the window connect the panel's signals once.

    With `scroll`, the panel sits in a scroll area: the page then never asks for more width
    than the window has (a window narrower than the panel's minimum scrolls instead of
    growing by itself when the page opens)."""

    built = Signal(object)

    def __init__(
        self,
        factory: Callable[[], PanelT],
        hint: str = "",
        build_on_show: bool = False,
        scroll: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory = factory
        self._build_on_show = build_on_show
        self._scroll = scroll
        self.panel: PanelT | None = None
        self.hint = QLabel(hint)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("emptyState")
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.hint)

    def ensure(self) -> PanelT:
        """The panel, built now if it was not yet."""
        if self.panel is None:
            panel = self._factory()
            shown: QWidget = panel
            if self._scroll:
                shown = QScrollArea()
                shown.setWidgetResizable(True)
                shown.setFrameShape(QFrame.Shape.NoFrame)
                shown.setWidget(panel)
            self._stack.addWidget(shown)
            self._stack.setCurrentWidget(shown)
            self.panel = panel
            self.built.emit(panel)
        return self.panel

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt's name)
        if self._build_on_show:
            self.ensure()
        super().showEvent(event)
