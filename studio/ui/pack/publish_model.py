"""The publish section's state and work, as a view-model the tests drive without widgets.

Everything runs as coroutines on the app's qasync event loop: the Bot API calls are sockets the
loop waits on, the export (rendering) and the keyring run in a worker thread the coroutine
awaits, and the library is written from the UI thread, which owns its connection. The UI never
waits on any of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from studio.errors import StudioError
from studio.library import Library
from studio.pack import ExportProgress, PackSpec, export_pack, kind_rules, read_pack
from studio.telegram import (
    BotApi,
    CallDone,
    PublishCancelled,
    Publisher,
    PublishEvent,
    PublishFinished,
    PublishStarted,
    Waiting,
    set_name_for_bot,
)
from studio.telegram.client import DEFAULT_API_URL
from studio.telegram.redaction import redact
from studio.ui.pack.token_store import TokenStore

log = logging.getLogger(__name__)


class PublishModel(QObject):
    """Token, bot, owner and one publish at a time.

    Signals: `state_changed()` after any change of the fields below; `progress_changed(done,
    total, message)`; `countdown_changed(seconds)` each second while Telegram asks to wait (0
    when the wait is over); `bot_changed()` when the bot's @username becomes known or unknown;
    `published(link)`, `failed(message)`, `cancelled()` end a publish.
    """

    state_changed = Signal()
    bot_changed = Signal()  # the bot's username is known now, or no longer
    progress_changed = Signal(int, int, str)
    countdown_changed = Signal(int)
    published = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        library: Library,
        work_folder: Path,
        tokens: TokenStore | None = None,
        api_url: str = DEFAULT_API_URL,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.work_folder = work_folder  # exported packs wait here to be published
        self.tokens = tokens or TokenStore()
        self.api_url = api_url
        self.bot_username: str | None = None
        self.user_id: int | None = None
        self.status = ""
        self.link = ""
        self.task: asyncio.Task | None = None
        self._outcome: tuple = (self.cancelled, ())  # how the running publish ended
        self._token: str | None = None
        self._token_loaded = False
        self._stop = threading.Event()
        # One worker thread for the blocking parts (keyring, rendering); never the UI thread.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="publish")
        self._wait_until = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)

    # -- state ----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def _set_status(self, text: str) -> None:
        self.status = text
        self.state_changed.emit()

    def _set_bot(self, username: str | None) -> None:
        if username != self.bot_username:
            self.bot_username = username
            self.bot_changed.emit()

    def set_user_id(self, text: str) -> str | None:
        """Take the owner's user id as typed; returns what is wrong with it, or None."""
        text = text.strip()
        if not text:
            self.user_id = None
            self.state_changed.emit()
            return "enter your numeric Telegram user id"
        if not text.isdigit() or int(text) <= 0:
            self.user_id = None
            self.state_changed.emit()
            return "the user id is a number, such as 123456789"
        self.user_id = int(text)
        self.state_changed.emit()
        return None

    def final_name(self, pack_name: str) -> tuple[str | None, str | None]:
        """(the set's name on Telegram, or None; what is wrong, or None)."""
        if not self.bot_username or not pack_name:
            return None, None
        try:
            return set_name_for_bot(pack_name, self.bot_username), None
        except StudioError as exc:
            return None, str(exc)

    def link_for(self, pack_name: str, kind: str) -> str | None:
        name, _problem = self.final_name(pack_name)
        return kind_rules(kind)["link"].format(name=name) if name else None

    # -- token ----------------------------------------------------------------------------------

    async def _load_token(self) -> None:
        loop = asyncio.get_running_loop()
        self._token = await loop.run_in_executor(self._pool, self.tokens.load)
        self._token_loaded = True
        self._set_status(self.tokens.message)

    def save_token(self, token: str) -> asyncio.Task:
        """Keep `token` (keyring, or memory when there is none), then test it."""
        token = token.strip()
        self._token = token or None
        self._set_bot(None)
        self._token_loaded = True

        async def save() -> None:
            loop = asyncio.get_running_loop()
            if token:
                await loop.run_in_executor(self._pool, self.tokens.save, token)
                await self._test_connection()
            else:
                await loop.run_in_executor(self._pool, self.tokens.forget)
                self._set_status("Paste your bot's token from @BotFather")

        return self._start(save())

    # -- connection -----------------------------------------------------------------------------

    def test_connection(self) -> asyncio.Task:
        """getMe: shows the bot's @username (or why it failed)."""
        return self._start(self._test_connection())

    async def _test_connection(self) -> None:
        if not self._token_loaded:
            await self._load_token()
        if not self._token:
            self._set_status("Paste your bot's token from @BotFather first")
            return
        self._set_status("Connecting to Telegram…")
        try:
            async with BotApi(self._token, self.api_url) as api:
                info = await api.get_me()
        except StudioError as exc:
            self._set_bot(None)
            self._set_status(self._clean(str(exc)))
            return
        self._set_bot(info.username)
        self._set_status(f"Connected to @{info.username}")

    # -- publishing -----------------------------------------------------------------------------

    def publish(self, spec: PackSpec) -> asyncio.Task:
        """Export `spec` into the work folder and publish it; ends with `published`, `failed`
        or `cancelled`."""
        if self.running:
            raise RuntimeError("a publish is already running")
        self._stop.clear()
        self.link = ""
        self._outcome = (self.cancelled, ())  # unless the coroutine says otherwise
        self.task = self._start(self._publish(spec))
        self.state_changed.emit()  # running now
        return self.task

    def cancel(self) -> None:
        """Stop the publish now. A call in flight may or may not take effect; either way it is
        safe, because the next publish reads the live set before it plans."""
        if self.running:
            self._stop.set()
            self.task.cancel()

    async def _publish(self, spec: PackSpec) -> None:
        try:
            if not self._token_loaded:
                await self._load_token()
            if not self._token:
                raise StudioError("paste your bot's token from @BotFather first")
            if self.user_id is None:
                raise StudioError("enter your numeric Telegram user id first")
            folder = self.work_folder / spec.name
            self._set_status("Drawing the stickers…")
            total = len(spec.stickers)
            loop = asyncio.get_running_loop()

            def exported(step: ExportProgress) -> None:  # a worker thread
                loop.call_soon_threadsafe(
                    self.progress_changed.emit, step.done, step.total, f"drawn {step.message}"
                )

            await loop.run_in_executor(
                self._pool,
                functools.partial(
                    export_pack,
                    spec,
                    folder,
                    force=True,
                    on_progress=exported,
                    should_stop=self._stop.is_set,
                ),
            )
            pack = await loop.run_in_executor(self._pool, read_pack, folder)
            self._set_status(f"Publishing {total} stickers…")
            async with BotApi(self._token, self.api_url) as api:
                publisher = Publisher(
                    api,
                    pack,
                    self.user_id,
                    self.library,
                    on_event=self._on_event,
                    should_stop=self._stop.is_set,
                )
                result = await publisher.run()
        except (asyncio.CancelledError, PublishCancelled):
            self._end_wait()
            self._set_status("Publishing cancelled; publish again to finish where it stopped")
            self._outcome = (self.cancelled, ())
            return
        except StudioError as exc:
            self._end_wait()
            message = self._clean(str(exc))
            self._set_status(f"Not published: {message}")
            self._outcome = (self.failed, (message,))
            return
        except Exception as exc:  # a bug: logged (token-free), told plainly
            self._end_wait()
            log.error("publishing failed: %s", self._clean(repr(exc)))
            message = "publishing stopped on an unexpected problem; see the log"
            self._set_status(f"Not published: {message}")
            self._outcome = (self.failed, (message,))
            return
        self.link = result.link
        changed = f"{result.calls} change(s)" if result.calls else "nothing to change"
        self._set_status(f"Published: {result.link} ({changed})")
        self._outcome = (self.published, (result.link,))

    def _on_event(self, event: PublishEvent) -> None:
        match event:
            case PublishStarted(total=total):
                self._end_wait()
                self.progress_changed.emit(0, total, "planned")
            case CallDone(done=done, total=total, message=message):
                self._end_wait()
                self.progress_changed.emit(done, total, message)
                self._set_status(f"Publishing: {message}")
            case Waiting(seconds=seconds, reason=reason):
                self._wait_until = time.monotonic() + seconds
                self._set_status(reason)
                self._countdown.start()
                self._tick()
            case PublishFinished():
                self._end_wait()

    def _tick(self) -> None:
        left = max(0, round(self._wait_until - time.monotonic() + 0.49))
        self.countdown_changed.emit(left)
        if left <= 0:
            self._countdown.stop()

    def _end_wait(self) -> None:
        if self._countdown.isActive() or self._wait_until:
            self._wait_until = 0.0
            self._countdown.stop()
            self.countdown_changed.emit(0)

    def _clean(self, text: str) -> str:
        return redact(text, self._token).replace("\n", " ")

    def _start(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        task.add_done_callback(self._done)
        self.state_changed.emit()
        return task

    def _done(self, task: asyncio.Task) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            if task.exception() is not None:
                log.error("a publish task failed: %s", self._clean(repr(task.exception())))
        self.state_changed.emit()
        if task is self.task:  # the end of a publish is told once its state is final
            signal, args = self._outcome
            signal.emit(*args)

    def shutdown(self) -> None:
        """Quitting: stop at once (what was sent is recorded)."""
        self._stop.set()
        if self.running:
            self.task.cancel()
        self._countdown.stop()
        # An export in flight sees the stop flag between stickers and cleans up after itself.
        self._pool.shutdown(wait=False, cancel_futures=True)
