"""The window's handle on the background cut-outs: one background task at a time drains the
queue (`studio.jobs.cutouts`), reporting each candidate as it is stored, so the status bar
counts down and the gallery's badges appear one by one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.jobs.cutouts import (
    CutoutFailed,
    CutoutMaker,
    CutoutOutcome,
    CutoutQueue,
    CutoutStored,
    CutoutsUnavailable,
    default_segmenter,
)
from studio.library import CandidateStatus, Library
from studio.paths import StudioPaths
from studio.ui.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger(__name__)


class CutoutRunner(QObject):
    """Cuts queued candidates out in the background, one at a time."""

    done = Signal(int)  # candidate id: its cut-out is stored
    failed = Signal(int, str)  # candidate id, message
    unavailable = Signal(str)  # the segmenter cannot be loaded at all (said once)
    idle = Signal()
    remaining_changed = Signal(int)  # cut-outs queued or running: the window shows the count

    def __init__(
        self,
        paths: StudioPaths,
        segmenter_factory: Callable[[], Any] = default_segmenter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._queue = CutoutQueue()
        self._maker = CutoutMaker(paths, segmenter_factory)
        self._tasks = TaskRunner(self, threads=1)
        self._drain: Task | None = None
        self._told_unavailable = False
        self._stopped = False

    def cut(self, candidate_ids: Iterable[int]) -> None:
        """Queue candidates for a cut-out (those that have one already are skipped)."""
        if self._queue.add(candidate_ids):
            self._report_remaining()
            self._start_drain()

    def resume(self, library: Library) -> int:
        """Queue the kept candidates that have no cut-out yet; returns how many."""
        kept = [c.id for c in library.candidates(statuses=[CandidateStatus.KEPT], sort="time")]
        have = library.current_cutouts(kept)
        todo = [cid for cid in kept if cid not in have]
        self.cut(todo)
        return len(todo)

    def pending(self) -> int:
        """Cut-outs queued, not started."""
        return self._queue.pending()

    def remaining(self) -> int:
        """Cut-outs queued or running."""
        return self._queue.remaining()

    def request_stop(self) -> None:
        """Stop after the cut-out in progress, without waiting; the rest stays to do."""
        self._stopped = True
        if self._drain is not None:
            self._drain.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop and wait up to `timeout_ms`; False when a cut-out (or the model's first load)
        is still running (the application then exits without waiting for it)."""
        self.request_stop()
        stopped = self._tasks.close(timeout_ms)
        if not stopped:
            log.info("The cut-outs are still busy %d ms after the stop", timeout_ms)
        self.blockSignals(True)
        return stopped

    def _start_drain(self) -> None:
        if self._drain is not None or self._stopped:
            return  # the running drain takes the new ids too
        self._drain = self._tasks.submit(
            self._drain_queue,
            on_progress=self._on_outcome,
            on_result=lambda _r: self._drained(),
            on_cancelled=self._drained,
            what="the cut-outs",
        )

    def _drain_queue(self, control: TaskControl) -> None:
        # On the pool thread: the maker's library connection is opened and closed here.
        try:
            while not control.should_stop():
                cid = self._queue.take()
                if cid is None:
                    return
                try:
                    outcome = self._maker.cut(cid)
                finally:
                    self._queue.done(cid)
                control.report(outcome)
        finally:
            self._maker.close()

    def _on_outcome(self, outcome: CutoutOutcome) -> None:
        match outcome:
            case CutoutStored(candidate_id=cid):
                self.done.emit(cid)
            case CutoutFailed(candidate_id=cid, message=message):
                self.failed.emit(cid, message)
            case CutoutsUnavailable(message=message) if not self._told_unavailable:
                self._told_unavailable = True
                self.unavailable.emit(message)
        self._report_remaining()

    def _drained(self) -> None:
        self._drain = None
        if self._queue.pending() and not self._stopped:
            self._start_drain()  # ids queued while the last one finished
            return
        self._report_remaining()
        self.idle.emit()

    def _report_remaining(self) -> None:
        self.remaining_changed.emit(self._queue.remaining())
