"""What the emoji picker shows and holds, without widgets: the search, the chosen emoji, the
suggestions from the prompt and the recently used ones.

The dialog (`emoji_picker.EmojiPicker`) only draws this model and forwards clicks to it, so the
picker's behaviour is tested here directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.pack.rules import TELEGRAM_RULES
from studio.ui.pack.suggest import EmojiIndex, EmojiName, words

MAX_EMOJI = TELEGRAM_RULES["emoji"]["max_per_sticker"]
RECENT_LIMIT = 32  # two rows of the picker's grid at its usual width

# Unicode blocks in the order a browsing user expects them, roughly the order of the usual emoji
# keyboards: faces, people and gestures, nature and food, objects, travel, symbols; flags last.
# The emoji package lists its emoji by English name, which starts with medals and flags.
_BLOCKS = (
    (0x1F600, 0x1F64F),  # emoticons: faces, cat faces, monkeys, gestures
    (0x1F900, 0x1F9FF),  # supplemental: more faces, people, animals, food
    (0x1F466, 0x1F4AA),  # people, hearts, body parts
    (0x1F300, 0x1F5FF),  # nature, food, activities, objects
    (0x2600, 0x27BF),  # weather, hearts, stars, dingbats
    (0x1F680, 0x1F6FF),  # transport and map symbols
    (0x1FA70, 0x1FAFF),  # newer objects and faces
)
_FLAGS = (0x1F1E6, 0x1F1FF)  # regional indicator letters: country flags
_SKIN_TONES = (0x1F3FB, 0x1F3FF)


def browse_key(char: str) -> tuple[int, int]:
    """Sort key for listing every emoji: by block (see `_BLOCKS`), then by code point."""
    first = ord(char[0])
    if _FLAGS[0] <= first <= _FLAGS[1] or char.startswith("\U0001f3f4"):
        return len(_BLOCKS) + 1, first
    for rank, (low, high) in enumerate(_BLOCKS):
        if low <= first <= high:
            return rank, first
    return len(_BLOCKS), first


def has_skin_tone(char: str) -> bool:
    """A skin-tone variant (👍🏽): listed under its plain emoji only when searched for."""
    return any(_SKIN_TONES[0] <= ord(c) <= _SKIN_TONES[1] for c in char)


def remember(recent: Iterable[str], used: Iterable[str], limit: int = RECENT_LIMIT) -> list[str]:
    """The recently used emoji after `used` were assigned: those first (in their order), then the
    earlier ones, without repeats, at most `limit`."""
    return list(dict.fromkeys([*used, *recent]))[:limit]


class EmojiPickerModel:
    """The picker's state for one sticker or a selection of stickers.

    `recent`: recently used emoji, most recent first (emoji the index does not know, say from a
    newer emoji version, are dropped); `initial`: the emoji the stickers have now; `suggested`:
    emoji matching their prompts.
    """

    def __init__(
        self,
        index: EmojiIndex,
        *,
        recent: Iterable[str] = (),
        initial: Iterable[str] = (),
        suggested: Iterable[str] = (),
    ) -> None:
        self._index = index
        self.recent = [char for char in dict.fromkeys(recent) if index.knows(char)]
        self.suggested = [char for char in dict.fromkeys(suggested) if index.knows(char)]
        self.query = ""
        self._browse: list[str] | None = None
        self._chosen: list[str] = []
        for char in initial:
            self.pick(char)

    # -- search ---------------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        self.query = text

    def results(self) -> list[str]:
        """Emoji matching the query, best first, recently used ones before them; with no query,
        every emoji in browsing order (skin-tone variants left out)."""
        typed = words(self.query)
        if not typed and not self.query.strip():
            found = [char for char in self._browse_order() if not has_skin_tone(char)]
            first = self.recent
        else:
            entries = self._index.search(self.query, limit=len(self._index.entries))
            found = [entry.emoji for entry in sorted(entries, key=lambda e: _rank(e, typed))]
            matching = set(found)
            first = [char for char in self.recent if char in matching]
        return list(dict.fromkeys([*first, *found]))

    def _browse_order(self) -> list[str]:
        if self._browse is None:
            self._browse = sorted((e.emoji for e in self._index.entries), key=browse_key)
        return self._browse

    def results_heading(self) -> str:
        """The line above the results: what they are and in which order."""
        recent_first = " (recently used first)" if self.recent else ""
        if not self.query.strip():
            return f"All emoji{recent_first}"
        count = len(self.results())
        if count == 0:
            query = self.query.strip()
            return f"No emoji is called “{query}”: try another word, English or Russian"
        return f"{count} found{recent_first}"

    def name(self, char: str) -> str:
        return self._index.name(char)

    # -- choice ---------------------------------------------------------------------------------

    def chosen(self) -> list[str]:
        return list(self._chosen)

    def pick(self, char: str) -> bool:
        """Add an emoji to the chosen ones; False when it is there already or 20 are chosen."""
        if char in self._chosen or len(self._chosen) >= MAX_EMOJI:
            return False
        self._chosen.append(char)
        return True

    def unpick(self, char: str) -> None:
        if char in self._chosen:
            self._chosen.remove(char)

    def clear(self) -> None:
        self._chosen.clear()

    def can_assign(self) -> bool:
        return bool(self._chosen)

    def chosen_text(self) -> str:
        full = " (the most a sticker takes)" if len(self._chosen) >= MAX_EMOJI else ""
        return f"Chosen: {len(self._chosen)} of {MAX_EMOJI}{full}; click one to remove it"

    def recent_after_assign(self) -> list[str]:
        """The recently used list once the chosen emoji are assigned."""
        return remember(self.recent, self._chosen)


def _rank(entry: EmojiName, typed: list[str]) -> tuple:
    """Search order: a name that is exactly the query ('cat': 🐈), then names that start with
    it ('cat face'), shorter names, plain before skin-tone variants, then browsing order."""
    named = [words(name) for name in entry.names]
    exact = any(name == typed for name in named)
    leading = any(name and typed and name[0].startswith(typed[0]) for name in named)
    shortest = min((len(name) for name in named), default=99)
    return (not exact, not leading, has_skin_tone(entry.emoji), shortest, browse_key(entry.emoji))
