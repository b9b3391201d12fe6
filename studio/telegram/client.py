"""The Bot API calls a publish needs, over python-telegram-bot's asyncio `Bot`.

Flood control (429 with `retry_after`) is waited out and the call repeated: Telegram did not
apply it. A server failure (5xx) or a dropped connection leaves a write's outcome unknown, so a
write is not repeated blindly: it raises `TransientFailure` and the publisher reads the set again
before it goes on. Reads and uploads are repeated in place with back-off (an extra upload only
costs a file id nobody uses). Every message that leaves this module is free of the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import urllib.parse
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

# python-telegram-bot 22 warns that `retry_after` becomes a timedelta; opt in now (this module
# reads both forms), so the warning never reaches the user's terminal.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Bot, InputFile, InputSticker  # noqa: E402
from telegram.error import (  # noqa: E402
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest  # noqa: E402

from studio.telegram.errors import PublishError  # noqa: E402
from studio.telegram.redaction import hide_token, redact  # noqa: E402

DEFAULT_API_URL = "https://api.telegram.org"
STATIC_FORMAT = "static"

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before telling the user to run the publish again."""

    attempts: int = 6  # tries of one read or upload, and re-plans after failed writes
    first_delay_s: float = 1.0  # back-off after a server failure, doubling
    max_delay_s: float = 30.0
    max_flood_waits: int = 30  # 429s waited out in one call before giving up
    max_flood_wait_s: float = 900.0  # a longer retry_after is reported, not waited

    def delay(self, attempt: int) -> float:
        """The back-off before try `attempt` + 1 (attempt counts from 1)."""
        return min(self.max_delay_s, self.first_delay_s * 2 ** (attempt - 1))


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class BotInfo:
    id: int
    username: str


@dataclass(frozen=True)
class LiveSticker:
    """A sticker as `getStickerSet` returns it (only the first emoji; no keywords)."""

    file_id: str
    file_unique_id: str
    emoji: str | None
    custom_emoji_id: str | None = None


@dataclass(frozen=True)
class LiveSet:
    name: str
    title: str
    sticker_type: str
    stickers: tuple[LiveSticker, ...]
    has_thumbnail: bool


@dataclass(frozen=True)
class UploadedFile:
    file_id: str
    file_unique_id: str


class TransientFailure(Exception):
    """A write failed on a server error or a lost connection; it may or may not have applied."""


class RequestTooLarge(Exception):
    """The server refused the request's size (413)."""


class ApiRefused(Exception):
    """Telegram refused the call (400/403); `description` is its text."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _retry_after(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # the int form is deprecated in favour of timedelta
        warnings.simplefilter("ignore")
        return _seconds(exc.retry_after)


def _too_large(exc: NetworkError) -> bool:
    text = str(exc).lower()
    return "413" in text or "too large" in text


class BotApi:
    """One bot, one Bot API server. `on_wait(seconds, reason)` is told before every wait."""

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_API_URL,
        *,
        policy: RetryPolicy | None = None,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        if not token or not token.strip():
            raise PublishError("the bot token is empty; copy it from @BotFather")
        self._token = token.strip()
        # From before the Bot exists (it logs its base URL) until close().
        self._hidden = contextlib.ExitStack()
        self._hidden.enter_context(hide_token(self._token))
        root = api_url.strip().rstrip("/")
        address = urllib.parse.urlsplit(root)
        if address.scheme not in ("https", "http") or not address.netloc:
            raise PublishError(
                f"the Bot API address {api_url!r} is not a URL; give it as https://host[:port]"
            )
        self.policy = policy or DEFAULT_POLICY
        self.on_wait = on_wait
        self._request = HTTPXRequest(
            connection_pool_size=4,
            connect_timeout=15.0,
            read_timeout=60.0,
            write_timeout=60.0,
            media_write_timeout=120.0,
        )
        self._bot = Bot(
            self._token,
            base_url=f"{root}/bot",
            base_file_url=f"{root}/file/bot",
            request=self._request,
            get_updates_request=self._request,
        )
        self.api_url = root

    async def close(self) -> None:
        try:
            await self._request.shutdown()
        finally:
            self._hidden.close()

    async def __aenter__(self) -> BotApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- the retry rules ------------------------------------------------------------------------

    async def wait(self, seconds: float, reason: str) -> None:
        """Tell `on_wait`, then sleep (cancelling the task ends the wait at once)."""
        if self.on_wait is not None:
            self.on_wait(seconds, reason)
        await asyncio.sleep(seconds)

    async def _call(self, what: str, call: Callable[[], Awaitable[T]], *, repeatable: bool) -> T:
        """Run `call` under the retry rules; `what` names it in messages ('upload sticker 2')."""
        floods = attempts = 0
        while True:
            try:
                return await call()
            except RetryAfter as exc:
                floods += 1
                seconds = _retry_after(exc)
                if floods > self.policy.max_flood_waits or seconds > self.policy.max_flood_wait_s:
                    raise PublishError(
                        f"Telegram asks to wait {seconds:.0f} s before {what}; publish again "
                        "later, it goes on where it stopped"
                    ) from None
                await self.wait(seconds, "Telegram asks to wait (flood control)")
            except InvalidToken:
                raise PublishError(
                    "Telegram refused the bot token (401): copy the token from @BotFather "
                    "again, and check it belongs to your bot"
                ) from None
            except (BadRequest, Forbidden) as exc:
                raise ApiRefused(redact(exc.message, self._token)) from None
            except NetworkError as exc:  # 5xx, a dropped connection, a timeout
                if _too_large(exc):
                    raise RequestTooLarge(redact(str(exc), self._token)) from None
                attempts += 1
                reason = redact(str(exc), self._token)
                if not repeatable:
                    raise TransientFailure(reason) from None
                if attempts >= self.policy.attempts:
                    raise PublishError(
                        f"could not reach the Bot API server at {self.api_url} to {what} "
                        f"({reason}); check the connection and publish again"
                    ) from None
                await self.wait(self.policy.delay(attempts), f"the server failed ({reason})")
            except TelegramError as exc:
                raise PublishError(
                    f"Telegram refused to {what}: {redact(str(exc), self._token)}"
                ) from None

    # -- reads ----------------------------------------------------------------------------------

    async def get_me(self) -> BotInfo:
        user = await self._call("check the bot", self._bot.get_me, repeatable=True)
        if not user.username:
            raise PublishError("the bot has no username; this token is not a bot's")
        return BotInfo(user.id, user.username)

    async def get_set(self, name: str) -> LiveSet | None:
        """The live set called `name`, or None when there is none."""
        try:
            found = await self._call(
                f"read the set {name}", lambda: self._bot.get_sticker_set(name), repeatable=True
            )
        except ApiRefused as exc:
            text = exc.description.lower()
            if "stickerset_invalid" in text or "not found" in text:
                return None
            raise
        return LiveSet(
            name=found.name,
            title=found.title,
            sticker_type=found.sticker_type,
            stickers=tuple(
                LiveSticker(s.file_id, s.file_unique_id, s.emoji, s.custom_emoji_id)
                for s in found.stickers
            ),
            has_thumbnail=found.thumbnail is not None,
        )

    # -- writes ---------------------------------------------------------------------------------

    async def upload(self, user_id: int, data: bytes, filename: str, what: str) -> UploadedFile:
        """uploadStickerFile: one file per request, so every request stays small."""
        result = await self._call(
            what,
            lambda: self._bot.upload_sticker_file(
                user_id, InputFile(data, filename=filename), STATIC_FORMAT
            ),
            repeatable=True,
        )
        return UploadedFile(result.file_id, result.file_unique_id)

    @staticmethod
    def input_sticker(
        file_id: str, emoji_list: tuple[str, ...], keywords: tuple[str, ...]
    ) -> InputSticker:
        return InputSticker(file_id, list(emoji_list), STATIC_FORMAT, keywords=list(keywords))

    async def create_set(
        self,
        user_id: int,
        name: str,
        title: str,
        stickers: list[InputSticker],
        sticker_type: str,
        needs_repainting: bool,
    ) -> None:
        await self._call(
            f"create the set {name}",
            lambda: self._bot.create_new_sticker_set(
                user_id,
                name,
                title,
                stickers,
                sticker_type=sticker_type,
                # Telegram takes it for custom emoji sets only.
                needs_repainting=needs_repainting if sticker_type == "custom_emoji" else None,
            ),
            repeatable=False,
        )

    async def write(self, what: str, call: Callable[[], Awaitable[object]]) -> None:
        """Any other write on the set: `call` is one python-telegram-bot method call."""
        await self._call(what, call, repeatable=False)

    @property
    def bot(self) -> Bot:
        """The python-telegram-bot `Bot`, for the plain set edits (`write`)."""
        return self._bot
