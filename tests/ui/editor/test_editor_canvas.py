"""Driving the editor with the mouse and keyboard: paint, erase, lasso, wand, contours, undo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from studio.ui.editor import Tool

from .conftest import first_mask
from .helpers import at, click, drag

pytestmark = pytest.mark.gui


def _use(panel, qtbot, key: str, tool: Tool):
    qtbot.keyClick(panel.canvas, key)
    assert panel.palette.settings.tool is tool


def test_paint_stroke_then_undo_and_redo_with_shortcuts(panel, qtbot):
    _use(panel, qtbot, "B", Tool.BRUSH)
    panel._apply_settings(panel.palette.settings.with_changes(brush_size=6.0, hardness=1.0))
    before = panel.document.mask.copy()
    with qtbot.waitSignal(panel.dirty_changed) as dirty:
        drag(qtbot, panel.canvas, [(50, 8), (60, 8), (70, 8), (85, 8)])
    assert dirty.args == [True]
    mask = panel.document.mask
    assert (mask[8, 52:84] == 255).all() and mask[2, 60] == 0
    assert panel.document.history.undo_depth == 1  # one stroke, one step
    painted = mask.copy()

    qtbot.keyClick(panel.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(panel.document.mask, before)
    assert not panel.dirty
    qtbot.keyClick(
        panel.canvas,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert np.array_equal(panel.document.mask, painted)
    assert panel.dirty


def test_eraser_and_right_button(panel, qtbot):
    _use(panel, qtbot, "E", Tool.ERASER)
    panel._apply_settings(panel.palette.settings.with_changes(brush_size=4.0, hardness=1.0))
    drag(qtbot, panel.canvas, [(12, 30), (38, 30)])
    assert (panel.document.mask[30, 15:36] == 0).all()
    assert panel.document.mask[15, 15] == 255
    # With the brush, the right button erases too.
    _use(panel, qtbot, "B", Tool.BRUSH)
    drag(qtbot, panel.canvas, [(65, 50), (65, 80)], button=Qt.MouseButton.RightButton)
    assert (panel.document.mask[53:78, 65] == 0).all()
    assert panel.document.history.undo_depth == 2


def test_brush_size_shortcuts_and_cursor(panel, qtbot):
    size = panel.palette.settings.brush_size
    qtbot.keyClick(panel.canvas, "]")
    assert panel.palette.settings.brush_size > size
    assert panel.canvas.settings.brush_size == panel.palette.settings.brush_size
    qtbot.keyClick(panel.canvas, "[")
    qtbot.keyClick(panel.canvas, "[")
    assert panel.palette.settings.brush_size < size
    QTest.mouseMove(panel.canvas, at(panel.canvas, 50, 50))
    assert panel.canvas.cursor().shape() == Qt.CursorShape.BlankCursor  # the circle is drawn
    rect = panel.canvas._cursor_rect()
    expected = panel.palette.settings.brush_size * panel.canvas.zoom
    assert rect.width() == pytest.approx(expected + 6, abs=2)


def test_drop_a_contour_fill_a_hole_and_keep_one(panel, qtbot):
    _use(panel, qtbot, "C", Tool.CONTOURS)
    mask = panel.document.mask
    assert mask[24, 24] == 0  # the spot inside the square is a hole
    click(qtbot, panel.canvas, 24, 24)
    assert panel.document.mask[24, 24] == 255
    click(qtbot, panel.canvas, 65, 65)  # drop the disc
    assert not panel.document.mask[45:90, 45:90].any()
    assert panel.document.mask[15, 15] == 255
    qtbot.keyClick(panel.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.document.mask[65, 65] == 255
    click(qtbot, panel.canvas, 65, 65, modifier=Qt.KeyboardModifier.ShiftModifier)  # keep it
    assert panel.document.mask[65, 65] == 255 and not panel.document.mask[5:45, 5:45].any()
    labels = [c.label for c in panel.document.history._undo]
    assert labels == ["Fill hole", "Keep shape"]


def test_click_off_any_contour_says_so(panel, qtbot):
    _use(panel, qtbot, "C", Tool.CONTOURS)
    click(qtbot, panel.canvas, 90, 5)
    assert "No contour" in panel.status_label.text()
    assert panel.document.history.undo_depth == 0


def test_lasso_adds_and_right_button_subtracts(panel, qtbot):
    _use(panel, qtbot, "L", Tool.LASSO)
    drag(qtbot, panel.canvas, [(50, 5), (90, 5), (90, 30), (50, 30), (50, 6)])
    assert (panel.document.mask[10:25, 55:85] == 255).all()
    drag(
        qtbot,
        panel.canvas,
        [(5, 5), (45, 5), (45, 20), (5, 20), (5, 6)],
        button=Qt.MouseButton.RightButton,
    )
    assert not panel.document.mask[8:17, 12:40].any()
    assert panel.document.mask[30, 20] == 255


def test_wand_selects_a_colour(panel, qtbot):
    panel.document.reset_to(np.zeros_like(first_mask()), "Clear")
    _use(panel, qtbot, "W", Tool.WAND)
    click(qtbot, panel.canvas, 15, 15)
    red = panel.document.mask == 255
    assert red[12, 12] and not red[65, 65] and not red[24, 24]
    assert red.sum() == 30 * 30 - 36


def test_wheel_zoom_fit_actual_size_and_space_drag(panel, qtbot):
    canvas = panel.canvas
    fitted = canvas.zoom
    anchor = at(canvas, 40, 40)
    image_point = canvas.to_image(QPointF(anchor))
    QTest.mouseMove(canvas, anchor)
    from PySide6.QtGui import QWheelEvent

    wheel = QWheelEvent(
        QPointF(anchor),
        QPointF(canvas.mapToGlobal(anchor)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    canvas.wheelEvent(wheel)
    assert canvas.zoom == pytest.approx(fitted * 1.25**2)
    after = canvas.to_image(QPointF(anchor))
    assert after == pytest.approx(image_point, abs=1e-6)  # zoomed around the pointer

    qtbot.keyClick(canvas, Qt.Key.Key_1)
    assert canvas.zoom == 1.0
    before = canvas.to_image(QPointF(100, 100))
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    mask_before = panel.document.mask.copy()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    QTest.mouseMove(canvas, QPoint(130, 110))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(130, 110))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    moved = canvas.to_image(QPointF(130, 110))
    assert moved == pytest.approx(before, abs=1e-6)  # the picture followed the pointer
    assert np.array_equal(panel.document.mask, mask_before)  # panning does not paint

    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom == pytest.approx(fitted)


def test_clean_up_buttons_are_undoable(panel, qtbot):
    start = panel.document.mask.copy()
    qtbot.mouseClick(panel.palette.fill_button, Qt.MouseButton.LeftButton)
    assert panel.document.mask[24, 24] == 255
    panel.palette.amount_spin.setValue(3)
    panel.palette.grow_requested.emit(3)
    assert panel.document.mask[8, 20] == 255
    panel.palette.remove_islands_requested.emit(2000)  # both shapes are smaller: all gone
    assert not panel.document.mask.any()
    for _ in range(3):
        panel.undo()
    assert np.array_equal(panel.document.mask, start)
