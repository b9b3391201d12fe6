"""Mask operations and their undo history, on numpy uint8 masks (0..255, soft edges). Qt-free.

The mask editor calls these; so can scripts. Every operation but the brush returns a new mask;
the brush paints in place and returns the dirty box, because it runs on every mouse move.
"""

from studio.masks.brush import Brush, paint_segment, paint_stroke
from studio.masks.contours import (
    Contour,
    binarize,
    contour_at,
    contour_polylines,
    drop_contour,
    drop_contour_at,
    find_contours,
    keep_contour,
    keep_contour_at,
)
from studio.masks.errors import MaskError
from studio.masks.geometry import DEFAULT_THRESHOLD, Box, changed_box, check_mask
from studio.masks.history import MaskChange, MaskHistory
from studio.masks.morphology import feather, fill_holes, grow, remove_islands, shrink, smooth
from studio.masks.selection import (
    Combine,
    combine,
    lasso,
    magic_wand,
    polygon_selection,
    wand_selection,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "Box",
    "Brush",
    "Combine",
    "Contour",
    "MaskChange",
    "MaskError",
    "MaskHistory",
    "binarize",
    "changed_box",
    "check_mask",
    "combine",
    "contour_at",
    "contour_polylines",
    "drop_contour",
    "drop_contour_at",
    "feather",
    "fill_holes",
    "find_contours",
    "grow",
    "keep_contour",
    "keep_contour_at",
    "lasso",
    "magic_wand",
    "paint_segment",
    "paint_stroke",
    "polygon_selection",
    "remove_islands",
    "shrink",
    "smooth",
    "wand_selection",
]
