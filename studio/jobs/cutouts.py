"""Cut-outs in the background: every kept candidate gets a mask from `studio.segment`. Qt-free.

`CutoutQueue` holds the candidate ids to cut out (thread-safe); `CutoutMaker` cuts one
candidate out with the shared segmenter (a U-Net: a model, loaded once, lazily, by the thread
that first needs it) and its own `Library` connection, skipping those that have a cut-out
already. The window runs them as one background task at a time (`studio.ui.cutouts`).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from studio.library import CutoutMethod, Library
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


class CutoutQueue:
    """Candidate ids waiting for a cut-out, and the one being cut (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._todo: deque[int] = deque()
        self._queued: set[int] = set()

    def add(self, candidate_ids: Iterable[int]) -> bool:
        """Queue ids not queued yet; True when something new was queued."""
        added = False
        with self._lock:
            for cid in candidate_ids:
                if cid not in self._queued:
                    self._queued.add(cid)
                    self._todo.append(cid)
                    added = True
        return added

    def take(self) -> int | None:
        """The next id to cut out (it counts as remaining until `done(id)`), or None."""
        with self._lock:
            return self._todo.popleft() if self._todo else None

    def done(self, candidate_id: int) -> None:
        with self._lock:
            self._queued.discard(candidate_id)

    def pending(self) -> int:
        """Queued, not started."""
        with self._lock:
            return len(self._todo)

    def remaining(self) -> int:
        """Queued or being cut out now."""
        with self._lock:
            return len(self._queued)


@dataclass(frozen=True)
class CutoutStored:
    candidate_id: int


@dataclass(frozen=True)
class CutoutSkipped:
    """It had a cut-out already (made before, or drawn by hand): never replaced."""

    candidate_id: int


@dataclass(frozen=True)
class CutoutFailed:
    candidate_id: int
    message: str


@dataclass(frozen=True)
class CutoutsUnavailable:
    """The segmenter cannot be loaded at all; nothing more is tried."""

    candidate_id: int
    message: str


CutoutOutcome = CutoutStored | CutoutSkipped | CutoutFailed | CutoutsUnavailable


class CutoutMaker:
    """Cuts candidates out and stores the masks. One thread at a time; `close()` in that
    thread when done (the library connection belongs to it)."""

    def __init__(self, paths: StudioPaths, segmenter_factory: Callable[[], Any]) -> None:
        self._paths = paths
        self._factory = segmenter_factory
        self._segmenter: Any = None
        self._broken: str | None = None
        self._library: Library | None = None

    def cut(self, candidate_id: int) -> CutoutOutcome:
        from PIL import Image

        if self._broken is not None:
            return CutoutsUnavailable(candidate_id, self._broken)
        if self._library is None:
            self._library = Library(self._paths)
        lib = self._library
        if lib.current_cutout(candidate_id) is not None:
            return CutoutSkipped(candidate_id)
        try:
            if self._segmenter is None:
                self._segmenter = self._factory()
        except Exception as exc:
            log.exception("The segmenter cannot be loaded")
            self._broken = f"Automatic cut-outs are not available: {exc}"
            return CutoutsUnavailable(candidate_id, self._broken)
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
            return CutoutFailed(candidate_id, str(exc))
        return CutoutStored(candidate_id)

    @property
    def unavailable(self) -> str | None:
        """Why the segmenter cannot be used, once that is known."""
        return self._broken

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None
