"""Cut-outs in the background: every kept candidate gets a mask from `studio.segment`.

One QThread owns the segmenter (a U-Net: a model, loaded once, lazily, in that thread) and its
own `Library`. The runner queues candidate ids, skips those that already have a cut-out, and
reports each result; at start-up it picks up kept candidates a previous session did not finish.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from studio.jobs.threads import outlive_owner
from studio.library import CandidateStatus, CutoutMethod, Library
from studio.paths import StudioPaths

log = logging.getLogger(__name__)


def default_segmenter() -> Any:
    """The shipped segmenter (imports torch: call it in the cut-out thread)."""
    from studio.segment import Segmenter

    return Segmenter.default()


class SharedSegmenter:
    """One segmenter for the whole window (the background cut-outs and the mask editor): the
    model is loaded once, by whichever thread asks first, and used by one thread at a time.
    Pass it where a segmenter factory is wanted: calling it loads the model and returns it."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._segmenter: Any = None

    def __call__(self) -> SharedSegmenter:
        with self._lock:
            if self._segmenter is None:
                self._segmenter = self._factory()  # raises when it cannot be loaded
        return self

    def cutout(self, image: Any) -> Any:
        with self._lock:
            if self._segmenter is None:
                self._segmenter = self._factory()
            return self._segmenter.cutout(image)


class CutoutWorker(QObject):
    done = Signal(int)  # candidate id: its cut-out is stored
    failed = Signal(int, str)  # candidate id, message
    unavailable = Signal(str)  # the segmenter cannot be loaded at all
    idle = Signal()

    def __init__(self, paths: StudioPaths, segmenter_factory: Callable[[], Any]) -> None:
        super().__init__()
        self._paths = paths
        self._factory = segmenter_factory
        self._segmenter: Any = None
        self._broken: str | None = None
        self._library: Library | None = None
        self._lock = threading.Lock()
        self._todo: deque[int] = deque()
        self._queued: set[int] = set()
        self._stop = False

    def enqueue(self, candidate_ids: Iterable[int]) -> bool:
        """Thread-safe; returns True when something new was queued."""
        added = False
        with self._lock:
            for cid in candidate_ids:
                if cid not in self._queued:
                    self._queued.add(cid)
                    self._todo.append(cid)
                    added = True
        return added

    def pending(self) -> int:
        with self._lock:
            return len(self._todo)

    def remaining(self) -> int:
        """Queued or being cut out now (thread-safe)."""
        with self._lock:
            return len(self._queued)

    def stop(self) -> None:
        with self._lock:
            self._stop = True

    @Slot()
    def drain(self) -> None:
        """Cut out everything queued (called through a queued signal, in the worker thread)."""
        while True:
            with self._lock:
                if self._stop or not self._todo:
                    break
                cid = self._todo.popleft()
            try:
                self._cut(cid)
            finally:
                with self._lock:
                    self._queued.discard(cid)
        self.idle.emit()

    @Slot()
    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    def _cut(self, candidate_id: int) -> None:
        from PIL import Image

        if self._library is None:
            self._library = Library(self._paths)
        lib = self._library
        if self._broken is not None:
            return
        if lib.current_cutout(candidate_id) is not None:
            return  # made already (or drawn by hand): never replaced automatically
        try:
            if self._segmenter is None:
                self._segmenter = self._factory()
        except Exception as exc:
            log.exception("The segmenter cannot be loaded")
            self._broken = f"Automatic cut-outs are not available: {exc}"
            self.unavailable.emit(self._broken)
            return
        try:
            candidate = lib.candidate(candidate_id)
            with Image.open(lib.abspath(candidate.image_path)) as image:
                result = self._segmenter.cutout(image.convert("RGB"))
            mask = Image.fromarray(result.mask, mode="L")
            confidence = None if result.confidence is None else float(result.confidence)
            lib.add_cutout(
                candidate_id,
                mask,
                CutoutMethod(result.method),
                confidence,
                review=getattr(result, "review", None),
            )
        except Exception as exc:
            log.exception("Cut-out of candidate %d failed", candidate_id)
            self.failed.emit(candidate_id, str(exc))
            return
        self.done.emit(candidate_id)


class CutoutRunner(QObject):
    """The window's handle on the cut-out thread."""

    done = Signal(int)
    failed = Signal(int, str)
    unavailable = Signal(str)
    idle = Signal()
    remaining_changed = Signal(int)  # cut-outs queued or running: the window shows the count

    _drain = Signal()

    def __init__(
        self,
        paths: StudioPaths,
        segmenter_factory: Callable[[], Any] = default_segmenter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("cutout")
        self._worker = CutoutWorker(paths, segmenter_factory)
        self._worker.moveToThread(self._thread)
        self._drain.connect(self._worker.drain)
        self._worker.done.connect(self.done)
        self._worker.failed.connect(self.failed)
        self._worker.unavailable.connect(self.unavailable)
        self._worker.idle.connect(self.idle)
        for finished in (self._worker.done, self._worker.failed, self._worker.idle):
            finished.connect(self._report_remaining)
        self._thread.finished.connect(self._worker.close, Qt.ConnectionType.DirectConnection)
        self._thread.start()

    def cut(self, candidate_ids: Iterable[int]) -> None:
        """Queue candidates for a cut-out (those that have one already are skipped)."""
        if self._worker.enqueue(candidate_ids):
            self._report_remaining()
            self._drain.emit()

    def remaining(self) -> int:
        """Cut-outs queued or running."""
        return self._worker.remaining()

    def _report_remaining(self, *_args: object) -> None:
        self.remaining_changed.emit(self._worker.remaining())

    def resume(self, library: Library) -> int:
        """Queue the kept candidates that have no cut-out yet; returns how many."""
        kept = [c.id for c in library.candidates(statuses=[CandidateStatus.KEPT], sort="time")]
        have = library.current_cutouts(kept)
        todo = [cid for cid in kept if cid not in have]
        self.cut(todo)
        return len(todo)

    def pending(self) -> int:
        return self._worker.pending()

    def request_stop(self) -> None:
        """Stop after the cut-out in progress, without waiting; the rest stays to do."""
        self._worker.stop()
        self._thread.quit()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop and wait up to `timeout_ms`; False when a cut-out (or the model's first load)
        is still running, in which case the thread ends on its own later."""
        self.request_stop()
        stopped = self._thread.wait(timeout_ms)
        if not stopped:
            log.info("The cut-out thread is still busy %d ms after the stop", timeout_ms)
            outlive_owner(self._thread, self._worker)
        self.blockSignals(True)
        return stopped
