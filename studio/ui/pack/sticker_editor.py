"""Emoji and keywords of the selected stickers, with suggestions from their prompts.

Works on a selection: choosing emoji assigns them to every selected sticker (bulk), a suggested
emoji is added to each, and keywords typed here replace each one's keywords.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.pack import InvalidEmoji, split_emoji
from studio.ui.pack.emoji_strip import EmojiStrip
from studio.ui.pack.model import StickerEntry
from studio.ui.pack.suggest import EmojiIndex, prompt_words, suggest_keywords

MAX_SUGGESTED = 8
EMOJI_PLACEHOLDER = "Paste emoji"
EMOJI_TOOLTIP = (
    "Type or paste the emoji of the selected stickers (one to twenty), or choose them with "
    "Choose emoji…"
)


def parse_keywords(text: str) -> list[str]:
    """'кот, рыжий,  спит' -> ['кот', 'рыжий', 'спит'] (empty pieces dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class StickerEditor(QWidget):
    """The emoji and keywords of the selected stickers. Signals carry the new values; the panel
    writes them to every selected sticker: `emoji_assigned(list)` replaces each one's emoji,
    `emoji_added(str)` adds a suggested one, `keywords_assigned(list)` replaces the keywords,
    `pick_requested()` asks for the picker. The panel shows a selection with `set_selection`
    and points at a field with `focus_field`."""

    emoji_assigned = Signal(list)  # replace each selected sticker's emoji with these
    emoji_added = Signal(str)  # add one emoji to each selected sticker
    keywords_assigned = Signal(list)
    pick_requested = Signal()  # open the picker for the selection

    def __init__(self, index: EmojiIndex, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = index
        self._suggested_keywords: list[str] = []
        self._suggested_emoji: list[str] = []
        self._build()
        self._connect()
        self.set_selection([])

    def _build(self) -> None:
        self.heading = QLabel()
        big = QFont()
        big.setPointSize(16)
        # The large font shows the emoji well, but leaves room for few letters: the hint is
        # short ("Type or paste emoji" read "Type or pas…" at 1366 px) and said in full as
        # the tooltip.
        self.emoji_edit = QLineEdit(placeholderText=EMOJI_PLACEHOLDER)
        self.emoji_edit.setToolTip(EMOJI_TOOLTIP)
        self.emoji_edit.setFont(big)
        self.emoji_error = QLabel()
        self.emoji_error.setStyleSheet("color: #d9534f;")
        self.emoji_error.setWordWrap(True)
        self.pick_button = QPushButton("Choose emoji…")
        self.keywords_edit = QLineEdit(placeholderText="search words, separated by commas")
        self.suggestions = EmojiStrip()
        self.suggested_keywords_button = QPushButton("Use suggested keywords")

        emoji_row = QHBoxLayout()
        emoji_row.addWidget(self.emoji_edit, 1)
        emoji_row.addWidget(self.pick_button)
        self._form = form = QFormLayout()
        form.addRow("Emoji", emoji_row)
        form.addRow("", self.emoji_error)
        form.addRow("Suggested", self.suggestions)
        form.addRow("Keywords", self.keywords_edit)
        form.addRow("", self.suggested_keywords_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)

    def _connect(self) -> None:
        self.emoji_edit.editingFinished.connect(self._emoji_typed)
        self.pick_button.clicked.connect(self.pick_requested)
        self.suggestions.emoji_clicked.connect(self.emoji_added)
        self.keywords_edit.editingFinished.connect(self._keywords_typed)
        self.suggested_keywords_button.clicked.connect(
            lambda: self.keywords_assigned.emit(list(self._suggested_keywords))
        )

    def set_selection(self, entries: list[StickerEntry]) -> None:
        """Show the selected stickers' values (shared values only, for several)."""
        self.setEnabled(bool(entries))
        count = len(entries)
        if count == 0:
            self.heading.setText("No sticker selected")
        elif count == 1:
            self.heading.setText(
                f"Sticker #{entries[0].candidate.id}: {entries[0].candidate.prompt or ''}"
            )
        else:
            self.heading.setText(f"{count} stickers selected: changes apply to all of them")
        emoji_lists = {tuple(e.item.emoji_list) for e in entries}
        keyword_lists = {tuple(e.item.keywords) for e in entries}
        if not self.emoji_edit.hasFocus():
            self.emoji_edit.setText("".join(emoji_lists.pop()) if len(emoji_lists) == 1 else "")
        if not self.keywords_edit.hasFocus():
            self.keywords_edit.setText(
                ", ".join(keyword_lists.pop()) if len(keyword_lists) == 1 else ""
            )
        self.emoji_error.setText("")
        prompts = prompt_words([(e.candidate.prompt_original, e.candidate.prompt) for e in entries])
        self._show_suggestions(self._index.suggest_emoji(prompts, MAX_SUGGESTED))
        self._suggested_keywords = suggest_keywords(prompts)
        self.suggested_keywords_button.setEnabled(bool(self._suggested_keywords))
        self.suggested_keywords_button.setToolTip(", ".join(self._suggested_keywords))

    def focus_field(self, field: str) -> None:
        """Put the keyboard in the emoji field ("emoji_list") or the keywords ("keywords"),
        the sticker fields a check names."""
        edits = {"emoji_list": self.emoji_edit, "keywords": self.keywords_edit}
        edits[field].setFocus()

    def suggested_emoji(self) -> list[str]:
        return list(self._suggested_emoji)

    def _show_suggestions(self, chars: list[str]) -> None:
        self._suggested_emoji = list(chars)
        self.suggestions.set_emoji(chars, lambda char: f"Add {self._index.name(char)}")
        # No emoji name matches a word of the prompt: no row, rather than an empty button.
        self._form.setRowVisible(self.suggestions, bool(chars))

    def suggestions_shown(self) -> bool:
        """Whether the Suggested row is shown (it is hidden when there is nothing to suggest)."""
        return not self.suggestions.isHidden()

    def _emoji_typed(self) -> None:
        # editingFinished also fires on focus loss: only an actual edit assigns anything.
        if not self.emoji_edit.isModified():
            return
        self.emoji_edit.setModified(False)
        text = self.emoji_edit.text()
        if not text.strip():
            return  # cleared: the live check says the sticker needs one
        try:
            chars = split_emoji(text)
        except InvalidEmoji as exc:
            self.emoji_error.setText(str(exc))
            return
        self.emoji_error.setText("")
        self.emoji_assigned.emit(chars)

    def _keywords_typed(self) -> None:
        if not self.keywords_edit.isModified():
            return
        self.keywords_edit.setModified(False)
        self.keywords_assigned.emit(parse_keywords(self.keywords_edit.text()))
