"""Checks a pack against Telegram's rules (`rules.TELEGRAM_RULES`) before anything is written.

`validate(pack)` returns every problem at once, each naming the field and the sticker it concerns,
so the pack panel can show them live beside the right control and the CLI can refuse bad input in
one line. The per-field checks are public too, for a panel that checks one field as it is typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import emoji as emoji_db

from studio.errors import StudioError
from studio.pack.rules import TELEGRAM_RULES, PackKind, kind_rules
from studio.pack.spec import PackSpec, RenderOptions


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field (and sticker, 0-based) and what to do about it."""

    field: str  # "title", "name", "stickers", "emoji_list", "keywords", "outline_px", ...
    message: str
    sticker: int | None = None  # index into PackSpec.stickers, or None for the whole pack
    warning: bool = False  # worth knowing, but Telegram accepts it

    def __str__(self) -> str:
        where = f"sticker {self.sticker + 1}: " if self.sticker is not None else ""
        return f"{'warning: ' if self.warning else ''}{where}{self.message}"


class PackInvalid(StudioError):
    """The pack breaks one or more rules; `problems` lists them all."""

    def __init__(
        self, problems: Sequence[Problem], describe: Callable[[int], str] | None = None
    ) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        where = ""
        if first.sticker is not None:
            where = f"{describe(first.sticker) if describe else f'sticker {first.sticker + 1}'}: "
        others = len(self.problems) - 1
        more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
        super().__init__(f"{where}{first.message}{more}")


class InvalidEmoji(StudioError):
    """Text given as emoji holds something that is not an emoji."""


def _chars(n: int) -> str:
    return f"{n} character" if n == 1 else f"{n} characters"


def title_problems(title: str) -> list[str]:
    """What is wrong with a set title (empty list when it is fine)."""
    rule = TELEGRAM_RULES["title"]
    text = title.strip()
    if len(text) < rule["min_chars"]:
        return ["the pack needs a title; give one of 1-64 characters"]
    problems = []
    if len(text) > rule["max_chars"]:
        problems.append(
            f"the title is {_chars(len(text))} long; shorten it to {rule['max_chars']} or fewer"
        )
    if any(unicodedata.category(c) == "Cc" for c in title):
        problems.append("the title holds a line break or control character; remove it")
    return problems


def name_problems(name: str, bot_username: str | None = None) -> list[str]:
    """What is wrong with a set name (the t.me/addstickers/NAME part); empty when fine.

    With `bot_username`, the name must also end in `_by_<bot_username>`, as Telegram requires
    for sets a bot creates.
    """
    rule = TELEGRAM_RULES["name"]
    if len(name) < rule["min_chars"]:
        return ["the pack needs a name (English letters, digits and _, starting with a letter)"]
    problems = []
    if len(name) > rule["max_chars"]:
        problems.append(
            f"the name is {_chars(len(name))} long; shorten it to {rule['max_chars']} or fewer"
        )
    bad = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c == "_"))})
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        problems.append(f"the name may hold only English letters, digits and _; remove {shown}")
    if not (name[0].isascii() and name[0].isalpha()):
        problems.append("the name must start with an English letter")
    if "__" in name:
        problems.append("the name must not hold two underscores in a row")
    if bot_username:
        suffix = rule["bot_suffix"].format(bot_username=bot_username)
        if not name.lower().endswith(suffix.lower()):
            problems.append(f"a name for a bot's set must end in {suffix}")
    if not problems and not re.fullmatch(rule["pattern"], name):
        # The granular checks above should catch everything the pattern refuses.
        problems.append("the name may hold only English letters, digits and single underscores")
    return problems


def emoji_problems(emoji_list: Sequence[str]) -> list[str]:
    """What is wrong with one sticker's emoji list; each entry must be exactly one emoji."""
    rule = TELEGRAM_RULES["emoji"]
    if len(emoji_list) < rule["min_per_sticker"]:
        return ["give the sticker at least one emoji"]
    problems = []
    if len(emoji_list) > rule["max_per_sticker"]:
        problems.append(
            f"the sticker has {len(emoji_list)} emoji; keep {rule['max_per_sticker']} at most"
        )
    for entry in emoji_list:
        if emoji_db.is_emoji(entry):
            continue
        found = emoji_db.emoji_list(entry)
        if len(found) > 1 and "".join(f["emoji"] for f in found) == entry:
            problems.append(f"{entry!r} is {len(found)} emoji in one entry; list them one by one")
        else:
            problems.append(f"{entry!r} is not an emoji; use a real emoji such as 😀")
    return problems


def keyword_problems(keywords: Sequence[str]) -> list[str]:
    """What is wrong with one sticker's search keywords (0-20, 64 characters in all)."""
    rule = TELEGRAM_RULES["keywords"]
    problems = []
    if len(keywords) > rule["max_per_sticker"]:
        problems.append(
            f"the sticker has {len(keywords)} keywords; keep {rule['max_per_sticker']} at most"
        )
    if any(not k.strip() for k in keywords):
        problems.append("a keyword is empty; remove it")
    total = sum(len(k) for k in keywords)
    if total > rule["max_total_chars"]:
        problems.append(
            f"the keywords add up to {_chars(total)}; Telegram allows "
            f"{rule['max_total_chars']} in all, so shorten or drop some"
        )
    return problems


def count_problems(count: int, kind: PackKind | str = PackKind.STICKERS) -> list[str]:
    """What is wrong with the number of stickers in a set of this kind (empty when fine)."""
    low = TELEGRAM_RULES["set"]["min_stickers"]
    high = kind_rules(kind)["max_stickers"]
    what = "emoji" if PackKind(kind) is PackKind.EMOJI else "stickers"
    if count < low:
        return ["the pack is empty; add at least one sticker"]
    if count > high:
        return [
            f"the pack has {count} {what}; a set holds {high} at most, "
            f"so remove {count - high} or split it into two packs"
        ]
    return []


def options_problems(options: RenderOptions) -> list[Problem]:
    """Render options outside the studio's limits (see `rules.TELEGRAM_RULES['render']`)."""
    rule = TELEGRAM_RULES["render"]
    problems = []
    for field_name in ("outline_px", "padding_px"):
        value = getattr(options, field_name)
        low, high = rule[field_name]["min"], rule[field_name]["max"]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            label = field_name.removesuffix("_px")
            problems.append(
                Problem(field_name, f"the {label} must be a whole number of pixels, {low}-{high}")
            )
    return problems


def validate(pack: PackSpec, bot_username: str | None = None) -> list[Problem]:
    """Every rule the pack breaks, in the order the pack panel shows them; empty when valid.

    Checks the title, the name (and its `_by_<bot>` suffix when `bot_username` is given), the
    number of stickers, each sticker's emoji and keywords, and the render options. The pictures
    themselves are checked when they are rendered.
    """
    problems = [Problem("title", m) for m in title_problems(pack.title)]
    problems += [Problem("name", m) for m in name_problems(pack.name, bot_username)]
    problems += [Problem("stickers", m) for m in count_problems(len(pack.stickers), pack.kind)]
    if pack.needs_repainting and not kind_rules(pack.kind)["can_repaint"]:
        problems.append(
            Problem(
                "needs_repainting",
                "only emoji packs can take the text colour; turn adaptive colour off, "
                "or make it an emoji pack",
            )
        )
    for index, sticker in enumerate(pack.stickers):
        problems += [Problem("emoji_list", m, index) for m in emoji_problems(sticker.emoji_list)]
        problems += [Problem("keywords", m, index) for m in keyword_problems(sticker.keywords)]
    problems += options_problems(pack.options)
    return problems


def ensure_valid(pack: PackSpec, bot_username: str | None = None) -> None:
    """Raise `PackInvalid` (a StudioError) naming the first problem, if there is any."""
    problems = validate(pack, bot_username)
    if problems:
        raise PackInvalid(problems, pack.describe)


def split_emoji(text: str) -> list[str]:
    """Split typed text into emoji ('😀👍🏽', '😀 👨‍👩‍👧', '😀,😎'), keeping ZWJ sequences whole.

    Spaces and commas between emoji are allowed; anything else raises `InvalidEmoji`.
    """
    found = emoji_db.emoji_list(text)
    rest, last = [], 0
    for item in found:
        rest.append(text[last : item["match_start"]])
        last = item["match_end"]
    rest.append(text[last:])
    leftover = "".join(rest).replace(",", " ").split()
    if leftover:
        where = "" if leftover[0] == text.strip() else f" in {text!r}"
        raise InvalidEmoji(
            f"{leftover[0]!r}{where} is not an emoji; give real emoji such as 😀 or 👍🏽"
        )
    if not found:
        raise InvalidEmoji(f"{text!r} holds no emoji; give at least one, such as 😀")
    return [item["emoji"] for item in found]
