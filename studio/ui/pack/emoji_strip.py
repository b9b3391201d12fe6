"""A row of emoji buttons that never widens its panel: the buttons that do not fit the width it
is given are hidden, the first (best) ones stay."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLayout, QSizePolicy, QToolButton, QWidget

BUTTON_PX = 34
SPACING_PX = 2


class EmojiStrip(QWidget):
    """`emoji_clicked(char)` when one of its buttons is clicked."""

    emoji_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[QToolButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(SPACING_PX)
        self._layout.addStretch(1)
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        # Its width is whatever the form gives it; the height is one button.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_emoji(self, chars: list[str], tooltip: Callable[[str], str]) -> None:
        """Show one button per emoji, in order; `tooltip(char)` names each."""
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        font = QFont()
        font.setPointSize(15)
        for index, char in enumerate(chars):
            button = QToolButton()
            button.setText(char)
            button.setFont(font)
            button.setFixedSize(BUTTON_PX, BUTTON_PX)
            button.setAutoRaise(True)
            button.setToolTip(tooltip(char))
            button.clicked.connect(lambda _=False, c=char: self.emoji_clicked.emit(c))
            self._layout.insertWidget(index, button)
            self.buttons.append(button)
        self._fit(self.width())

    def shown_emoji(self) -> list[str]:
        """The emoji whose buttons fit and are shown."""
        return [b.text() for b in self.buttons if not b.isHidden()]

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(BUTTON_PX, BUTTON_PX)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(BUTTON_PX, BUTTON_PX)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt's name)
        self._fit(event.size().width())
        super().resizeEvent(event)

    def _fit(self, width: int) -> None:
        fits = max(1, (width + SPACING_PX) // (BUTTON_PX + SPACING_PX))
        for index, button in enumerate(self.buttons):
            button.setVisible(index < fits)
