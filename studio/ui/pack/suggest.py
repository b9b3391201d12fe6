"""Emoji names for the picker's search, and emoji/keyword suggestions from a candidate's prompt.

Prompts are Russian, often translated from what the user typed (English, say); both texts are
matched, the typed words first. The `emoji` package ships every emoji's CLDR name in several
languages (Russian included, loaded on request), so a suggestion is plain word matching: each
word of the prompt, cut to a crude stem so that "кошки" meets "кошка", against the words of each
emoji's Russian and English names and aliases. No network, no model; it proposes, the user decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import emoji as emoji_db

from studio.pack.rules import TELEGRAM_RULES

# The languages whose names the picker searches and the suggestions match.
NAME_LANGUAGES = ("en", "ru")

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Words that say nothing about a picture; never keywords, never matched.
_STOP_WORDS = frozenset(
    """
    и в во на с со к ко по за из от до для о об у а но или не ни же ли бы то это как что
    очень так еще ещё весь вся все всё его ее её их он она оно они мы вы ты я
    эмодзи emoji смайлик смайл стикер sticker
    a an the of and or with in on at to for is are be by as from face
    """.split()
)


def words(text: str) -> list[str]:
    """Lower-case words of `text` (letters only; 'ё' folded to 'е')."""
    return [w.lower().replace("ё", "е") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude stem: drop up to two final letters of a long word (Russian endings are short)."""
    if len(word) >= 7:
        return word[:-2]
    if len(word) >= 5:
        return word[:-1]
    return word


@dataclass(frozen=True)
class EmojiName:
    emoji: str
    names: tuple[str, ...]  # readable names, 'grinning face', 'широко улыбается'
    words: frozenset[str]
    version: float  # the Emoji version that added it: older ones are the common ones


class EmojiIndex:
    """Every fully qualified emoji with its names, built once per index (a few milliseconds)."""

    @cached_property
    def entries(self) -> list[EmojiName]:
        for language in NAME_LANGUAGES:
            if language != "en":
                emoji_db.config.load_language(language)
        fully_qualified = emoji_db.STATUS["fully_qualified"]
        entries = []
        for char, data in emoji_db.EMOJI_DATA.items():
            if data.get("status") != fully_qualified:
                continue
            raw = [data.get(language) for language in NAME_LANGUAGES]
            raw += list(data.get("alias", ()))
            names = tuple(dict.fromkeys(n.strip(":").replace("_", " ") for n in raw if n))
            found = frozenset(w for n in names for w in words(n))
            entries.append(EmojiName(char, names, found, float(data.get("E", 99))))
        return entries

    @cached_property
    def _by_emoji(self) -> dict[str, EmojiName]:
        return {entry.emoji: entry for entry in self.entries}

    def knows(self, char: str) -> bool:
        """Whether `char` is one fully qualified emoji of the index."""
        return char in self._by_emoji

    def name(self, char: str) -> str:
        """A readable name of an emoji, for tooltips: 'grinning face · широко улыбается'."""
        entry = self._by_emoji.get(char)
        return " · ".join(entry.names[:2]) if entry else char

    def search(self, query: str, limit: int = 400) -> list[EmojiName]:
        """Emoji whose names hold every typed word as a word prefix; all of them for ''."""
        typed = words(query)
        literal = [e["emoji"] for e in emoji_db.emoji_list(query)]
        if literal:  # a pasted emoji finds itself
            return [self._by_emoji[c] for c in literal if c in self._by_emoji][:limit]
        if not typed:
            return self.entries[:limit]
        found = []
        for entry in self.entries:
            if all(any(w.startswith(t) for w in entry.words) for t in typed):
                found.append(entry)
                if len(found) >= limit:
                    break
        return found

    def suggest_emoji(self, prompt: str, limit: int = 8) -> list[str]:
        """Emoji whose names share a word stem with the prompt, best matches first."""
        stems = [stem(w) for w in words(prompt) if len(w) >= 3 and w not in _STOP_WORDS]
        if not stems:
            return []
        scored = []
        for order, entry in enumerate(self.entries):
            hits = sum(1 for s in stems if any(w.startswith(s) for w in entry.words))
            if hits:
                # More matched words first; then older emoji (the common ones), shorter names
                # (the plain 'cat' over 'cat with wry smile'), then the package's order.
                scored.append((-hits, entry.version, len(entry.words), order, entry.emoji))
        scored.sort()
        return [char for *_, char in scored[:limit]]


def prompt_words(prompts: list[tuple[str | None, str | None]]) -> str:
    """One text of the (typed, sent) prompt pairs to suggest from: the words the user typed come
    first (Telegram keywords are search words in any language), then the Russian the model
    read; repeats dropped."""
    texts = [text for pair in prompts for text in pair if text]
    return " ".join(dict.fromkeys(texts))


def suggest_keywords(prompt: str) -> list[str]:
    """Content words of the prompt as search keywords, within Telegram's count and length."""
    rule = TELEGRAM_RULES["keywords"]
    chosen: list[str] = []
    total = 0
    for word in words(prompt):
        if len(word) < 3 or word in _STOP_WORDS or word in chosen:
            continue
        if len(chosen) >= rule["max_per_sticker"] or total + len(word) > rule["max_total_chars"]:
            break
        chosen.append(word)
        total += len(word)
    return chosen
