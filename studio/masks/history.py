"""Undo and redo for a mask: every edit is kept as the box of pixels it changed, compressed.

A brush stroke on a 1024 px mask changes a small box; storing that box's before and after
pixels (zlib, which shrinks flat mask areas to almost nothing) keeps hundreds of steps in a few
megabytes, so there is no small fixed limit, only a memory budget that drops the oldest steps.
Redo survives undo and is discarded by the next new edit.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from studio.masks.errors import MaskError
from studio.masks.geometry import Box, changed_box, check_mask

#: Oldest steps are dropped only past this many bytes of stored changes.
DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class MaskChange:
    """One undoable step: `box` and its pixels before and after, zlib-compressed."""

    label: str
    box: Box
    before: bytes
    after: bytes

    @property
    def nbytes(self) -> int:
        return len(self.before) + len(self.after)

    @staticmethod
    def between(label: str, before: np.ndarray, after: np.ndarray, box: Box) -> MaskChange:
        return MaskChange(
            label,
            box,
            zlib.compress(np.ascontiguousarray(before[box.slices]).tobytes(), 1),
            zlib.compress(np.ascontiguousarray(after[box.slices]).tobytes(), 1),
        )

    def patch(self, which: str) -> np.ndarray:
        data = zlib.decompress(self.before if which == "before" else self.after)
        return np.frombuffer(data, dtype=np.uint8).reshape(self.box.height, self.box.width)


class MaskHistory:
    """The working mask and its undo / redo stacks.

    Change the mask either as a whole (`apply(new_mask, label)`) or, for strokes, in place:
    `begin(label)`, write into `mask` and report each dirty box with `touch(box)`, then `end()`.
    """

    def __init__(self, mask: np.ndarray, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._mask = check_mask(mask).copy()
        self._undo: list[MaskChange] = []
        self._redo: list[MaskChange] = []
        self._budget = budget_bytes
        self._stored = 0
        # Position in the undo stack that matches the saved file; None when unreachable.
        self._saved_at: int | None = 0
        self._stroke_label: str | None = None
        self._stroke_before: np.ndarray | None = None
        self._stroke_box: Box | None = None

    # -- state ----------------------------------------------------------------------------------

    @property
    def mask(self) -> np.ndarray:
        """The current mask. Write into it only between `begin` and `end`."""
        return self._mask

    @property
    def shape(self) -> tuple[int, int]:
        return self._mask.shape  # type: ignore[return-value]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    @property
    def undo_depth(self) -> int:
        return len(self._undo)

    @property
    def redo_depth(self) -> int:
        return len(self._redo)

    @property
    def stored_bytes(self) -> int:
        """Bytes held by the compressed changes on both stacks."""
        return self._stored

    @property
    def in_stroke(self) -> bool:
        return self._stroke_label is not None

    @property
    def modified(self) -> bool:
        """Whether the mask differs from the last state passed to `mark_saved`."""
        return self._saved_at != len(self._undo)

    def mark_saved(self) -> None:
        """Remember the current state as the saved one."""
        self._saved_at = len(self._undo)

    def load(self, mask: np.ndarray) -> None:
        """Start over with a new mask and empty stacks (a fresh document, not an edit)."""
        self._abort_stroke()
        self._mask = check_mask(mask).copy()
        self._undo.clear()
        self._redo.clear()
        self._stored = 0
        self._saved_at = 0

    # -- edits ----------------------------------------------------------------------------------

    def apply(self, new_mask: np.ndarray, label: str) -> Box | None:
        """Replace the mask with `new_mask` as one undoable step; returns the changed box."""
        check_mask(new_mask)
        if new_mask.shape != self._mask.shape:
            raise MaskError(
                f"The new mask is {new_mask.shape[1]}x{new_mask.shape[0]} but the image is "
                f"{self._mask.shape[1]}x{self._mask.shape[0]}."
            )
        if self.in_stroke:
            self.end()
        box = changed_box(self._mask, new_mask)
        if box is None:
            return None
        self._push(MaskChange.between(label, self._mask, new_mask, box))
        self._mask[box.slices] = new_mask[box.slices]
        return box

    def begin(self, label: str) -> None:
        """Start an in-place edit (a stroke) that becomes one undo step at `end`."""
        if self.in_stroke:
            self.end()
        self._stroke_label = label
        self._stroke_before = self._mask.copy()
        self._stroke_box = None

    def touch(self, box: Box | None) -> None:
        """Report pixels written into `mask` during the current stroke."""
        if not self.in_stroke:
            raise MaskError("touch() was called outside begin() / end().")
        if box is not None:
            self._stroke_box = box.union(self._stroke_box)

    def end(self) -> Box | None:
        """Finish the stroke; returns the box it changed (None when nothing changed)."""
        if not self.in_stroke:
            return None
        label, before, touched = self._stroke_label, self._stroke_before, self._stroke_box
        self._stroke_label = self._stroke_before = self._stroke_box = None
        assert label is not None and before is not None
        if touched is None:
            return None
        box = changed_box(before, self._mask, touched)
        if box is not None:
            self._push(MaskChange.between(label, before, self._mask, box))
        return box

    def cancel(self) -> Box | None:
        """Drop the current stroke, restoring the mask as it was at `begin`."""
        box = self._stroke_box
        self._abort_stroke()
        return box

    def _abort_stroke(self) -> None:
        if self._stroke_before is not None and self._stroke_box is not None:
            s = self._stroke_box.slices
            self._mask[s] = self._stroke_before[s]
        self._stroke_label = self._stroke_before = self._stroke_box = None

    def _push(self, change: MaskChange) -> None:
        for dropped in self._redo:
            self._stored -= dropped.nbytes
        self._redo.clear()
        if self._saved_at is not None and self._saved_at > len(self._undo):
            self._saved_at = None  # the saved state was on the redo stack; it is gone now
        self._undo.append(change)
        self._stored += change.nbytes
        while self._stored > self._budget and len(self._undo) > 1:
            oldest = self._undo.pop(0)
            self._stored -= oldest.nbytes
            if self._saved_at is not None:
                self._saved_at = self._saved_at - 1 if self._saved_at > 0 else None

    # -- undo / redo ----------------------------------------------------------------------------

    def undo(self) -> Box | None:
        """Step back; returns the box that changed, or None when there is nothing to undo."""
        if self.in_stroke:
            self.end()
        if not self._undo:
            return None
        change = self._undo.pop()
        self._mask[change.box.slices] = change.patch("before")
        self._redo.append(change)
        return change.box

    def redo(self) -> Box | None:
        """Step forward again; returns the changed box, or None when there is nothing to redo."""
        if self.in_stroke:
            self.end()
        if not self._redo:
            return None
        change = self._redo.pop()
        self._mask[change.box.slices] = change.patch("after")
        self._undo.append(change)
        return change.box
