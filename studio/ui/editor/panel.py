"""The mask editor panel: canvas, tool palette, sticker preview, versions, save and autosave.

The window embeds one `MaskEditorPanel`, calls `load(candidate_id)` to edit a candidate's
cut-out, and `maybe_save()` before switching away or closing. Signals:

- `saved(candidate_id, cutout_id)`: a new cut-out version was written by Save.
- `cutout_changed(candidate_id, cutout_id)`: the current version changed (Save or Restore);
  galleries showing the cut-out refresh on this one.
- `dirty_changed(bool)`: unsaved edits appeared / went away.
- `status_message(str)`: a line for the status bar.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.errors import StudioError
from studio.library import Cutout, CutoutMethod, Library
from studio.masks import Box, MaskError
from studio.segment.enclosed_white import HALF_CUT_OUT, MAY_BE_SEE_THROUGH
from studio.ui.editor.autosave import AutosaveStore
from studio.ui.editor.autosaver import Autosaver
from studio.ui.editor.canvas import MaskCanvas
from studio.ui.editor.cutout_source import AutoCutout, AutoCutouts
from studio.ui.editor.document import MaskDocument
from studio.ui.editor.loading import fit_mask, read_mask, read_picture
from studio.ui.editor.palette import ToolPalette
from studio.ui.editor.preview import StickerPreview
from studio.ui.editor.tools import TOOL_HINTS, TOOL_KEYS, TOOL_TITLES, Tool, ToolSettings
from studio.ui.editor.versions import VersionList
from studio.ui.tasks import TaskFailure, TaskRunner

log = logging.getLogger(__name__)


def _review_note(review: str | None) -> str:
    """What the status line adds for an automatic cut-out flagged for review, with the fix for
    a white region that may be a hole or is half cut; nothing when it is not flagged."""
    if not review:
        return ""
    wand = TOOL_TITLES[Tool.WAND].lower()
    note = f" Flagged for review: {review}."
    if MAY_BE_SEE_THROUGH in review:
        note += f" If it is a hole, Alt+click it with the {wand}."
    if HALF_CUT_OUT in review:
        note += f" Click a half-cut region with the {wand} if it is paint, Alt+click it if a hole."
    return note


class MaskEditorPanel(QWidget):
    saved = Signal(int, int)
    cutout_changed = Signal(int, int)
    dirty_changed = Signal(bool)
    status_message = Signal(str)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        autosave: AutosaveStore | None = None,
        segmenter_factory: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        store = autosave or AutosaveStore()
        self.candidate_id: int | None = None
        self._cutout_tasks = TaskRunner(self, threads=1)  # automatic cut-outs (torch there)
        # The window may share its segmenter factory; by default Segmenter.default().
        self.cutouts = AutoCutouts(segmenter_factory)
        self._automatic: AutoCutout | None = None  # the last automatic cut-out computed
        self._shut_down = False  # answers arriving after the window closed are dropped

        self.document = MaskDocument(self)
        self.canvas = MaskCanvas(self.document, self)
        self.palette = ToolPalette(ToolSettings(), self)
        self.preview = StickerPreview(self)
        self._build_layout()
        self._connect()
        self._install_shortcuts()
        self.canvas.set_settings(self.palette.settings)

        self.autosaver = Autosaver(self.document, store, self)
        self.autosaver.failed.connect(self._say)
        self._set_enabled(False)

    # -- construction ---------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.undo_button = QPushButton("Undo", self)
        self.redo_button = QPushButton("Redo", self)
        self.save_button = QPushButton("Save", self)
        self.save_button.setToolTip("Save the mask as a new cut-out version (Ctrl+S)")
        self.fit_button = QPushButton("Fit", self)
        self.fit_button.setToolTip("Show the whole picture (Ctrl+0)")
        self.actual_button = QPushButton("100 %", self)
        self.actual_button.setToolTip("One picture pixel per screen pixel (1)")
        self.zoom_label = QLabel("100 %", self)
        self.reset_button = QToolButton(self)
        self.reset_button.setText("Reset to…")
        self.reset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.reset_button)
        menu.addAction("Automatic cut-out", self.reset_to_automatic)
        menu.addAction("Contour cut-out", self.reset_to_contour)
        menu.addAction("First saved version", self.reset_to_first_version)
        self.reset_button.setMenu(menu)

        top = QHBoxLayout()
        for widget in (self.undo_button, self.redo_button, self.reset_button):
            top.addWidget(widget)
        top.addStretch(1)
        for widget in (self.fit_button, self.actual_button, self.zoom_label, self.save_button):
            top.addWidget(widget)

        self.versions = VersionList(self)
        self.restore_button = self.versions.restore_button
        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)

        right = QVBoxLayout()
        right.addWidget(self.preview)
        right.addWidget(self.versions, 1)

        middle = QHBoxLayout()
        middle.addWidget(self.palette)
        middle.addWidget(self.canvas, 1)
        middle.addLayout(right)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)  # the gallery's and the pack's margins
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.status_label)

    def _connect(self) -> None:
        doc = self.document
        doc.history_changed.connect(self._on_history)
        doc.dirty_changed.connect(self._on_dirty)
        doc.mask_changed.connect(self._on_mask_changed)
        self.palette.settings_changed.connect(self._on_settings)
        self.palette.background_changed.connect(self.canvas.set_background)
        self.palette.fill_holes_requested.connect(lambda: self._run(doc.fill_holes))
        self.palette.remove_islands_requested.connect(lambda n: self._run(doc.remove_islands, n))
        self.palette.grow_requested.connect(lambda n: self._run(doc.grow, n))
        self.palette.shrink_requested.connect(lambda n: self._run(doc.shrink, n))
        self.palette.smooth_requested.connect(lambda r: self._run(doc.smooth, r))
        self.palette.feather_requested.connect(lambda r: self._run(doc.feather, r))
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.save_button.clicked.connect(self.save)
        self.fit_button.clicked.connect(self.canvas.fit)
        self.actual_button.clicked.connect(self.canvas.actual_size)
        self.canvas.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))
        self.canvas.message.connect(self._say)
        self.versions.restore_requested.connect(self._restore_requested)
        self.versions.nothing_selected.connect(lambda: self._say("Pick a version to restore."))

    def _install_shortcuts(self) -> None:
        def add(keys: QKeySequence | str, handler) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            # Only while the editor (or one of its children) has focus: the window has its own
            # single-key shortcuts for the gallery.
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(handler)

        for tool, key in TOOL_KEYS.items():
            add(key, lambda t=tool: self.set_tool(t))
        add("[", lambda: self.change_brush_size(-1))
        add("]", lambda: self.change_brush_size(+1))
        add(QKeySequence.StandardKey.Undo, self.undo)
        add("Ctrl+Shift+Z", self.redo)
        add("Ctrl+Y", self.redo)
        add(QKeySequence.StandardKey.Save, self.save)
        add("Ctrl+0", self.canvas.fit)
        add("1", self.canvas.actual_size)  # the window uses Ctrl+1 / Ctrl+2 for its tabs
        add(QKeySequence.StandardKey.ZoomIn, lambda: self.canvas.zoom_by(1))
        add(QKeySequence.StandardKey.ZoomOut, lambda: self.canvas.zoom_by(-1))

    # -- public API -----------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.candidate_id is not None and self.document.dirty

    def open_candidate(self, candidate_id: int) -> bool:
        """Open the editor on a candidate, asking about unsaved edits of the one open first.
        False when the user chose to stay, or when the candidate's row or picture is damaged
        or gone (the status line says so)."""
        if self.candidate_id != candidate_id:
            if not self.maybe_save():
                return False
            try:
                self.load(candidate_id)
            except StudioError as exc:
                log.warning("Cannot edit candidate %d: %s", candidate_id, exc)
                self._say(str(exc))
                return False
        self.setFocus()
        return True

    def load(self, candidate_id: int, mask: np.ndarray | None = None) -> None:
        """Edit this candidate's cut-out: `mask` when given, else its current saved version,
        else its own transparency, else its automatic cut-out, computed now off the UI thread
        and stored as its first version (as a kept candidate's would be); the mask is empty
        until it arrives. Unsaved edits found in the autosave folder are recovered (as an
        undoable step, so the document shows as modified).

        Does not ask about unsaved edits of the previous candidate: call `maybe_save()` first.
        """
        if self.candidate_id is not None and self.document.dirty:
            self.autosaver.flush()  # keep the very latest edits of the one we leave
        candidate = self.library.candidate(candidate_id)
        rgb, alpha = read_picture(self.library.abspath(candidate.image_path))
        size = (rgb.shape[1], rgb.shape[0])
        current = self.library.current_cutout(candidate_id)
        needs_automatic = False
        if mask is not None:
            start = fit_mask(np.asarray(mask, dtype=np.uint8), size)
        elif current is not None:
            start = read_mask(self.library.abspath(current.mask_path), size)
        elif alpha is not None:
            start = alpha
        else:
            start = np.zeros((rgb.shape[0], rgb.shape[1]), np.uint8)
            needs_automatic = True
        self.candidate_id = candidate_id
        self._automatic = None
        self.document.load(rgb, start)
        self.autosaver.start(candidate_id, current.id if current else None)
        recovered_at = self.autosaver.recover(candidate_id)
        self.preview.set_source(self.document.image, self.document.mask)
        self._refresh_versions()
        self._set_enabled(True)
        self._on_history()
        self.dirty_changed.emit(self.document.dirty)
        title = candidate.prompt or f"candidate {candidate_id}"
        note = f"Editing {title} ({size[0]}x{size[1]})."
        if current is not None and not current.edited:
            note += _review_note(current.review)
        if recovered_at:
            note += f" Recovered unsaved edits from {recovered_at}; save to keep them."
        self._say(note)
        if needs_automatic and not recovered_at:
            self._start_cutout("automatic", self.cutouts.automatic, opening=True)

    def save(self) -> Cutout | None:
        """Store the working mask as a new, current cut-out version (method "manual").

        Returns None (and says why on the status line) when nothing is loaded or the write
        failed; the edits are kept."""
        if self.candidate_id is None:
            return None
        self.document.end_stroke()
        image = Image.fromarray(self.document.mask.copy(), "L")
        method, confidence, edited, review = self._saved_as()
        try:
            cutout = self.library.add_cutout(
                self.candidate_id,
                image,
                method,
                confidence=confidence,
                edited=edited,
                review=review,
            )
        except (OSError, StudioError) as exc:
            # Disk full, folder gone, library locked: the edits stay here and in the autosave.
            log.error("saving the mask failed: %s", exc)
            self.autosaver.flush()
            self._say(f"Could not save the mask ({exc}). Your edits are kept; try again.")
            return None
        self.autosaver.base_cutout_id = cutout.id
        self.document.mark_saved()
        self.autosaver.clear()
        self._refresh_versions()
        self._say(f"Saved as version {cutout.version}")
        self.saved.emit(self.candidate_id, cutout.id)
        self.cutout_changed.emit(self.candidate_id, cutout.id)
        return cutout

    def _saved_as(self) -> tuple[CutoutMethod, float | None, bool, str | None]:
        """How the working mask is labelled when saved (method, confidence, edited, review):
        as the automatic cut-out it is, review note and all, when it is still exactly that (a
        reset to automatic, then Save), else as edited by hand (a person has looked at it)."""
        auto = self._automatic
        if auto is not None and np.array_equal(auto.mask, self.document.mask):
            return CutoutMethod(auto.method), auto.confidence, False, auto.review
        return CutoutMethod.MANUAL, None, True, None

    def maybe_save(self) -> bool:
        """Before closing or switching: True when it is fine to go on (saved, discarded, or
        nothing to save), False when the user chose to stay."""
        if not self.dirty:
            return True
        answer = self._ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save() is not None
        if answer == QMessageBox.StandardButton.Discard:
            self.discard()
            return True
        return False

    def discard(self) -> None:
        """Throw the unsaved edits away: back to the last saved state, autosave removed."""
        if self.candidate_id is None:
            return
        while self.document.dirty and self.document.history.can_undo:
            self.document.undo()
        if self.document.dirty:
            # The saved state fell off the undo stack (an edit after undoing past a save):
            # take it from the library instead.
            current = self.library.current_cutout(self.candidate_id)
            if current is not None:
                mask = read_mask(self.library.abspath(current.mask_path), self.document.size)
                self.document.reset_to(mask, "Discard edits")
        self.autosaver.clear()
        self.document.mark_saved()

    def restore_version(self, cutout_id: int) -> Cutout:
        """Make a saved version current again (as a new version in the library) and edit it.

        The edits made so far stay on the undo stack."""
        restored = self.library.restore_cutout(cutout_id)
        if self.candidate_id is None or restored.candidate_id != self.candidate_id:
            return restored
        mask = read_mask(self.library.abspath(restored.mask_path), self.document.size)
        self.document.reset_to(mask, f"Restore version {self._version_of(cutout_id)}")
        self.autosaver.base_cutout_id = restored.id
        self.document.mark_saved()
        self.autosaver.clear()
        self._refresh_versions()
        self._say(f"Restored version {self._version_of(cutout_id)} as v{restored.version}")
        self.cutout_changed.emit(restored.candidate_id, restored.id)
        return restored

    def set_tool(self, tool: Tool) -> None:
        self._apply_settings(self.palette.settings.with_changes(tool=Tool(tool)))
        self._say(f"{TOOL_TITLES[Tool(tool)]}: {TOOL_HINTS[Tool(tool)]}")

    def change_brush_size(self, step: int) -> None:
        self._apply_settings(self.palette.settings.resized(step))

    def undo(self) -> None:
        if self.document.undo() is None:
            self._say("Nothing to undo")

    def redo(self) -> None:
        if self.document.redo() is None:
            self._say("Nothing to redo")

    # -- resets ---------------------------------------------------------------------------------

    def reset_to_automatic(self) -> None:
        """Replace the mask with the segmenter's cut-out, computed off the UI thread."""
        self._start_cutout("automatic", self.cutouts.automatic)

    def reset_to_contour(self) -> None:
        self._start_cutout("contour", self.cutouts.contour)

    def reset_to_first_version(self) -> bool:
        """Replace the mask with the candidate's first saved cut-out; False when it has none."""
        if self.candidate_id is None:
            return False
        history = self.library.cutout_history(self.candidate_id)
        if not history:
            self._say("This candidate has no saved cut-out to reset to.")
            return False
        first = history[0]
        mask = read_mask(self.library.abspath(first.mask_path), self.document.size)
        self.document.reset_to(mask, "Reset to first version")
        self._say(f"Reset to version {first.version} ({first.method})")
        return True

    def _start_cutout(self, kind: str, fn, opening: bool = False) -> None:  # noqa: ANN001
        if self.candidate_id is None:
            return
        rgb = self.document.image
        self.reset_button.setEnabled(False)
        self._say(f"Computing the {kind} cut-out…")
        tag = (kind, self.candidate_id, opening)
        self._cutout_tasks.submit(
            lambda _c: fn(rgb),
            on_result=lambda result: self._on_cutout_done(tag, result),
            on_error=lambda failure: self._on_cutout_failed(tag, failure),
            what=f"the {kind} cut-out",
        )

    def _on_cutout_done(self, tag: tuple[str, int, bool], result: object) -> None:
        self.reset_button.setEnabled(True)
        kind, candidate_id, opening = tag
        if self._shut_down:
            return
        if candidate_id != self.candidate_id or not isinstance(result, AutoCutout):
            return  # the user moved on to another candidate
        mask = fit_mask(result.mask, self.document.size)
        result = dataclasses.replace(result, mask=mask)
        confidence = "" if result.confidence is None else f", confidence {result.confidence:.2f}"
        if opening:
            self._open_with_automatic(result, confidence)
            return
        self._automatic = result
        self.document.reset_to(mask, f"Reset to {kind} cut-out")
        self._say(
            f"Reset to the {kind} cut-out ({result.method}{confidence})."
            + _review_note(result.review)
        )

    def _open_with_automatic(self, result: AutoCutout, confidence: str) -> None:
        """The automatic cut-out of a candidate that had none: stored as its first version and
        edited from there, unless the user already started drawing (then it is only offered)."""
        if self.document.dirty or self.document.history.can_undo:
            self._automatic = result
            self._say("The automatic cut-out is ready: Reset ▸ Automatic cut-out uses it.")
            return
        self._automatic = result
        self.document.reset_to(result.mask, "Automatic cut-out")
        saved = self.save()
        if saved is None:
            return  # the library cannot be written: the mask stays, unsaved, and it says why
        self._say(
            f"Automatic cut-out ({result.method}{confidence}), saved as version {saved.version}."
            + _review_note(result.review)
        )

    def _on_cutout_failed(self, tag: tuple[str, int, bool], failure: TaskFailure) -> None:
        self.reset_button.setEnabled(True)
        kind, candidate_id, _opening = tag
        message = failure.message
        if self._shut_down or candidate_id != self.candidate_id:
            return
        log.warning("%s cut-out failed: %s", kind, message)
        if self.reset_to_first_version():
            self._say(
                f"The {kind} cut-out is not available ({message}); reset to the first "
                "saved version instead."
            )
        elif kind == "automatic":
            # Nothing saved to fall back on: the contour method needs no model.
            self._say(f"The automatic cut-out is not available ({message}); using contours.")
            self.reset_to_contour()
        else:
            self._say(f"The {kind} cut-out is not available: {message}")

    def wait_for_background_work(self, msecs: int = 30_000) -> None:
        """Block until autosave writes and cut-outs finish (closing, tests)."""
        self.autosaver.wait(msecs)
        self._cutout_tasks.wait(msecs)
        self.preview.wait_idle(msecs)

    # -- autosave -------------------------------------------------------------------------------

    @property
    def autosave(self) -> AutosaveStore:
        """Where unsaved edits are kept between autosaves."""
        return self.autosaver.store

    def autosave_now(self) -> None:
        """Write the working mask to the autosave folder now if it changed (worker thread)."""
        self.autosaver.write_if_changed()

    # -- reactions ------------------------------------------------------------------------------

    def _run(self, operation, *args) -> None:
        if self.candidate_id is None:
            return
        try:
            if operation(*args) is None:
                self._say("No change")
        except MaskError as exc:
            self._say(str(exc))

    def _on_settings(self, settings: ToolSettings) -> None:
        self.canvas.set_settings(settings)

    def _apply_settings(self, settings: ToolSettings) -> None:
        self.palette.set_settings(settings)
        self.canvas.set_settings(settings)

    def _on_history(self) -> None:
        history = self.document.history
        self.undo_button.setEnabled(history.can_undo)
        self.redo_button.setEnabled(history.can_redo)
        self.undo_button.setToolTip(f"Undo {history.undo_label or ''} (Ctrl+Z)")
        self.redo_button.setToolTip(f"Redo {history.redo_label or ''} (Ctrl+Shift+Z)")

    def _on_dirty(self, dirty: bool) -> None:
        self.save_button.setText("Save*" if dirty else "Save")
        self.dirty_changed.emit(dirty)

    def _on_mask_changed(self, _box: Box) -> None:
        self.preview.schedule()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.canvas,
            self.palette,
            self.save_button,
            self.reset_button,
            self.restore_button,
            self.fit_button,
            self.actual_button,
        ):
            widget.setEnabled(enabled)

    def _refresh_versions(self) -> None:
        history = (
            [] if self.candidate_id is None else self.library.cutout_history(self.candidate_id)
        )
        self.versions.show_history(history)

    def _restore_requested(self, cutout_id: int) -> None:
        try:
            self.restore_version(cutout_id)
        except StudioError as exc:
            self._say(str(exc))

    def _version_of(self, cutout_id: int) -> int | str:
        if self.candidate_id is None:
            return "?"
        for cutout in self.library.cutout_history(self.candidate_id):
            if cutout.id == cutout_id:
                return cutout.version
        return "?"

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        return QMessageBox.question(
            self,
            "Unsaved mask",
            "The mask has unsaved edits. Save them as a new cut-out version?",
            buttons,
            QMessageBox.StandardButton.Save,
        )

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_message.emit(text)

    def shutdown(self, cutout_wait_ms: int = 30_000) -> bool:
        """Stop timers and finish background writes (the window calls this when closing,
        after `maybe_save`). An automatic cut-out still computing is waited for at most
        `cutout_wait_ms` (nothing is lost: it was not saved yet); False when it still runs."""
        self._shut_down = True
        self.autosaver.stop()
        if self.dirty:
            self.autosaver.flush()
        self.preview.shutdown()
        self.autosaver.wait()  # the user's edits: always written before the window goes
        return self._cutout_tasks.close(cutout_wait_ms)
