"""What the emoji picker shows and holds, without widgets: the search, the chosen emoji, the
suggestions from the prompt and the recently used ones.

The dialog (`emoji_picker.EmojiPicker`) only draws this model and forwards clicks to it, so the
picker's behaviour is tested here directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.pack.rules import TELEGRAM_RULES
from studio.ui.pack.suggest import EmojiIndex

MAX_EMOJI = TELEGRAM_RULES["emoji"]["max_per_sticker"]
RECENT_LIMIT = 32  # two rows of the picker's grid at its usual width


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
        self._chosen: list[str] = []
        for char in initial:
            self.pick(char)

    # -- search ---------------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        self.query = text

    def results(self) -> list[str]:
        """Emoji matching the query (all of them for none), recently used ones first."""
        found = [entry.emoji for entry in self._index.search(self.query)]
        if not self.query.strip():
            first = self.recent
        else:
            matching = set(found)
            first = [char for char in self.recent if char in matching]
        return list(dict.fromkeys([*first, *found]))

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
