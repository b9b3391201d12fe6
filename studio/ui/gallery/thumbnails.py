"""Thumbnails loaded off the UI thread and kept in a bounded cache.

A request starts a `QRunnable` on a small pool; newer requests get a higher priority, so after a
fast scroll the rows now on screen load first and the ones scrolled past wait (and are dropped
from the cache first). Decoding and scaling happen in the pool as `QImage` (thread-safe); only the
cheap `QPixmap` conversion happens in the UI thread.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap


class _Signals(QObject):
    loaded = Signal(int, QImage)  # key, image (null when the file could not be read)


class _LoadThumbnail(QRunnable):
    def __init__(self, key: int, path: str, size: int, signals: _Signals) -> None:
        super().__init__()
        self._key, self._path, self._size, self._signals = key, path, size, signals

    def run(self) -> None:
        reader = QImageReader(self._path)
        image = reader.read()
        if not image.isNull():
            image = image.scaled(
                self._size,
                self._size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self._signals.loaded.emit(self._key, image)


class ThumbnailCache(QObject):
    """`get(key, path)` returns a pixmap now, or None and emits `ready(key)` once loaded."""

    ready = Signal(int)

    def __init__(self, size: int = 128, capacity: int = 1500, parent: QObject | None = None):
        super().__init__(parent)
        self.size = size
        self.capacity = capacity
        self._cache: OrderedDict[int, QPixmap] = OrderedDict()
        self._pending: set[int] = set()
        self._failed: set[int] = set()
        self._priority = itertools.count()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)

    def get(self, key: int, path: str) -> QPixmap | None:
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
            return pixmap
        if key not in self._pending and key not in self._failed:
            self._pending.add(key)
            task = _LoadThumbnail(key, path, self.size, self._signals)
            self._pool.start(task, min(next(self._priority), 2**30))
        return None

    def failed(self, key: int) -> bool:
        return key in self._failed

    def invalidate(self, key: int) -> None:
        self._cache.pop(key, None)
        self._failed.discard(key)

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Wait for loads in flight (tests)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self, msecs: int) -> bool:
        """Drop the loads not started and wait up to `msecs` for those running."""
        self._pool.clear()
        return self._pool.waitForDone(msecs)

    def __len__(self) -> int:
        return len(self._cache)

    def _on_loaded(self, key: int, image: QImage) -> None:
        self._pending.discard(key)
        if image.isNull():
            self._failed.add(key)
        else:
            self._cache[key] = QPixmap.fromImage(image)
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        self.ready.emit(key)
