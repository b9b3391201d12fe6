"""`sticker-studio pack publish DIR`: an exported pack folder becomes a live Telegram set.

The bot token comes only from the environment variable TELEGRAM_BOT_TOKEN (never from the
command line, where other users and shell history could read it), and is kept out of every log
and message. What was sent is recorded in the library, so running the same command again after
an interruption, or after editing and exporting the pack again, updates the same set in place.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from studio.errors import StudioError

if TYPE_CHECKING:  # the pack package loads when the command runs, not for --help
    from studio.pack import ExportedPack

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"

log = logging.getLogger(__name__)


def add_parser(actions: argparse._SubParsersAction) -> None:
    publish = actions.add_parser(
        "publish",
        help=f"publish an exported pack folder to Telegram (bot token in {TOKEN_VARIABLE})",
        description=(
            "Publish an exported pack folder (its manifest.json) as a Telegram sticker or custom "
            f"emoji set through your own bot. The token is read from {TOKEN_VARIABLE}. Running "
            "it again after edits updates the same set in place."
        ),
    )
    publish.add_argument("folder", type=Path, metavar="DIR", help="an exported pack folder")
    publish.add_argument(
        "--user-id",
        type=int,
        required=True,
        metavar="ID",
        help="your numeric Telegram user id, the set's owner (@userinfobot tells it); "
        "press Start in your bot once first",
    )
    publish.add_argument(
        "--api-url",
        default="https://api.telegram.org",
        metavar="URL",
        help="Bot API server root (default https://api.telegram.org; a self-hosted server works)",
    )
    publish.add_argument(
        "--dry-run",
        action="store_true",
        help="only read (getMe, getStickerSet) and print the calls a publish would make",
    )
    publish.set_defaults(run=run_publish)


def run_publish(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise StudioError(
            f"{TOKEN_VARIABLE} is not set; put your bot's token from @BotFather in it "
            f"({TOKEN_VARIABLE}=... sticker-studio pack publish DIR --user-id ID)"
        )
    if args.user_id <= 0:
        raise StudioError("--user-id must be your numeric Telegram user id (a positive number)")
    from studio.pack import read_pack
    from studio.telegram import hide_token
    from studio.telegram.redaction import redact

    pack = read_pack(args.folder)
    with hide_token(token):
        try:
            return asyncio.run(_publish(args, token, pack))
        except StudioError as exc:
            raise StudioError(redact(str(exc), token).replace("\n", " ")) from None
        except (KeyboardInterrupt, asyncio.CancelledError):
            raise KeyboardInterrupt from None
        except Exception:
            # Logged while the token filter is on; what leaves this block names no token.
            log.exception("pack publish failed")
            raise RuntimeError("publishing stopped on an unexpected problem") from None


async def _publish(args: argparse.Namespace, token: str, pack: ExportedPack) -> int:
    from studio.library import Library
    from studio.telegram import (
        BotApi,
        CallDone,
        Publisher,
        PublishEvent,
        PublishFinished,
        PublishStarted,
        Waiting,
    )

    def report(event: PublishEvent) -> None:
        match event:
            case PublishStarted(set_name=name, total=total):
                print(f"publishing {name}: {total} call(s) to make", flush=True)
            case CallDone(done=done, total=total, message=message):
                print(f"[{done}/{total}] {message}", flush=True)
            case Waiting(seconds=seconds, reason=reason):
                print(f"waiting {seconds:.0f} s: {reason}", flush=True)
            case PublishFinished(calls=0):
                print("the set is up to date; nothing to change", flush=True)
            case PublishFinished(calls=calls):
                print(f"done: {calls} call(s) made", flush=True)

    with Library() as library:
        async with BotApi(token, args.api_url) as api:
            publisher = Publisher(api, pack, args.user_id, library, on_event=report)
            if args.dry_run:
                result = await publisher.dry_run()
                if result.steps:
                    print(f"a publish would make {len(result.steps)} call(s) on {result.set_name}:")
                    for step in result.steps:
                        print(f"  {step.describe()}")
                else:
                    print(f"{result.set_name} is up to date; a publish would change nothing")
            else:
                result = await publisher.run()
    print(result.link)
    return 0
