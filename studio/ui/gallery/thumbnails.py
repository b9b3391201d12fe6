"""Pictures rendered off the UI thread and kept in a bounded cache.

A request starts a `QRunnable` on a small pool; newer requests get a higher priority, so after a
fast scroll the rows now on screen load first and the ones scrolled past wait (and are dropped
from the cache first). Reading, cutting out, scaling and composing happen in the pool as `QImage`
(`render_picture`, thread-safe); only the cheap `QPixmap` conversion happens in the UI thread.
The grid's thumbnails and the large viewer's pictures share the pool and the cache (the key
holds the size and what is shown).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from studio.ui.gallery.pictures import PictureRequest, render_picture


class _Signals(QObject):
    loaded = Signal(object, QImage)  # request, image (null when the file could not be read)


class _RenderPicture(QRunnable):
    def __init__(self, request: PictureRequest, signals: _Signals) -> None:
        super().__init__()
        self._request, self._signals = request, signals

    def run(self) -> None:
        self._signals.loaded.emit(self._request, render_picture(self._request))


class ThumbnailCache(QObject):
    """`get(request)` returns a pixmap now, or None and emits `ready(candidate_id)` once
    rendered. `size` is the grid's thumbnail size."""

    ready = Signal(int)

    def __init__(self, size: int = 128, capacity: int = 1500, parent: QObject | None = None):
        super().__init__(parent)
        self.size = size
        self.capacity = capacity
        self._cache: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._pending: set[tuple] = set()
        self._failed: set[tuple] = set()
        self._priority = itertools.count()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)

    def get(self, request: PictureRequest) -> QPixmap | None:
        key = request.key
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
            return pixmap
        if key not in self._pending and key not in self._failed:
            self._pending.add(key)
            self._pool.start(_RenderPicture(request, self._signals),
                             min(next(self._priority), 2**30))
        return None

    def cached(self, request: PictureRequest) -> QPixmap | None:
        """The picture if it is in the cache; never starts a render."""
        return self._cache.get(request.key)

    def failed(self, request: PictureRequest) -> bool:
        return request.key in self._failed

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Wait for loads in flight (tests)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self, msecs: int) -> bool:
        """Drop the loads not started and wait up to `msecs` for those running."""
        self._pool.clear()
        return self._pool.waitForDone(msecs)

    def __len__(self) -> int:
        return len(self._cache)

    def _on_loaded(self, request: PictureRequest, image: QImage) -> None:
        key = request.key
        self._pending.discard(key)
        if image.isNull():
            self._failed.add(key)
        else:
            self._cache[key] = QPixmap.fromImage(image)
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        self.ready.emit(request.candidate_id)
