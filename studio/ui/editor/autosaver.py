"""Scheduling the editor's autosave: every couple of seconds, if the mask changed, a snapshot
is written by `AutosaveStore` on a worker thread (in order, one at a time); the file goes away
when nothing is unsaved. A crash loses at most the interval plus the moment a write takes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QTimer, Signal

from studio.ui.editor.autosave import AutosaveStore
from studio.ui.editor.document import MaskDocument
from studio.ui.tasks import TaskRunner

AUTOSAVE_INTERVAL_MS = 2_000


class Autosaver(QObject):
    #: A write failed (disk full, permissions): a line for the status bar.
    failed = Signal(str)

    def __init__(
        self, document: MaskDocument, store: AutosaveStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.store = store
        self.candidate_id: int | None = None
        self.base_cutout_id: int | None = None  # the saved version the edits start from
        self._serial = 0  # bumped on every history change
        self._written_serial = 0
        # One thread: the writes happen in order and never overtake each other.
        self._tasks = TaskRunner(self, threads=1)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.timer.timeout.connect(self.write_if_changed)
        document.history_changed.connect(self._on_history)

    def start(self, candidate_id: int, base_cutout_id: int | None) -> None:
        """Follow this candidate from now on (its document was just loaded)."""
        self.candidate_id = candidate_id
        self.base_cutout_id = base_cutout_id
        self._written_serial = self._serial
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_history(self) -> None:
        self._serial += 1

    def write_if_changed(self) -> None:
        """Write the working mask if it changed since the last write (on the worker thread);
        remove the autosave when there is nothing unsaved."""
        if self.candidate_id is None or self.document.in_stroke:
            return
        if self._serial == self._written_serial:
            return
        if not self.document.dirty:
            self.clear()
            return
        self._written_serial = self._serial
        candidate_id, base, store = self.candidate_id, self.base_cutout_id, self.store
        mask = self.document.mask.copy()  # a snapshot: later strokes do not race the write
        self._tasks.submit(
            lambda _c: store.write(candidate_id, mask, base),
            on_error=lambda failure: self.failed.emit(failure.message),
            what="the autosave",
        )

    def flush(self, msecs: int = 10_000) -> None:
        """Write now if needed and wait until every write is on disk."""
        self.write_if_changed()
        self.wait(msecs)

    def clear(self) -> None:
        """Remove this candidate's autosave (after Save or Discard)."""
        if self.candidate_id is None:
            return
        candidate_id, store = self.candidate_id, self.store
        self._written_serial = self._serial
        self._tasks.submit(lambda _c: store.clear(candidate_id), what="removing the autosave")

    def wait(self, msecs: int = 10_000) -> None:
        self._tasks.wait(msecs)

    def recover(self, candidate_id: int) -> str | None:
        """Apply the candidate's autosaved mask to the (just loaded) document as an undoable
        step; returns the time it was written, or None when there was nothing to recover."""
        self.wait()  # a write for this candidate may still be running
        found = self.store.read(candidate_id)
        if found is None:
            return None
        if found.mask.shape != self.document.mask.shape:
            self.store.clear(candidate_id)
            return None
        if self.document.reset_to(found.mask, "Recover unsaved edits") is None:
            self.store.clear(candidate_id)  # identical to the saved mask: nothing to recover
            return None
        self._written_serial = self._serial  # the file already holds exactly this
        return dt.datetime.fromtimestamp(found.saved_at).strftime("%H:%M:%S")
