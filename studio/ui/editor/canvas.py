"""The zoomable, pannable canvas: the cut-out over a background, the overlay, the contours'
marching outline, the brush cursor, and the mouse turned into mask operations.

Mouse: left paints with the current tool; right does the opposite (erase / subtract); Alt also
subtracts. Wheel zooms around the pointer; Space+drag or the middle button pans.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.masks import Box, Brush, contour_polylines
from studio.ui.editor.document import MaskDocument
from studio.ui.editor.rendering import Background, OverlayComposite, background_brush
from studio.ui.editor.tools import Tool, ToolSettings

MIN_ZOOM = 0.05
MAX_ZOOM = 32.0
_ANTS_INTERVAL_MS = 120


class MaskCanvas(QWidget):
    """Draws a `MaskDocument` and edits it with the tool in `settings`."""

    zoom_changed = Signal(float)
    #: Something the status bar could say (e.g. "Dropped a shape").
    message = Signal(str)

    def __init__(self, document: MaskDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = ToolSettings()
        self.composite = OverlayComposite()
        self._background = Background.CHECKERBOARD
        self._background_brush = background_brush(self._background)
        self._zoom = 1.0
        self._offset = QPointF(0.0, 0.0)  # widget position of the image's top-left corner
        self._fitted = True  # keep refitting on resize until the user zooms or pans
        self._pointer: QPointF | None = None  # last pointer position, widget coordinates
        self._space_down = False
        self._panning_from: QPointF | None = None
        self._lasso: list[tuple[float, float]] = []
        self._lasso_subtract = False
        self._outline = QPainterPath()
        self._outline_dirty = True
        self._hover_path: QPainterPath | None = None
        self._hover_index: int | None = None
        self._ants_phase = 0
        self._ants = QTimer(self)
        self._ants.setInterval(_ANTS_INTERVAL_MS)
        self._ants.timeout.connect(self._march)  # started by `_sync_ants` when it is seen
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        document.loaded.connect(self._on_loaded)
        document.mask_changed.connect(self._on_mask_changed)
        document.contours_changed.connect(self._on_contours_changed)

    # -- settings -------------------------------------------------------------------------------

    def set_settings(self, settings: ToolSettings) -> None:
        old = self.settings
        self.settings = settings
        if settings.overlay_opacity != old.overlay_opacity:
            self.composite.set_opacity(settings.overlay_opacity)
            self.composite.update(self.document.mask)
            self.update()
        if settings.contour_threshold != old.contour_threshold:
            self.document.set_threshold(settings.contour_threshold)
        if settings.tool != old.tool:
            self._lasso.clear()
            self._hover_path = None
            self._hover_index = None
        self._update_cursor_shape()
        self.update()

    @property
    def background(self) -> Background:
        return self._background

    def set_background(self, background: Background) -> None:
        self._background = Background(background)
        self._background_brush = background_brush(self._background)
        self.update()

    # -- view transform -------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self._zoom

    def transform(self) -> QTransform:
        """Image coordinates to widget coordinates."""
        return QTransform(self._zoom, 0, 0, self._zoom, self._offset.x(), self._offset.y())

    def to_image(self, pos: QPointF) -> tuple[float, float]:
        z = self._zoom
        return ((pos.x() - self._offset.x()) / z, (pos.y() - self._offset.y()) / z)

    def to_widget(self, x: float, y: float) -> QPointF:
        return QPointF(x * self._zoom + self._offset.x(), y * self._zoom + self._offset.y())

    def widget_rect(self, box: Box, margin: int = 2) -> QRect:
        """The widget pixels a box of the image covers, grown a little for anti-aliasing."""
        top_left = self.to_widget(box.x0, box.y0)
        bottom_right = self.to_widget(box.x1, box.y1)
        return (
            QRectF(top_left, bottom_right)
            .toAlignedRect()
            .adjusted(-margin, -margin, margin, margin)
        )

    def fit(self) -> None:
        """Show the whole image, centred."""
        w, h = self.document.size
        if self.width() < 2 or self.height() < 2:
            self._fitted = True
            return
        zoom = min(self.width() / w, self.height() / h) * 0.95
        self._set_view(zoom, QPointF((self.width() - w * zoom) / 2, (self.height() - h * zoom) / 2))
        self._fitted = True

    def actual_size(self) -> None:
        """100 %: one image pixel per screen pixel, centred on the view's centre."""
        self.zoom_to(1.0, QPointF(self.width() / 2, self.height() / 2))

    def zoom_to(self, zoom: float, anchor: QPointF) -> None:
        """Zoom keeping the image point under `anchor` (widget coordinates) in place."""
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        ix, iy = self.to_image(anchor)
        self._set_view(zoom, QPointF(anchor.x() - ix * zoom, anchor.y() - iy * zoom))
        self._fitted = False

    def zoom_by(self, steps: float, anchor: QPointF | None = None) -> None:
        anchor = anchor or QPointF(self.width() / 2, self.height() / 2)
        self.zoom_to(self._zoom * (1.25**steps), anchor)

    def pan_by(self, dx: float, dy: float) -> None:
        self._set_view(self._zoom, self._offset + QPointF(dx, dy))
        self._fitted = False

    def _set_view(self, zoom: float, offset: QPointF) -> None:
        changed = not math.isclose(zoom, self._zoom)
        self._zoom, self._offset = zoom, offset
        self.update()
        if changed:
            self.zoom_changed.emit(zoom)

    # -- document events ------------------------------------------------------------------------

    def _on_loaded(self) -> None:
        self.composite.set_image(self.document.image)
        self.composite.set_opacity(self.settings.overlay_opacity)
        self.composite.update(self.document.mask)
        self._outline_dirty = True
        self.fit()
        self._sync_ants()
        self.update()

    def _on_mask_changed(self, box: Box) -> None:
        self.composite.update(self.document.mask, box)
        self.update(self.widget_rect(box))

    def _on_contours_changed(self) -> None:
        self._outline_dirty = True
        self._hover_path = None
        self._hover_index = None
        self._sync_ants()
        self.update()

    def _outline_path(self) -> QPainterPath:
        if self._outline_dirty:
            path = QPainterPath()
            for line in contour_polylines(self.document.contours):
                path.addPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in line]))
                path.closeSubpath()
            self._outline = path
            self._outline_dirty = False
        return self._outline

    # -- the marching outline ------------------------------------------------------------------

    def marching(self) -> bool:
        """Whether the outline is animated now."""
        return self._ants.isActive()

    def _sync_ants(self) -> None:
        """March only where someone can watch: shown, in the active window, with an outline.

        The timer is the editor's one steady cost (a repaint eight times a second), so an editor
        left open behind another window, minimised or on another page wakes nothing; its
        outline stays drawn, still.
        """
        wanted = self.isVisible() and self.isActiveWindow() and not self._outline_path().isEmpty()
        if wanted and not self._ants.isActive():
            self._ants.start()
        elif not wanted:
            self._ants.stop()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._sync_ants()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self._ants.stop()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # A window's activation reaches its visible children as these two events.
        if event.type() in (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate):
            self._sync_ants()
        return handled

    def _march(self) -> None:
        if self.document.in_stroke:
            return
        path = self._outline_path()
        self._ants_phase = (self._ants_phase + 1) % 8
        # Only the outline's bounding box needs repainting, not the whole view.
        bounds = self.transform().mapRect(path.boundingRect())
        self.update(bounds.toAlignedRect().adjusted(-2, -2, 2, 2))

    # -- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        self.paint_view(painter, event.rect())
        painter.end()

    def paint_view(self, painter: QPainter, exposed: QRect) -> None:
        """Draw the exposed part of the view (also used by the benchmark and snapshot tests)."""
        painter.save()
        painter.setBrushOrigin(0, 0)
        painter.fillRect(exposed, self._background_brush)
        painter.setTransform(self.transform())
        # Only the image pixels under the exposed rectangle are scaled and drawn.
        inverse, _ = self.transform().inverted()
        src = inverse.mapRect(QRectF(exposed)).adjusted(-1, -1, 1, 1)
        w, h = self.document.size
        src = src.intersected(QRectF(0, 0, w, h))
        if not src.isEmpty() and not self.composite.qimage.isNull():
            src = QRectF(src.toAlignedRect()).intersected(QRectF(0, 0, w, h))
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._zoom < 1.0)
            painter.drawImage(src, self.composite.qimage, src)
        if not self.document.in_stroke:
            self._paint_outline(painter)
        if self._hover_path is not None:
            painter.fillPath(self._hover_path, QColor(255, 200, 0, 90))
        painter.resetTransform()
        self._paint_lasso(painter)
        self._paint_cursor(painter)
        painter.restore()

    def _paint_outline(self, painter: QPainter) -> None:
        path = self._outline_path()
        if path.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        white = QPen(QColor(255, 255, 255), 0)
        white.setCosmetic(True)
        painter.strokePath(path, white)
        ants = QPen(QColor(0, 0, 0), 0)
        ants.setCosmetic(True)
        ants.setDashPattern([4, 4])
        ants.setDashOffset(self._ants_phase)
        painter.strokePath(path, ants)

    def _paint_lasso(self, painter: QPainter) -> None:
        if len(self._lasso) < 2:
            return
        poly = QPolygonF([self.to_widget(x, y) for x, y in self._lasso])
        pen = QPen(QColor(230, 40, 40) if self._lasso_subtract else QColor(20, 120, 255), 1.5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(pen)
        painter.drawPolyline(poly)

    def _brush_radius_px(self) -> float:
        return self.settings.brush_size / 2 * self._zoom

    def _cursor_rect(self) -> QRect:
        if self._pointer is None:
            return QRect()
        r = self._brush_radius_px() + 3
        p = self._pointer
        return QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r).toAlignedRect()

    def _paint_cursor(self, painter: QPainter) -> None:
        if self._pointer is None or self.settings.tool not in (Tool.BRUSH, Tool.ERASER):
            return
        r = self._brush_radius_px()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(QBrush())
        painter.setPen(QPen(QColor(0, 0, 0, 200), 1.0))
        painter.drawEllipse(self._pointer, r + 1, r + 1)
        painter.setPen(QPen(QColor(255, 255, 255, 230), 1.0))
        painter.drawEllipse(self._pointer, r, r)

    def _update_cursor_shape(self) -> None:
        if self._panning_from is not None or self._space_down:
            shape = Qt.CursorShape.ClosedHandCursor
        elif self.settings.tool in (Tool.BRUSH, Tool.ERASER) and self._brush_radius_px() >= 3:
            shape = Qt.CursorShape.BlankCursor  # the drawn circle is the cursor
        elif self.settings.tool is Tool.CONTOURS:
            shape = Qt.CursorShape.PointingHandCursor
        else:
            shape = Qt.CursorShape.CrossCursor
        self.setCursor(shape)

    # -- mouse and keys -------------------------------------------------------------------------

    def _brush(self, inverted: bool) -> Brush:
        erase = (self.settings.tool is Tool.ERASER) != inverted
        return Brush(size=self.settings.brush_size, hardness=self.settings.hardness, erase=erase)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            self._space_down and button == Qt.MouseButton.LeftButton
        ):
            self._panning_from = pos
            self._update_cursor_shape()
            return
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        inverted = button == Qt.MouseButton.RightButton or bool(
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        at = self.to_image(pos)
        tool = self.settings.tool
        if tool in (Tool.BRUSH, Tool.ERASER):
            self.document.begin_stroke(self._brush(inverted), at)
        elif tool is Tool.LASSO:
            self._lasso = [at]
            self._lasso_subtract = inverted
        elif tool is Tool.WAND:
            if self._inside(at):
                s = self.settings
                self.document.wand(at, s.wand_tolerance, s.wand_contiguous, subtract=inverted)
        elif tool is Tool.CONTOURS:
            keep = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            box = self.document.keep_contour_at(at) if keep else self.document.drop_contour_at(at)
            if box is None:
                self.message.emit("No contour there: click inside a shape or a hole.")

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        old_cursor = self._cursor_rect()
        self._pointer = pos
        if self._panning_from is not None:
            delta = pos - self._panning_from
            self._panning_from = pos
            self.pan_by(delta.x(), delta.y())
            return
        at = self.to_image(pos)
        if self.document.in_stroke:
            self.document.continue_stroke(at)
        elif self._lasso:
            last = self._lasso[-1]
            if math.hypot(at[0] - last[0], at[1] - last[1]) * self._zoom >= 2:
                self._lasso.append(at)
                self.update()
        elif self.settings.tool is Tool.CONTOURS:
            self._update_hover(at)
        self.update(old_cursor)
        self.update(self._cursor_rect())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._panning_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._panning_from = None
            self._update_cursor_shape()
            return
        if self.document.in_stroke:
            self.document.end_stroke()
        elif self._lasso:
            points, self._lasso = self._lasso, []
            if len(points) >= 3:
                self.document.lasso(points, subtract=self._lasso_subtract)
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.update(self._cursor_rect())
        self._pointer = None
        if self._hover_path is not None:
            self._hover_path = None
            self._hover_index = None
            self.update()
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(steps, event.position())
            self._update_cursor_shape()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self._update_cursor_shape()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self._panning_from = None
            self._update_cursor_shape()
            return
        super().keyReleaseEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        if self._fitted:
            self.fit()
        super().resizeEvent(event)

    def _inside(self, at: tuple[float, float]) -> bool:
        w, h = self.document.size
        return 0 <= at[0] < w and 0 <= at[1] < h

    def _update_hover(self, at: tuple[float, float]) -> None:
        contour = self.document.contour_at(at) if self._inside(at) else None
        index = None if contour is None else contour.index
        if index == self._hover_index:
            return
        self._hover_index = index
        self._hover_path = None
        if contour is not None:
            path = QPainterPath()
            path.addPolygon(QPolygonF([QPointF(x + 0.5, y + 0.5) for x, y in contour.points]))
            path.closeSubpath()
            self._hover_path = path
        self.update()
