"""Telegram's rules for static sticker and custom emoji sets, as data (docs/TELEGRAM.md).

Everything that checks a pack -- `validate`, the renderer, the encoder, `verify_export` and the
tests -- reads its limits from `TELEGRAM_RULES`, so a rule changes in exactly one place. The
`render` section holds the studio's own limits for the render options and the look of the drop
shadow; they are not Telegram's rules but they decide whether a sticker can still be seen.

The `kinds` section holds what differs between the two kinds of set a pack can become: a
regular sticker set (512 px side, 120 per set, a 100x100 set thumbnail) and a custom emoji set
(exactly 100x100, 200 per set, optionally repainted in the text colour). `kind_rules(kind)`
reads it; the `sticker` and `set` sections keep the regular set's values for the code that
knows only stickers.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Any

_RULES: dict[str, Any] = {
    "sticker": {
        "format": "WEBP",
        "side_px": 512,  # one side exactly this, the other at most this
        "max_bytes": 512_000,  # the long-standing Bot API limit; stay under it
        # Telegram's guidelines ask for a transparent background but it accepts square
        # pictures, so an opaque sticker is a warning, not an error.
        "needs_transparency": False,
        "warn_when_opaque": True,
        "sticker_format": "static",
    },
    "thumbnail": {
        "format": "WEBP",
        "width_px": 100,
        "height_px": 100,
        "max_bytes": 32_000,  # 32 KB in the strictest reading; the newer limit is 128 KB
        "file": "thumbnail.webp",
    },
    "set": {
        "min_stickers": 1,
        "max_stickers": 120,
        "stickers_per_create_call": 50,  # createNewStickerSet; the rest go via addStickerToSet
        "sticker_type": "regular",
        "manifest_file": "manifest.json",
        "sticker_file_pattern": "{index:03d}.webp",  # 1-based: 001.webp ... 120.webp
    },
    "title": {"min_chars": 1, "max_chars": 64},
    "name": {
        "min_chars": 1,
        "max_chars": 64,
        # English letters, digits and underscores; starts with a letter; no "__".
        "pattern": r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$",
        "bot_suffix": "_by_{bot_username}",
    },
    "emoji": {"min_per_sticker": 1, "max_per_sticker": 20},
    "keywords": {"min_per_sticker": 0, "max_per_sticker": 20, "max_total_chars": 64},
    "kinds": {
        "stickers": {
            "sticker_type": "regular",
            "side_px": 512,  # one side exactly this, the other at most this
            "square": False,
            "max_stickers": 120,
            "set_thumbnail": True,  # setStickerSetThumbnail with thumbnail.webp
            "can_repaint": False,
            "link": "https://t.me/addstickers/{name}",
        },
        "emoji": {
            "sticker_type": "custom_emoji",
            "side_px": 100,
            "square": True,  # exactly side x side
            "max_stickers": 200,  # "Emoji sticker sets can have up to 200 stickers"
            "set_thumbnail": False,  # Telegram refuses setStickerSetThumbnail for emoji sets
            "can_repaint": True,  # needs_repainting: one-colour emoji take the text colour
            "link": "https://t.me/addemoji/{name}",
        },
    },
    "render": {
        "outline_px": {"min": 0, "max": 32},
        "padding_px": {"min": 0, "max": 64},
        # The content keeps at least this many pixels on its long side after padding and margins.
        "min_content_px": 256,
        # Telegram's tip: a white stroke and a black shadow make a sticker stand out.
        "outline_color": [255, 255, 255],
        "shadow_color": [0, 0, 0],
        "shadow_offset_px": [4, 6],  # (x, y) down and to the right, at 512 px
        "shadow_blur_px": 6.0,  # Gaussian sigma at 512 px
        "shadow_opacity": 0.45,
    },
}


class PackKind(StrEnum):
    """Which kind of Telegram set a pack becomes."""

    STICKERS = "stickers"
    EMOJI = "emoji"

    @classmethod
    def from_sticker_type(cls, sticker_type: str) -> PackKind:
        """The kind whose Bot API `sticker_type` is `sticker_type` ('regular', 'custom_emoji')."""
        for kind in cls:
            if TELEGRAM_RULES["kinds"][kind.value]["sticker_type"] == sticker_type:
                return kind
        raise ValueError(f"unknown sticker_type {sticker_type!r}")


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


# Read-only view: nothing in the program can change a rule by accident.
TELEGRAM_RULES: MappingProxyType = _freeze(_RULES)


def sticker_file_name(index: int) -> str:
    """The file name of the sticker at 0-based `index` in the pack: 0 -> '001.webp'."""
    return TELEGRAM_RULES["set"]["sticker_file_pattern"].format(index=index + 1)


def kind_rules(kind: PackKind | str) -> MappingProxyType:
    """The rules that differ by kind of set (see the `kinds` section)."""
    return TELEGRAM_RULES["kinds"][PackKind(kind).value]
