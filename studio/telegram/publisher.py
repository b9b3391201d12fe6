"""Running a publish: read the live set, plan, make the calls, record each one at once.

Every successful call is written to the library before the next one starts, so a run that
dies at any moment (a kill, a crash, a lost connection) can simply be run again: it reads the
live set, matches its stickers to the pack's pictures by `file_unique_id`, and plans only what
is still missing. When a write fails on a server error or a dropped connection, its outcome is
unknown, so the run reads the set again and re-plans (with back-off) instead of repeating it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from telegram import InputFile

from studio.library.telegram_records import TelegramRecords
from studio.pack import EncodingError, ExportedPack, ExportedSticker, shrink_webp
from studio.telegram.client import (
    ApiRefused,
    BotApi,
    BotInfo,
    LiveSet,
    RequestTooLarge,
    TransientFailure,
)
from studio.telegram.errors import PublishCancelled, PublishError, explain
from studio.telegram.events import (
    CallDone,
    PublishEvent,
    PublishFinished,
    PublishStarted,
    Waiting,
)
from studio.telegram.plan import (
    Step,
    StepKind,
    check_live_set,
    match_live,
    plan_publish,
    set_link,
    set_name_for_bot,
    thumbnail_key,
)

log = logging.getLogger(__name__)

MIN_UPLOAD_BYTES = 8_000  # below this, shrinking a sticker further makes no sense


@dataclass(frozen=True)
class PublishResult:
    set_name: str
    link: str
    calls: int  # write calls made
    steps: list[Step]  # the plan (for a dry run: what would be done)


class Publisher:
    """Publishes one exported pack for one Telegram user through one bot.

    `records` is the library (its Telegram tables); `on_event` gets `PublishEvent`s;
    `should_stop` is polled between calls (cancelling the task works too).
    """

    def __init__(
        self,
        api: BotApi,
        pack: ExportedPack,
        user_id: int,
        records: TelegramRecords,
        *,
        on_event: Callable[[PublishEvent], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.api = api
        self.pack = pack
        self.user_id = user_id
        self.records = records
        self.on_event = on_event or (lambda event: None)
        self.should_stop = should_stop or (lambda: False)
        self.bot: BotInfo | None = None
        self.set_name = ""
        self._calls = 0
        self._ids: dict[str, tuple[str, str | None]] = {}  # hash -> live file_id, emoji id
        api.on_wait = lambda seconds, reason: self.on_event(Waiting(seconds, reason))

    async def connect(self) -> str:
        """Check the bot (getMe) and work out the set's name on Telegram."""
        self.bot = await self.api.get_me()
        self.set_name = set_name_for_bot(self.pack.name, self.bot.username)
        return self.set_name

    async def plan(self) -> tuple[LiveSet | None, list[Step]]:
        """Read the live set and plan; only read calls (getMe, getStickerSet)."""
        if self.bot is None:
            await self.connect()
        live = await self.api.get_set(self.set_name)
        uploads = self.records.telegram_stickers(self.set_name)
        record = self.records.telegram_set(self.set_name)
        if live is not None:
            check_live_set(self.pack, live, uploads, record)
        return live, plan_publish(self.pack, live, uploads, record)

    async def dry_run(self) -> PublishResult:
        _live, steps = await self.plan()
        return PublishResult(self.set_name, set_link(self.pack, self.set_name), 0, steps)

    async def run(self) -> PublishResult:
        """Publish until the live set equals the pack; returns what was done."""
        failures = passes = 0
        first_plan: list[Step] | None = None
        while True:
            live, steps = await self.plan()
            first_plan = steps if first_plan is None else first_plan
            if live is not None and self.records.telegram_set(self.set_name) is None:
                # Created by a run that died before it could record it.
                self.records.record_telegram_set(self.set_name, self.pack.sticker_type)
            if not steps:
                break  # the live set equals the pack
            passes += 1
            if passes > 2 + failures:  # every pass should leave nothing for the next
                raise RuntimeError(f"the set {self.set_name} does not settle: {steps[0]}")
            self._remember_ids(live)
            self.on_event(PublishStarted(self.set_name, len(steps)))
            try:
                for done, step in enumerate(steps, start=1):
                    if self.should_stop():
                        raise PublishCancelled()
                    await self._execute(step)
                    self._calls += 1
                    self.on_event(CallDone(done, len(steps), step.describe()))
            except TransientFailure as exc:
                failures += 1
                if failures >= self.api.policy.attempts:
                    raise PublishError(
                        f"the Bot API server kept failing ({exc}); what was sent is recorded, "
                        "publish again to finish"
                    ) from None
                await self.api.wait(
                    self.api.policy.delay(failures), f"the server failed ({exc}); checking the set"
                )
            # Then one more look at the set, which confirms it (and plans nothing).
        link = set_link(self.pack, self.set_name)
        self.on_event(PublishFinished(self.set_name, link, self._calls))
        return PublishResult(self.set_name, link, self._calls, first_plan or [])

    # -- one call -------------------------------------------------------------------------------

    def _remember_ids(self, live: LiveSet | None) -> None:
        self._ids = {}
        if live is None:
            return
        uploads = self.records.telegram_stickers(self.set_name)
        for sticker, digest in zip(live.stickers, match_live(live, uploads), strict=True):
            if digest is not None:
                self._ids.setdefault(digest, (sticker.file_id, sticker.custom_emoji_id))

    async def _live_id(self, digest: str) -> tuple[str, str | None]:
        """The live file_id (and custom emoji id) of the sticker that is this picture."""
        if digest not in self._ids:  # added or replaced in this run: read the set again
            self._remember_ids(await self.api.get_set(self.set_name))
        if digest not in self._ids:
            raise TransientFailure("a sticker just sent is not in the set yet")
        return self._ids[digest]

    async def _file_id(self, step_sticker: ExportedSticker) -> str:
        uploads = self.records.telegram_stickers(self.set_name)
        record = uploads.get(step_sticker.content_hash)
        if record is None:  # planned before its upload ran; upload now
            await self._upload(step_sticker)
            record = self.records.telegram_stickers(self.set_name)[step_sticker.content_hash]
        return record.file_id

    async def _upload(self, sticker: ExportedSticker) -> None:
        data = sticker.file.read_bytes()
        while True:
            try:
                uploaded = await self.api.upload(
                    self.user_id, data, sticker.file.name, f"upload {sticker.label}"
                )
                break
            except RequestTooLarge:
                # The server (or a proxy before it) takes smaller requests than Telegram: send
                # the same picture in fewer bytes. It stays recorded under the pack file's hash.
                budget = len(data) * 2 // 3
                if budget < MIN_UPLOAD_BYTES:
                    raise PublishError(
                        f"the Bot API server refused {sticker.label} as too large (413) even at "
                        f"{len(data):,} bytes; check the server's upload limit"
                    ) from None
                try:  # off the event loop's thread (the window's UI thread)
                    data = await asyncio.to_thread(shrink_webp, data, budget)
                except EncodingError:
                    raise PublishError(
                        f"the Bot API server refused {sticker.label} as too large (413), and it "
                        f"cannot be made smaller than {len(data):,} bytes"
                    ) from None
            except ApiRefused as exc:
                raise PublishError(
                    self._refusal(exc, f"upload {sticker.label}", sticker.label)
                ) from None
        self.records.record_telegram_upload(
            self.set_name, sticker.content_hash, uploaded.file_id, uploaded.file_unique_id
        )

    def _refusal(self, exc: ApiRefused, what: str, label: str | None) -> str:
        known = explain(exc.description, set_name=self.set_name, sticker=label)
        if known:
            return known
        about = f" {label}" if label and label not in what else ""
        return f"Telegram refused to {what}{about}: {exc.description}"

    async def _execute(self, step: Step) -> None:
        bot = self.api.bot
        name, user = self.set_name, self.user_id
        try:
            match step.kind:
                case StepKind.UPLOAD:
                    await self._upload(step.sticker)
                case StepKind.CREATE:
                    stickers = [
                        self.api.input_sticker(await self._file_id(s), s.emoji_list, s.keywords)
                        for s in step.stickers
                    ]
                    await self.api.create_set(
                        user,
                        name,
                        self.pack.title,
                        stickers,
                        self.pack.sticker_type,
                        self.pack.needs_repainting,
                    )
                    self.records.record_telegram_set(name, self.pack.sticker_type)
                    for sticker in step.stickers:
                        self._record_fields(sticker)
                case StepKind.ADD:
                    sticker = step.sticker
                    data = self.api.input_sticker(
                        await self._file_id(sticker), sticker.emoji_list, sticker.keywords
                    )
                    await self.api.write(
                        f"add {sticker.label}", lambda: bot.add_sticker_to_set(user, name, data)
                    )
                    self._record_fields(sticker)
                case StepKind.REPLACE:
                    sticker = step.sticker
                    data = self.api.input_sticker(
                        await self._file_id(sticker), sticker.emoji_list, sticker.keywords
                    )
                    await self.api.write(
                        f"replace {sticker.label}",
                        lambda: bot.replace_sticker_in_set(user, name, step.old_file_id, data),
                    )
                    self._record_fields(sticker)
                case StepKind.DELETE:
                    await self.api.write(
                        "delete a sticker", lambda: bot.delete_sticker_from_set(step.old_file_id)
                    )
                case StepKind.MOVE:
                    file_id, _ = await self._live_id(step.sticker.content_hash)
                    await self.api.write(
                        f"move {step.sticker.label}",
                        lambda: bot.set_sticker_position_in_set(file_id, step.position),
                    )
                case StepKind.EMOJI:
                    sticker = step.sticker
                    file_id, _ = await self._live_id(sticker.content_hash)
                    await self.api.write(
                        f"set the emoji of {sticker.label}",
                        lambda: bot.set_sticker_emoji_list(file_id, list(sticker.emoji_list)),
                    )
                    self.records.record_telegram_fields(
                        name, sticker.content_hash, emoji_list=sticker.emoji_list
                    )
                case StepKind.KEYWORDS:
                    sticker = step.sticker
                    file_id, _ = await self._live_id(sticker.content_hash)
                    await self.api.write(
                        f"set the keywords of {sticker.label}",
                        lambda: bot.set_sticker_keywords(file_id, list(sticker.keywords)),
                    )
                    self.records.record_telegram_fields(
                        name, sticker.content_hash, keywords=sticker.keywords
                    )
                case StepKind.TITLE:
                    await self.api.write(
                        "set the title", lambda: bot.set_sticker_set_title(name, self.pack.title)
                    )
                case StepKind.THUMBNAIL:
                    data = self.pack.thumbnail.read_bytes()
                    file = InputFile(data, filename=self.pack.thumbnail.name)
                    await self.api.write(
                        "set the thumbnail",
                        lambda: bot.set_sticker_set_thumbnail(name, user, "static", file),
                    )
                    self.records.record_telegram_set(
                        name, self.pack.sticker_type, thumbnail_key(self.pack)
                    )
                case StepKind.EMOJI_THUMBNAIL:
                    _, emoji_id = await self._live_id(step.sticker.content_hash)
                    await self.api.write(
                        "set the thumbnail",
                        lambda: bot.set_custom_emoji_sticker_set_thumbnail(name, emoji_id),
                    )
                    self.records.record_telegram_set(
                        name, self.pack.sticker_type, thumbnail_key(self.pack)
                    )
        except RequestTooLarge:
            raise PublishError(
                f"the Bot API server refused the request to {step.describe()} as too large "
                "(413); publish again"
            ) from None
        except ApiRefused as exc:
            if step.kind is StepKind.CREATE:
                label = f"stickers {step.stickers[0].index + 1}-{step.stickers[-1].index + 1}"
            else:
                label = step.sticker.label if step.sticker is not None else None
            raise PublishError(self._refusal(exc, step.describe(), label)) from None

    def _record_fields(self, sticker: ExportedSticker) -> None:
        self.records.record_telegram_fields(
            self.set_name,
            sticker.content_hash,
            emoji_list=sticker.emoji_list,
            keywords=sticker.keywords,
        )
