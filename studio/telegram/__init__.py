"""Publishing an exported pack to Telegram through the Bot API (python-telegram-bot). Qt-free.

`Publisher` turns a pack folder into a live sticker or custom emoji set and keeps it in step on
later runs (adds, deletes, replaces, reorders, edits in place), recording every successful call
in the library at once so a run that dies can be run again and finish without duplicates. The
CLI (`sticker-studio pack publish`) and the pack panel both drive it.
"""

from studio.telegram.client import BotApi, BotInfo, LiveSet, LiveSticker, RetryPolicy
from studio.telegram.errors import PublishCancelled, PublishError
from studio.telegram.events import (
    CallDone,
    PublishEvent,
    PublishFinished,
    PublishStarted,
    Waiting,
)
from studio.telegram.plan import Step, StepKind, plan_publish, set_link, set_name_for_bot
from studio.telegram.publisher import Publisher, PublishResult
from studio.telegram.redaction import hide_token

__all__ = [
    "BotApi",
    "BotInfo",
    "CallDone",
    "LiveSet",
    "LiveSticker",
    "PublishCancelled",
    "PublishError",
    "PublishEvent",
    "PublishFinished",
    "PublishResult",
    "PublishStarted",
    "Publisher",
    "RetryPolicy",
    "Step",
    "StepKind",
    "Waiting",
    "hide_token",
    "plan_publish",
    "set_link",
    "set_name_for_bot",
]
