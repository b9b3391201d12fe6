"""One editing session end to end with the mouse and keyboard, and the import rule."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.ui.editor import MaskEditorPanel, Tool

from .conftest import first_mask
from .helpers import click, drag

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_paint_erase_drop_undo_redo_save_reload(panel, qtbot, library, candidate_id):
    canvas = panel.canvas
    panel._apply_settings(panel.palette.settings.with_changes(brush_size=6.0, hardness=1.0))
    qtbot.keyClick(canvas, "B")
    drag(qtbot, canvas, [(50, 8), (70, 8), (88, 8)])  # paint a bar
    qtbot.keyClick(canvas, "E")
    drag(qtbot, canvas, [(25, 12), (25, 38)])  # erase a cut through the square
    qtbot.keyClick(canvas, "C")
    click(qtbot, canvas, 65, 65)  # drop the disc
    after_three = panel.document.mask.copy()
    assert after_three[8, 70] == 255 and after_three[25, 25] == 0 and after_three[65, 65] == 0

    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert panel.document.mask[65, 65] == 255 and panel.document.mask[20, 25] == 255
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    assert np.array_equal(panel.document.mask, after_three)

    with qtbot.waitSignal(panel.saved):
        qtbot.keyClick(canvas, Qt.Key.Key_S, CTRL)
    panel.shutdown()

    reloaded = MaskEditorPanel(library)
    qtbot.addWidget(reloaded)
    reloaded.load(candidate_id)
    assert np.array_equal(reloaded.document.mask, after_three)
    assert not reloaded.dirty and reloaded.versions.count() == 2
    reloaded.restore_version(library.cutout_history(candidate_id)[0].id)
    assert np.array_equal(reloaded.document.mask, first_mask())
    reloaded.shutdown()


def test_opening_the_editor_does_not_import_torch():
    code = "import sys, studio.ui.editor; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_shortcuts_pick_every_tool(panel, qtbot):
    for key, tool in (
        ("L", Tool.LASSO),
        ("W", Tool.WAND),
        ("C", Tool.CONTOURS),
        ("E", Tool.ERASER),
        ("B", Tool.BRUSH),
    ):
        qtbot.keyClick(panel.canvas, key)
        assert panel.palette.settings.tool is tool and panel.canvas.settings.tool is tool
        assert panel.palette.tool_buttons[tool].isChecked()
