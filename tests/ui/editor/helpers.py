"""Driving the canvas with the mouse in image coordinates."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def at(canvas, x: float, y: float) -> QPoint:
    """The widget point over image pixel (x, y)'s centre."""
    return canvas.to_widget(x + 0.5, y + 0.5).toPoint()


def drag(qtbot, canvas, points, button=Qt.MouseButton.LeftButton, modifier=None):
    modifier = modifier or Qt.KeyboardModifier.NoModifier
    first, *rest = points
    QTest.mouseMove(canvas, at(canvas, *first))
    qtbot.mousePress(canvas, button, modifier, at(canvas, *first))
    for point in rest:
        QTest.mouseMove(canvas, at(canvas, *point))
    qtbot.mouseRelease(canvas, button, modifier, at(canvas, *rest[-1] if rest else first))


def click(qtbot, canvas, x, y, button=Qt.MouseButton.LeftButton, modifier=None):
    modifier = modifier or Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(canvas, button, modifier, at(canvas, x, y))
