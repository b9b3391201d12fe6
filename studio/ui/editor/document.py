"""The mask being edited: image, working mask, undo history and contours, as one QObject.

The canvas and the palette call these methods; the operations themselves are the Qt-free ones in
`studio.masks`. Every change goes through `MaskHistory`, so everything can be undone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio import masks
from studio.masks import Box, Brush, Combine, Contour, MaskHistory
from studio.masks.geometry import check_same_size

Point = tuple[float, float]


class MaskDocument(QObject):
    """Signals carry what the views need to repaint only what changed."""

    #: Pixels of the mask changed inside this box (image coordinates).
    mask_changed = Signal(object)
    #: The undo / redo stacks or the saved point moved.
    history_changed = Signal()
    dirty_changed = Signal(bool)
    #: Contours at the current threshold were recomputed.
    contours_changed = Signal()
    #: A new image (and mask) was loaded: views refit and redraw everything.
    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.image = np.zeros((1, 1, 3), np.uint8)  # (H, W, 3) RGB
        self.history = MaskHistory(np.zeros((1, 1), np.uint8))
        self._threshold = masks.DEFAULT_THRESHOLD
        self._contours: list[Contour] | None = None
        self._stroke_brush: Brush | None = None
        self._stroke_last: Point | None = None
        self._was_dirty = False

    # -- state ----------------------------------------------------------------------------------

    @property
    def mask(self) -> np.ndarray:
        return self.history.mask

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.image.shape[1], self.image.shape[0]

    @property
    def dirty(self) -> bool:
        return self.history.modified

    @property
    def threshold(self) -> int:
        return self._threshold

    def set_threshold(self, value: int) -> None:
        if value != self._threshold:
            self._threshold = int(value)
            self._invalidate_contours()

    @property
    def contours(self) -> list[Contour]:
        """Contours of the mask at the current threshold (computed on demand, then cached)."""
        if self._contours is None:
            self._contours = masks.find_contours(self.mask, self._threshold)
        return self._contours

    def load(self, image: np.ndarray, mask: np.ndarray) -> None:
        """Start editing `mask` over `image` (RGB (H, W, 3) uint8); clears the history."""
        check_same_size(mask, image)
        self.image = np.ascontiguousarray(image[:, :, :3])
        self.history.load(mask)
        self._stroke_brush = None
        self._contours = None
        self.loaded.emit()
        self._after_change(Box.of_array(mask.shape))

    def mark_saved(self) -> None:
        self.history.mark_saved()
        self._emit_history()

    # -- strokes (the hot path) -----------------------------------------------------------------

    def begin_stroke(self, brush: Brush, at: Point) -> None:
        """Start a brush or eraser stroke with a dab at `at`."""
        self.history.begin("Eraser" if brush.erase else "Brush")
        self._stroke_brush = brush
        self._stroke_last = at
        self._paint(at, at)

    def continue_stroke(self, to: Point) -> Box | None:
        """Paint from the last point to `to`; returns the dirty box."""
        if self._stroke_brush is None or self._stroke_last is None:
            return None
        box = self._paint(self._stroke_last, to)
        self._stroke_last = to
        return box

    def end_stroke(self) -> None:
        if self._stroke_brush is None:
            return
        self._stroke_brush = self._stroke_last = None
        self.history.end()
        self._invalidate_contours()
        self._emit_history()

    @property
    def in_stroke(self) -> bool:
        return self._stroke_brush is not None

    def _paint(self, a: Point, b: Point) -> Box | None:
        assert self._stroke_brush is not None
        box = masks.paint_segment(self.mask, a, b, self._stroke_brush)
        if box is not None:
            self.history.touch(box)
            self.mask_changed.emit(box)
        return box

    # -- one-shot operations --------------------------------------------------------------------

    def apply(self, new_mask: np.ndarray, label: str) -> Box | None:
        """Replace the mask as one undoable step (every tool but the brush ends here)."""
        self.end_stroke()
        box = self.history.apply(new_mask, label)
        if box is not None:
            self._after_change(box)
        return box

    def lasso(self, points: Sequence[Point], subtract: bool = False) -> Box | None:
        how = Combine.SUBTRACT if subtract else Combine.ADD
        return self.apply(masks.lasso(self.mask, points, how), "Lasso")

    def wand(
        self, at: Point, tolerance: int, contiguous: bool, subtract: bool = False
    ) -> Box | None:
        how = Combine.SUBTRACT if subtract else Combine.ADD
        new = masks.magic_wand(self.mask, self.image, at, tolerance, contiguous, how)
        return self.apply(new, "Magic wand")

    def contour_at(self, at: Point) -> Contour | None:
        return masks.contour_at(self.contours, at)

    def drop_contour_at(self, at: Point) -> Box | None:
        """Drop the shape (or fill the hole) under `at`; None when there is none."""
        contour = self.contour_at(at)
        if contour is None:
            return None
        label = "Fill hole" if contour.is_hole else "Drop shape"
        return self.apply(masks.drop_contour(self.mask, contour, self._threshold), label)

    def keep_contour_at(self, at: Point) -> Box | None:
        """Keep only the shape under `at`."""
        contour = self.contour_at(at)
        if contour is None:
            return None
        return self.apply(masks.keep_contour(self.mask, self.contours, contour), "Keep shape")

    def fill_holes(self) -> Box | None:
        return self.apply(masks.fill_holes(self.mask, self._threshold), "Fill holes")

    def remove_islands(self, min_area: int) -> Box | None:
        new = masks.remove_islands(self.mask, min_area, self._threshold)
        return self.apply(new, "Remove islands")

    def grow(self, px: int) -> Box | None:
        return self.apply(masks.grow(self.mask, px), "Grow")

    def shrink(self, px: int) -> Box | None:
        return self.apply(masks.shrink(self.mask, px), "Shrink")

    def smooth(self, radius: float) -> Box | None:
        return self.apply(masks.smooth(self.mask, radius), "Smooth")

    def feather(self, radius: float) -> Box | None:
        return self.apply(masks.feather(self.mask, radius), "Feather")

    def reset_to(self, mask: np.ndarray, label: str) -> Box | None:
        """Replace the whole mask (an automatic cut-out, a saved version) as an undoable step."""
        return self.apply(mask, label)

    # -- undo / redo ----------------------------------------------------------------------------

    def undo(self) -> Box | None:
        self.end_stroke()
        box = self.history.undo()
        if box is not None:
            self._after_change(box)
        return box

    def redo(self) -> Box | None:
        self.end_stroke()
        box = self.history.redo()
        if box is not None:
            self._after_change(box)
        return box

    # -- plumbing -------------------------------------------------------------------------------

    def _invalidate_contours(self) -> None:
        self._contours = None
        self.contours_changed.emit()

    def _after_change(self, box: Box) -> None:
        self.mask_changed.emit(box)
        self._invalidate_contours()
        self._emit_history()

    def _emit_history(self) -> None:
        self.history_changed.emit()
        dirty = self.history.modified
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)
