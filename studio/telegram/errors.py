"""Telegram's errors as one-line messages a user can act on."""

from __future__ import annotations

from studio.errors import StudioError


class PublishError(StudioError):
    """Publishing stopped on something the user can fix; the message says what to do."""


class PublishCancelled(PublishError):
    """The user stopped the publish; what was done is recorded, running it again finishes."""

    def __init__(self) -> None:
        super().__init__(
            "publishing was cancelled; what was sent is recorded, publish again to finish"
        )


def explain(description: str, *, set_name: str, sticker: str | None = None) -> str | None:
    """The actionable message for a Bot API error `description`, or None when it is not one
    of the known failures (docs/TELEGRAM.md)."""
    text = description.lower()
    if "user not found" in text or "peer_id_invalid" in text or "user_id_invalid" in text:
        return (
            "Telegram does not know this user for the bot: open the bot in Telegram and press "
            "Start, and check the user id (your own numeric id, e.g. from @userinfobot)"
        )
    if "name is already occupied" in text or "sticker set name is already occupied" in text:
        return f"the set name {set_name} is already taken on Telegram; choose another pack name"
    if "created sticker set not found" in text:
        return (
            f"Telegram still holds the recently deleted set {set_name}; wait about 3 minutes "
            "and publish again, or choose another pack name"
        )
    if "sticker_png_dimensions" in text or "sticker_dimensions" in text:
        where = sticker or "a sticker"
        return f"Telegram refused {where}: wrong picture size; export the pack again"
    if "stickers_too_much" in text:
        return f"the set {set_name} is full on Telegram; remove stickers or split the pack"
    if "invalid sticker emojis" in text or "sticker_emoji_invalid" in text:
        where = sticker or "a sticker"
        return f"Telegram refused the emoji of {where}; give real emoji"
    if "bot_username" in text or ("_by_" in text and "name" in text):
        return f"Telegram refused the set name {set_name}: {description}"
    return None
