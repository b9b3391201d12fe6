"""Snapshot images of the canvas drawing, compared with small golden PNGs with a tolerance.

The goldens live in tests/ui/editor/golden/. After a deliberate change to the drawing, look at
the new pictures and regenerate them with:

    STUDIO_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/ui/editor/test_editor_snapshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QImage, QPainter

from studio.ui.editor import Background, MaskCanvas, MaskDocument, Tool, ToolSettings

from .conftest import first_mask, picture

pytestmark = pytest.mark.gui

GOLDEN = Path(__file__).parent / "golden"
VIEW = (160, 140)


def _render(canvas: MaskCanvas) -> np.ndarray:
    """The canvas drawn into an off-screen image: (H, W, 3) RGB."""
    image = QImage(canvas.width(), canvas.height(), QImage.Format.Format_RGB32)
    painter = QPainter(image)
    canvas.paint_view(painter, QRect(0, 0, canvas.width(), canvas.height()))
    painter.end()
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * image.height())
    return (
        data.reshape(image.height(), stride)[:, : 3 * image.width()]
        .reshape(image.height(), image.width(), 3)
        .copy()
    )


def _assert_snapshot(name: str, rgb: np.ndarray) -> None:
    path = GOLDEN / f"{name}.png"
    if os.environ.get("STUDIO_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        Image.fromarray(rgb, "RGB").save(path, optimize=True)
    assert path.exists(), f"no golden {path.name}; run with STUDIO_UPDATE_GOLDEN=1 to create it"
    expected = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
    assert expected.shape == rgb.shape
    diff = np.abs(expected - rgb.astype(np.int16)).max(axis=2)
    # Rasterisers differ a little between Qt builds on anti-aliased edges; the picture must not.
    assert diff.mean() < 1.5, f"{name}: mean difference {diff.mean():.2f}"
    assert (diff > 24).mean() < 0.01, f"{name}: {(diff > 24).mean():.2%} of pixels differ a lot"


@pytest.fixture
def canvas(qtbot):
    document = MaskDocument()
    view = MaskCanvas(document)
    qtbot.addWidget(view)
    view._ants.stop()  # a fixed phase of the marching outline
    view.resize(*VIEW)
    document.load(picture(), first_mask())
    view.fit()
    return view


def test_checkerboard_with_half_overlay_and_outline(canvas):
    canvas.set_settings(ToolSettings(tool=Tool.LASSO, overlay_opacity=0.5))
    canvas.set_background(Background.CHECKERBOARD)
    _assert_snapshot("checker_overlay50", _render(canvas))


def test_light_chat_shows_only_the_cutout(canvas):
    canvas.set_settings(ToolSettings(tool=Tool.LASSO, overlay_opacity=0.0))
    canvas.set_background(Background.LIGHT_CHAT)
    rgb = _render(canvas)
    _assert_snapshot("light_cutout", rgb)
    # The background colour shows where the mask removes the picture (a corner of the view).
    assert tuple(rgb[2, 2]) == (0xD7, 0xE4, 0xC9)


def test_dark_chat_zoomed_with_brush_cursor(canvas):
    canvas.set_settings(ToolSettings(tool=Tool.BRUSH, brush_size=20, overlay_opacity=1.0))
    canvas.set_background(Background.DARK_CHAT)
    canvas.zoom_to(3.0, canvas.to_widget(25, 25))
    canvas._pointer = QPointF(80, 70)
    _assert_snapshot("dark_zoom_cursor", _render(canvas))


def test_snapshot_follows_an_edit(canvas):
    canvas.set_settings(ToolSettings(tool=Tool.LASSO, overlay_opacity=0.5))
    before = _render(canvas)
    canvas.document.drop_contour_at((65.5, 65.5))  # the disc goes: the view must change there
    after = _render(canvas)
    centre = canvas.to_widget(65.5, 65.5).toPoint()
    y, x = centre.y(), centre.x()
    assert np.abs(before[y, x].astype(int) - after[y, x]).max() > 40
    _assert_snapshot("after_drop_disc", after)
