"""Window test fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def open_window(qtbot):
    """Build, show and start a `MainWindow` with the given arguments; shut down after the test."""
    from studio.ui.main_window import MainWindow

    windows = []

    def open_(**kwargs):
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        window.show()
        window.start()
        windows.append(window)
        return window

    yield open_
    for window in windows:
        window.shutdown()
