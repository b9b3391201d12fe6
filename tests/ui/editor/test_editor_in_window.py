"""The editor inside the studio window: its shortcuts reach it, none is ambiguous."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.ui.editor import Tool

from .helpers import click

pytestmark = pytest.mark.gui


def _active_window_editing(qtbot, library, candidate_id):
    """The studio window, shown and active, with the candidate open in its editor."""
    from studio.ui.main_window import MainWindow

    window = MainWindow(library=library)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    window.open_editor(candidate_id)
    return window


def test_editor_shortcuts_work_inside_the_window(qtbot, library, candidate_id):
    window = _active_window_editing(qtbot, library, candidate_id)
    panel = window.editor_page.panel
    panel.canvas.setFocus()
    qtbot.waitUntil(lambda: panel.canvas.hasFocus())

    qtbot.keyClick(panel.canvas, "C")
    assert panel.palette.settings.tool is Tool.CONTOURS
    click(qtbot, panel.canvas, 65, 65)
    assert panel.document.mask[65, 65] == 0
    assert window.tabs.tabText(window.tabs.indexOf(window.editor_page)).endswith("*")
    qtbot.keyClick(panel.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.document.mask[65, 65] == 255 and not panel.dirty
    qtbot.keyClick(panel.canvas, Qt.Key.Key_1)
    assert panel.canvas.zoom == 1.0
    qtbot.keyClick(panel.canvas, "]")
    qtbot.keyClick(panel.canvas, "E")
    assert panel.palette.settings.tool is Tool.ERASER
    assert window.tabs.currentWidget() is window.editor_page
    window.close()


def test_the_three_tabs_share_their_margins(qtbot, library, candidate_id):
    # The editor kept Qt's default margins (about 9 px) while the gallery and pack used 4 px,
    # so its tools jumped inwards when the tab changed.
    from studio.ui.main_window import MainWindow

    window = MainWindow(library=library)
    qtbot.addWidget(window)
    window.show()
    window.open_editor(candidate_id)
    window.add_to_pack([candidate_id])
    pages = [window.gallery, window.editor_page.panel, window.pack_page.ensure()]
    margins = {page.layout().contentsMargins().left() for page in pages}
    assert margins == {4}


def test_the_outline_marches_only_while_someone_can_watch(qtbot, library, candidate_id):
    # Its timer repaints eight times a second: an editor left on another tab or behind another
    # window must wake nothing, and march again when it is looked at.
    from PySide6.QtWidgets import QWidget

    window = _active_window_editing(qtbot, library, candidate_id)
    canvas = window.editor_page.panel.canvas
    qtbot.waitUntil(canvas.marching)

    window.show_gallery()
    assert not canvas.marching()
    window.open_editor(candidate_id)
    qtbot.waitUntil(canvas.marching)

    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not canvas.marching())
    window.activateWindow()
    qtbot.waitUntil(canvas.marching)
