"""The prompt panel: the prompt with its history, its Russian, and the Generate button.

A prompt typed in another language shows the Russian the model will read right under it,
editable, with "Send as typed" one click away (the translation itself is `PromptTranslation`'s).
The button says what is missing instead of failing: until the model files are found it reads
"Model files missing" and opens the model manager.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.ui.prompt_translation import (
    PromptTranslation,
    Submission,
    Translate,
    TranslationStatus,
)

HISTORY_SIZE = 50
PROMPT_HINT = "Кот в космическом шлеме, or: a cat in a space helmet"
TYPED_ROLE = Qt.ItemDataRole.UserRole + 1  # a history entry's text as typed


class _HistoryCompleter(QCompleter):
    """Finds an earlier prompt by any part of what was typed or of the Russian sent for it, and
    puts back the text as typed."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.entries = QStandardItemModel(self)
        self.setModel(self.entries)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def set_entries(self, entries: list[tuple[str, str | None]]) -> None:
        self.entries.clear()
        for typed, russian in entries:
            item = QStandardItem(f"{typed}  →  {russian}" if russian else typed)
            item.setData(typed, TYPED_ROLE)
            self.entries.appendRow(item)

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        return str(index.data(TYPED_ROLE) or "")


class PromptPanel(QWidget):
    """The prompt, its history and its Russian; the model's state and the Generate button.

    Signals: `generate_requested(Submission)` when the user asks to generate and the prompt is
    ready for the model; `model_manager_requested()` from the links that offer the model
    manager. The model state line and the button are `generate_controls`, one widget the window
    places below the sampler (the panel keeps them up to date wherever they are).
    """

    generate_requested = Signal(object)  # Submission: the prompt for the model, and as typed
    model_manager_requested = Signal()

    def __init__(
        self, translation: PromptTranslation | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.translation = translation or PromptTranslation(parent=self)
        self._sent: dict[str, str] = {}  # typed -> Russian, for the history
        self._missing: list[str] | None = None
        self._checking = True
        self._build()
        self._connect()
        self.set_model_state(checking=True)
        self._show_translation()

    def _build(self) -> None:
        self.prompt_box = QComboBox()
        self.prompt_box.setEditable(True)
        self.prompt_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.prompt_box.setMaxVisibleItems(15)
        self.prompt_box.lineEdit().setPlaceholderText(PROMPT_HINT)
        self.prompt_box.setToolTip("The prompt; the list holds your earlier prompts")
        self.prompt_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.prompt_box.setAccessibleName("Prompt")
        self.history_completer = _HistoryCompleter(self)
        self.prompt_box.setCompleter(self.history_completer)
        note = QLabel("Emojich reads <b>Russian</b>; other languages are translated first.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        self._build_translation_row()
        self._build_generate_controls()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Prompt")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        layout.addWidget(self.prompt_box)
        layout.addWidget(self.translation_row)
        layout.addWidget(note)

    def _build_translation_row(self) -> None:
        self.translation_row = QWidget()
        self.translation_row.setObjectName("translationRow")
        self.russian_edit = QLineEdit()
        self.russian_edit.setAccessibleName("Russian prompt")
        self.russian_edit.setToolTip(
            "What Emojich will read: the translation of your prompt. Edit it if it misses "
            "your meaning."
        )
        self.send_as_typed_box = QCheckBox("Send as typed")
        self.send_as_typed_box.setToolTip("Skip the translation: the model gets your text as is")
        self.translation_note = QLabel()
        self.translation_note.setObjectName("hint")
        self.translation_note.setWordWrap(True)
        self.translation_note.setTextFormat(Qt.TextFormat.RichText)
        title = QLabel("→ RU")
        title.setToolTip("The Russian the model will read")
        edit_row = QHBoxLayout()
        edit_row.setContentsMargins(0, 0, 0, 0)
        edit_row.addWidget(title)
        edit_row.addWidget(self.russian_edit, 1)
        edit_row.addWidget(self.send_as_typed_box)
        column = QVBoxLayout(self.translation_row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(edit_row)
        column.addWidget(self.translation_note)

    def _build_generate_controls(self) -> None:
        """The model state line over the Generate button: not in this panel's layout, for the
        window to place (see the class docstring)."""
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.model_label.setObjectName("modelState")
        self.model_label.setTextFormat(Qt.TextFormat.RichText)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_controls = QWidget()
        column = QVBoxLayout(self.generate_controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.model_label)
        column.addWidget(self.generate_button)

    def _connect(self) -> None:
        self.prompt_box.lineEdit().returnPressed.connect(self.request_generate)
        self.model_label.linkActivated.connect(lambda _link: self.model_manager_requested.emit())
        self.generate_button.clicked.connect(self.request_generate)
        self.translation_note.linkActivated.connect(
            lambda _link: self.model_manager_requested.emit()
        )
        self.prompt_box.editTextChanged.connect(self.translation.set_text)
        self.russian_edit.textEdited.connect(self.translation.set_russian)
        self.send_as_typed_box.toggled.connect(self.translation.set_send_as_typed)
        self.translation.changed.connect(self._show_translation)
        self.translation.submission_ready.connect(self._send)

    # -- the translation ------------------------------------------------------------------------

    def set_translator(self, translate: Translate | None) -> None:
        """The translator (None: not installed; prompts in other languages go as typed)."""
        self.translation.set_translator(translate)

    def russian(self) -> str:
        """The Russian shown under the prompt ('' when there is none)."""
        return self.russian_edit.text()

    def _show_translation(self) -> None:
        t = self.translation
        self.translation_row.setVisible(t.status is not TranslationStatus.NOT_NEEDED)
        if self.russian_edit.text() != t.russian:
            self.russian_edit.setText(t.russian)
            self.russian_edit.setCursorPosition(0)  # a long Russian shows its beginning
        self.russian_edit.setEnabled(t.status is TranslationStatus.READY and not t.send_as_typed)
        if self.send_as_typed_box.isChecked() != t.send_as_typed:
            self.send_as_typed_box.setChecked(t.send_as_typed)
        match t.status:
            case TranslationStatus.TRANSLATING:
                self.russian_edit.setPlaceholderText(
                    "Loading the translator (first use)…" if t.first_load else "Translating…"
                )
                note = ""
            case TranslationStatus.LOOKING:
                self.russian_edit.setPlaceholderText("")
                note = "Looking for the translator…"
            case TranslationStatus.NO_TRANSLATOR:
                self.russian_edit.setPlaceholderText("")
                note = (
                    "The translator is not installed: the prompt goes as typed. "
                    "<a href='models'>Get it in the model manager…</a>"
                )
            case TranslationStatus.FAILED:
                self.russian_edit.setPlaceholderText("")
                note = f"{_escape(t.error)}. Generate sends the prompt as typed."
            case _:
                self.russian_edit.setPlaceholderText("")
                note = "Edited by you." if t.edited else ""
        if t.send_as_typed and t.status is not TranslationStatus.NOT_NEEDED:
            note = "The model gets your text as typed."
        self.translation_note.setText(note)
        self.translation_note.setVisible(bool(note))
        self._show_button()

    def shutdown(self, msecs: int = 0) -> bool:
        """Drop translations on their way (the window is closing); False when one still runs."""
        return self.translation.close(msecs)

    # -- the prompt -----------------------------------------------------------------------------

    def prompt(self) -> str:
        return self.prompt_box.currentText().strip()

    def set_prompt(self, text: str) -> None:
        self.prompt_box.setEditText(text)

    def set_history(self, prompts: list[str], sent: dict[str, str] | None = None) -> None:
        """Earlier prompts as typed, newest first (duplicates dropped); `sent` maps a typed
        prompt to the Russian it was sent as, so the history finds either and picking one
        brings its Russian back."""
        self._sent.update(sent or {})
        for typed, russian in self._sent.items():
            self.translation.remember(typed, russian)
        text = self.prompt_box.currentText()
        seen = list(dict.fromkeys(prompts))[:HISTORY_SIZE]
        self.prompt_box.blockSignals(True)
        self.prompt_box.clear()
        self.prompt_box.addItems(seen)
        for i, typed in enumerate(seen):
            if typed in self._sent:
                self.prompt_box.setItemData(i, self._sent[typed], Qt.ItemDataRole.ToolTipRole)
        self.prompt_box.setEditText(text)
        self.prompt_box.blockSignals(False)
        self.history_completer.set_entries([(typed, self._sent.get(typed)) for typed in seen])

    def remember(self, prompt: str, russian: str | None = None) -> None:
        """Put a sent prompt (as typed, and the Russian it went as) at the top of the history."""
        items = [self.prompt_box.itemText(i) for i in range(self.prompt_box.count())]
        self.set_history([prompt, *items], {prompt: russian} if russian else None)

    # -- the model state ------------------------------------------------------------------------

    def set_model_state(
        self, missing: list[str] | None = None, checking: bool = False, error: str | None = None
    ) -> None:
        """checking: still looking; missing: names of missing files (empty list = ready)."""
        self._checking = checking
        self._missing = missing
        if checking:
            self.model_label.setText("Looking for the model files…")
            self.generate_button.setText("Generate")
            self.generate_button.setEnabled(False)
        elif error:
            self.model_label.setText(f"{error} <a href='models'>Open the model manager…</a>")
            self.generate_button.setText("Model not usable")
            self.generate_button.setEnabled(False)
        elif missing:
            names = ", ".join(missing)
            self.model_label.setText(
                f"Model files missing: <b>{names}</b>. "
                "<a href='models'>Download them or choose a folder…</a>"
            )
            self.generate_button.setText("Model files missing")
            self.generate_button.setEnabled(False)
        else:
            self.model_label.setText("")
            self.generate_button.setEnabled(True)
        self.model_label.setVisible(bool(self.model_label.text()))
        self._show_button()

    def _show_button(self) -> None:
        if self.model_ready:
            waiting = self.translation.waiting
            self.generate_button.setText(
                "Generate (after the translation)" if waiting else "Generate"
            )

    @property
    def model_ready(self) -> bool:
        return not self._checking and self._missing == []

    def request_generate(self) -> None:
        """What Generate (or Enter in the prompt) does: send the prompt once its Russian is
        ready; nothing while the model is not ready."""
        if not self.model_ready:
            return
        self.translation.set_text(self.prompt())  # what is typed now, not a second ago
        ready = self.translation.request_submission()
        self._show_button()
        if ready is not None:
            self._send(ready)

    def _send(self, submission: Submission) -> None:
        self._show_button()
        if self.model_ready:
            self.generate_requested.emit(submission)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
