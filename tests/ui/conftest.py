"""Window test fixtures."""

from __future__ import annotations

import pytest

from studio.library import Library


@pytest.fixture
def library(paths):
    lib = Library(paths)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """The engine's tiny random-weight model in the official layouts (written once)."""
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))


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
