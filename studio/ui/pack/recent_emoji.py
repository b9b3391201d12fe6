"""The recently used emoji, kept in the studio's window-state store (`window_state`), so a
portable STUDIO_HOME carries them and tests never touch the user's own."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from studio.ui.pack.picker_model import RECENT_LIMIT, remember

_KEY = "emoji_picker/recent"


class RecentEmoji:
    """Most recent first. Stored as one space-separated string: an emoji never holds a space,
    and a plain string reads back the same from every QSettings backend."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def load(self) -> list[str]:
        raw = self._settings.value(_KEY, "")
        text = raw if isinstance(raw, str) else ""
        return list(dict.fromkeys(text.split()))[:RECENT_LIMIT]

    def save(self, chars: list[str]) -> None:
        self._settings.setValue(_KEY, " ".join(chars[:RECENT_LIMIT]))
        self._settings.sync()

    def remember(self, used: list[str]) -> None:
        """Put `used` first (an emoji typed, suggested or picked for a sticker)."""
        self.save(remember(self.load(), used))
