"""Pictures rendered off the UI thread and kept in a bounded cache.

A request is a background task (`studio.ui.tasks`) on a small pool; newer requests get a higher
priority, so after a fast scroll the rows now on screen load first and the ones scrolled past
wait (and are dropped from the cache first). Reading, cutting out, scaling and composing happen
in the pool as `QImage` (`render_picture`, thread-safe); only the cheap `QPixmap` conversion
happens in the UI thread. The grid's thumbnails and the large viewer's pictures share the pool
and the cache (the key holds the size and what is shown).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from studio.ui.gallery.pictures import PictureRequest, render_picture
from studio.ui.tasks import TaskRunner


def load_thumbnail(path: str, size: int) -> QImage:
    """The picture at `path` scaled to fit `size` px (a null image when it cannot be read)."""
    image = QImageReader(path).read()
    if not image.isNull():
        image = image.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


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
        self._tasks = TaskRunner(self, threads=2)

    def get(self, request: PictureRequest) -> QPixmap | None:
        key = request.key
        pixmap = self._cache.get(key)
        if pixmap is not None:
            self._cache.move_to_end(key)
            return pixmap
        if key not in self._pending and key not in self._failed:
            self._pending.add(key)
            self._tasks.submit(
                lambda _c: render_picture(request),
                on_result=lambda image: self._on_loaded(request, image),
                on_error=lambda _failure: self._on_loaded(request, QImage()),
                what="drawing a thumbnail",
                priority=min(next(self._priority), 2**30),
            )
        return None

    def cached(self, request: PictureRequest) -> QPixmap | None:
        """The picture if it is in the cache; never starts a render."""
        return self._cache.get(request.key)

    def failed(self, request: PictureRequest) -> bool:
        return request.key in self._failed

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Wait for loads in flight (tests)."""
        return self._tasks.wait(msecs)

    def shutdown(self, msecs: int) -> bool:
        """Drop the loads not started and wait up to `msecs` for those running."""
        return self._tasks.close(msecs)

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
