"""Sticker pictures for the panel, rendered off the UI thread and kept in a small cache.

The list's icons and the 512 px previews come from `studio.pack.render_sticker` -- the function
the export uses -- so what the panel shows is what the pack gets. Loading and rendering run on
one background thread (OpenCV releases the GIL); the result comes back as a `QImage` through a
queued signal. A request that is already cached is answered at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from PIL import Image
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QImage

from studio.errors import StudioError
from studio.pack import RenderOptions, load_source, render_sticker
from studio.pack.spec import StickerSource


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
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack-preview")
        # Least recently used first; a 512 px preview is 1 MiB, a list icon 16 KiB.
        self._cache: OrderedDict[Hashable, QImage] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._pending: dict[Hashable, Future] = {}
        self._closed = False
        # Connected first, so the cache is filled before any other receiver hears of it.
        self.rendered.connect(self._store)
        self.failed.connect(self._forget)

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
        if key in self._pending or self._closed:
            return
        self._pending[key] = self._pool.submit(self._render, key, source, options, size)

    def cancel_pending(self) -> None:
        """Drop requests that have not started (e.g. the user moved on to another pack)."""
        for key, future in list(self._pending.items()):
            if future.cancel():
                del self._pending[key]

    def wait_idle(self, timeout_s: float = 10.0) -> None:
        """Block until every pending render is done and its answer delivered (tests)."""
        wait(list(self._pending.values()), timeout=timeout_s)
        QCoreApplication.processEvents()

    def shutdown(self) -> None:
        """Stop the render thread (waits for the picture being drawn, drops the rest)."""
        self._closed = True
        self.cancel_pending()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _render(
        self, key: Hashable, source: StickerSource, options: RenderOptions, size: int
    ) -> None:
        # Runs on the worker thread: no widget is touched here, only signals are emitted.
        try:
            picture = render_sticker(load_source(source), options, size=size)
            image = to_qimage(picture)
        except StudioError as exc:
            self._finish(key, None, str(exc))
            return
        except Exception as exc:  # a damaged file must not silently freeze the preview
            self._finish(key, None, f"cannot draw this sticker: {exc}")
            return
        self._finish(key, image, "")

    def _finish(self, key: Hashable, image: QImage | None, message: str) -> None:
        # Emitted from the worker thread; Qt queues it to the receivers on the UI thread.
        if image is None:
            self.failed.emit(key, message)
        else:
            self.rendered.emit(key, image)

    def _store(self, key: Hashable, image: QImage) -> None:
        # On the UI thread, through the queued signal.
        self._pending.pop(key, None)
        self._cache[key] = image
        self._cache.move_to_end(key)
        used = sum(i.sizeInBytes() for i in self._cache.values())
        while used > self._cache_bytes and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            used -= dropped.sizeInBytes()

    def _forget(self, key: Hashable, _message: str) -> None:
        self._pending.pop(key, None)
