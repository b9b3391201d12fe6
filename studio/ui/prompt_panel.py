"""The prompt panel: the prompt with its history, the language note, and the Generate button.

The button says what is missing instead of failing: until the model files are found it reads
"Model files missing" and opens the model manager.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

HISTORY_SIZE = 50
PROMPT_HINT = "Например: «Кот в космическом шлеме»"


class PromptPanel(QWidget):
    generate_requested = Signal(str)  # the prompt
    model_manager_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt_box = QComboBox()
        self.prompt_box.setEditable(True)
        self.prompt_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.prompt_box.setMaxVisibleItems(15)
        self.prompt_box.lineEdit().setPlaceholderText(PROMPT_HINT)
        self.prompt_box.setToolTip("The prompt; the list holds your earlier prompts")
        self.prompt_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.prompt_box.setAccessibleName("Prompt")
        self.prompt_box.lineEdit().returnPressed.connect(self._on_generate)
        note = QLabel(
            "Emojich understands <b>Russian</b>: write the prompt in Russian for the best "
            "results."
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.model_label.setObjectName("modelState")
        self.model_label.setTextFormat(Qt.TextFormat.RichText)
        self.model_label.linkActivated.connect(lambda _link: self.model_manager_requested.emit())
        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self._on_generate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Prompt")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        layout.addWidget(self.prompt_box)
        layout.addWidget(note)
        self._button_layout = layout
        self._missing: list[str] | None = None
        self._checking = True
        self.set_model_state(checking=True)

    # -- the prompt -----------------------------------------------------------------------------

    def prompt(self) -> str:
        return self.prompt_box.currentText().strip()

    def set_prompt(self, text: str) -> None:
        self.prompt_box.setEditText(text)

    def set_history(self, prompts: list[str]) -> None:
        """Earlier prompts, newest first (duplicates dropped)."""
        text = self.prompt_box.currentText()
        seen: list[str] = []
        for p in prompts:
            if p not in seen:
                seen.append(p)
        self.prompt_box.blockSignals(True)
        self.prompt_box.clear()
        self.prompt_box.addItems(seen[:HISTORY_SIZE])
        self.prompt_box.setEditText(text)
        self.prompt_box.blockSignals(False)

    def remember(self, prompt: str) -> None:
        items = [self.prompt_box.itemText(i) for i in range(self.prompt_box.count())]
        self.set_history([prompt, *items])

    # -- the model state ------------------------------------------------------------------------

    def set_model_state(self, missing: list[str] | None = None, checking: bool = False,
                        error: str | None = None) -> None:
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
            self.generate_button.setText("Generate")
            self.generate_button.setEnabled(True)
        self.model_label.setVisible(bool(self.model_label.text()))

    @property
    def model_ready(self) -> bool:
        return not self._checking and self._missing == []

    def _on_generate(self) -> None:
        if self.model_ready:
            self.generate_requested.emit(self.prompt())
