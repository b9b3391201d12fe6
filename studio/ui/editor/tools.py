"""The editor's tools and their settings: plain data the palette edits and the canvas reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class Tool(enum.StrEnum):
    BRUSH = "brush"
    ERASER = "eraser"
    LASSO = "lasso"
    WAND = "wand"
    CONTOURS = "contours"


#: Single-key shortcuts, as the palette shows them in tooltips.
TOOL_KEYS: dict[Tool, str] = {
    Tool.BRUSH: "B",
    Tool.ERASER: "E",
    Tool.LASSO: "L",
    Tool.WAND: "W",
    Tool.CONTOURS: "C",
}

TOOL_TITLES: dict[Tool, str] = {
    Tool.BRUSH: "Brush",
    Tool.ERASER: "Eraser",
    Tool.LASSO: "Lasso",
    Tool.WAND: "Magic wand",
    Tool.CONTOURS: "Contours",
}

TOOL_HINTS: dict[Tool, str] = {
    Tool.BRUSH: "Paint the cut-out; right button erases.",
    Tool.ERASER: "Erase; right button paints.",
    Tool.LASSO: "Drag around an area to add it; right button or Alt subtracts.",
    Tool.WAND: "Click a colour to add similar pixels; right button or Alt subtracts.",
    Tool.CONTOURS: "Click a shape to drop it (a hole: fill it); Shift+click keeps only that shape.",
}

MIN_BRUSH = 1.0
MAX_BRUSH = 500.0


@dataclass(frozen=True)
class ToolSettings:
    """Everything a tool needs besides the mouse."""

    tool: Tool = Tool.BRUSH
    brush_size: float = 24.0  # diameter in image pixels
    hardness: float = 0.8
    wand_tolerance: int = 32
    wand_contiguous: bool = True
    contour_threshold: int = 128
    overlay_opacity: float = 0.5  # how strongly removed parts of the image still show

    def with_changes(self, **changes: object) -> ToolSettings:
        return replace(self, **changes)

    def resized(self, step: int) -> ToolSettings:
        """The brush one step bigger (+1) or smaller (-1): ~15 % a step, at least 1 px."""
        size = self.brush_size
        factor = 1.15 if step > 0 else 1 / 1.15
        new = size * factor
        if abs(new - size) < 1:
            new = size + (1 if step > 0 else -1)
        return replace(self, brush_size=float(min(MAX_BRUSH, max(MIN_BRUSH, round(new)))))
