"""Sticker pictures for the panel, rendered off the UI thread and kept in a small cache.

The list's icons and the 512 px previews come from `studio.pack.render_sticker` -- the function
the export uses -- so what the panel shows is what the pack gets. Loading and rendering run as
background tasks on one thread (`studio.ui.tasks`; OpenCV releases the GIL); the result comes
back as a `QImage` in the UI thread. A request that is already cached is answered at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from PIL import Image
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QImage

from studio.pack import RenderOptions, load_source, render_sticker
from studio.pack.spec import StickerSource
from studio.ui.tasks import Task, TaskFailure, TaskRunner


def to_qimage(picture: Image.Image) -> QImage:
    """An RGBA PIL image as a QImage that owns its pixels."""
    rgba = picture.convert("RGBA")
    data = rgba.tobytes("raw", "RGBA")
    image = QImage(data, rgba.width, rgba.height, rgba.width * 4, QImage.Format.Format_RGBA8888)
    return image.copy()  # detach from `data`, which Python frees


class StickerRenderer(QObject):
    """Renders sticker sources at a given size in the background; answers by key.

    `rendered(key, image)` or `failed(key, message)` follow each `request`. Keys are chosen by
    the caller and must change when the pixels would (cut-out version, render options, size).
    """

    rendered = Signal(object, QImage)
    failed = Signal(object, str)

    def __init__(self, parent: QObject | None = None, cache_bytes: int = 48 << 20) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner(self, threads=1)
        # Least recently used first; a 512 px preview is 1 MiB, a list icon 16 KiB.
        self._cache: OrderedDict[Hashable, QImage] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._pending: dict[Hashable, Task] = {}
        # Connected first, so the cache is filled before any other receiver hears of it.
        self.rendered.connect(self._store)

    def cached(self, key: Hashable) -> QImage | None:
        image = self._cache.get(key)
        if image is not None:
            self._cache.move_to_end(key)
        return image

    def request(
        self, key: Hashable, source: StickerSource, options: RenderOptions, size: int
    ) -> None:
        """Render `source` with `options` at `size` px; answered at once if cached."""
        image = self.cached(key)
        if image is not None:
            self.rendered.emit(key, image)
            return
        if key in self._pending or self._tasks.closed:
            return
        self._pending[key] = self._tasks.submit(
            lambda _c: to_qimage(render_sticker(load_source(source), options, size=size)),
            on_result=lambda picture: self.rendered.emit(key, picture),
            on_error=lambda failure: self._failed(key, failure),
            on_cancelled=lambda: self._pending.pop(key, None),
            what="drawing this sticker",
        )

    def cancel_pending(self) -> None:
        """Drop the requests not answered yet (e.g. the user moved on to another pack)."""
        for task in self._pending.values():
            task.cancel()

    def wait_idle(self, timeout_s: float = 10.0) -> None:
        """Block until every pending render is done and its answer delivered (tests)."""
        self._tasks.wait(int(timeout_s * 1000))
        QCoreApplication.processEvents()

    def shutdown(self) -> None:
        """Stop the render thread (waits for the picture being drawn, drops the rest)."""
        self._tasks.close()

    def _failed(self, key: Hashable, failure: TaskFailure) -> None:
        # A damaged file must not silently freeze the preview: the panel shows the reason.
        self._pending.pop(key, None)
        self.failed.emit(key, failure.message)

    def _store(self, key: Hashable, image: QImage) -> None:
        # On the UI thread, through the queued signal.
        self._pending.pop(key, None)
        self._cache[key] = image
        self._cache.move_to_end(key)
        used = sum(i.sizeInBytes() for i in self._cache.values())
        while used > self._cache_bytes and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            used -= dropped.sizeInBytes()
