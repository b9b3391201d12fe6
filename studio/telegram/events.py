"""What a publish reports as it goes: small typed records, one vocabulary for CLI and window."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishStarted:
    """The plan is made: `total` calls will change the set (0: it is up to date)."""

    set_name: str
    total: int


@dataclass(frozen=True)
class CallDone:
    """One planned call succeeded and is recorded; `done` of `total`."""

    done: int
    total: int
    message: str  # "added sticker 3 (003.webp)"


@dataclass(frozen=True)
class Waiting:
    """Telegram asked to wait (flood control) or the server failed and we back off."""

    seconds: float
    reason: str  # "Telegram asks to wait" / "the server failed (502); retrying"


@dataclass(frozen=True)
class PublishFinished:
    set_name: str
    link: str
    calls: int  # write calls made in this run


PublishEvent = PublishStarted | CallDone | Waiting | PublishFinished
