"""The window's status bar elides a message that would run under its permanent labels."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow, QStatusBar

from studio.ui.status_bar import StatusBar

LONG = (
    "Editing a smiling cat (512x512). Flagged for review: kept 1 enclosed white region that may "
    "be see-through. If it is a hole, Alt+click it with the magic wand."
)


@pytest.fixture
def bar(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    status = StatusBar(window)
    window.setStatusBar(status)
    status.label = QLabel("CPU, 2 threads")
    status.addPermanentWidget(status.label)
    window.resize(700, 300)
    window.show()
    qtbot.waitExposed(window)
    yield status  # the window lives as long as the test: the bar is its child


def _fits(bar: StatusBar) -> bool:
    return bar.fontMetrics().horizontalAdvance(bar.currentMessage()) <= bar.message_room()


def test_a_long_message_is_elided_before_the_permanent_labels_and_whole_in_the_tooltip(bar):
    bar.showMessage(LONG)
    assert bar.currentMessage().endswith("…")
    assert LONG.startswith(bar.currentMessage()[:-1].rstrip())
    assert _fits(bar)
    assert bar.message() == LONG
    assert bar.toolTip() == LONG


def test_a_message_that_fits_is_shown_whole_without_a_tooltip(bar):
    bar.showMessage("Imported 3 picture(s).")
    assert bar.currentMessage() == "Imported 3 picture(s)."
    assert bar.toolTip() == ""


def test_the_message_is_fitted_again_when_a_label_grows_and_still_times_out(bar, qtbot):
    text = "Pack exported to /home/user/Stickers/cats"
    bar.showMessage(text, 1500)
    assert bar.currentMessage() == text
    bar.label.setText("NVIDIA GeForce RTX 4090, 24 GB · " + "x" * 60)
    qtbot.waitUntil(lambda: bar.currentMessage().endswith("…"), timeout=1000)
    assert _fits(bar)
    assert bar.message() == text
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=3000)
    assert bar.message() == ""
    assert bar.toolTip() == ""


def test_the_message_is_shown_whole_again_when_the_window_widens(bar, qtbot):
    bar.showMessage(LONG)
    assert bar.currentMessage() != LONG
    bar.window().resize(1900, 300)
    qtbot.waitUntil(lambda: bar.currentMessage() == LONG, timeout=1000)
    assert bar.toolTip() == ""


def test_a_status_tip_qt_shows_replaces_the_message_for_good(bar, qtbot):
    bar.showMessage(LONG)
    # Qt shows an action's status tip through the plain bar's own method.
    QStatusBar.showMessage(bar, "Open the model manager")
    bar.window().resize(900, 300)
    qtbot.wait(50)
    assert bar.currentMessage() == "Open the model manager"
    assert bar.message() == ""
    assert bar.toolTip() == ""
