"""The pack's own fields: title, set name, and how every sticker is drawn."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.library import Pack
from studio.pack import RenderOptions
from studio.pack.looks import LOOKS, look_named, look_of
from studio.pack.rules import TELEGRAM_RULES, PackKind, kind_rules
from studio.ui.pack.model import name_from_title

# A field with a problem gets this border until the problem is fixed.
_PROBLEM_STYLE = "border: 2px solid #d9534f; border-radius: 3px;"


# The look combo's entry for outline, shadow and padding that match no named look.
CUSTOM_LOOK = "custom"
_LOOK_FIELDS = ("outline_px", "shadow", "padding_px")


class PackFields(QWidget):
    """Edits one pack; `changed(field, value)` for each edit the user makes, and
    `look_chosen(key)` when the user picks a named look (it sets outline, shadow and padding
    at once: `studio.pack.looks`)."""

    changed = Signal(str, object)
    look_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._build()
        self._connect()

    def _build(self) -> None:
        render = TELEGRAM_RULES["render"]
        self.title = QLineEdit(placeholderText="What people see, e.g. Котики")
        self.title.setMaxLength(200)  # longer than the rule, so the check can say so
        self.name = QLineEdit(placeholderText="t.me/addstickers/NAME, e.g. kotiki_2026")
        self.name.setMaxLength(200)
        self.name_from_title = QPushButton("From title")
        self.name_from_title.setToolTip(
            "Make a valid name from the title (Russian letters in Latin)"
        )
        self.look = QComboBox()
        for look in LOOKS:
            self.look.addItem(look.label, look.key)
            self.look.setItemData(
                self.look.count() - 1, look.description, Qt.ItemDataRole.ToolTipRole
            )
        self.look.addItem("Custom", CUSTOM_LOOK)
        self.look.setToolTip("How every sticker is drawn; the preview shows it")
        self.outline = QSpinBox(suffix=" px")
        self.outline.setRange(render["outline_px"]["min"], render["outline_px"]["max"])
        self.outline.setToolTip("White stroke around each sticker (Telegram's own tip)")
        self.shadow = QCheckBox("Drop shadow")
        self.padding = QSpinBox(suffix=" px")
        self.padding.setRange(render["padding_px"]["min"], render["padding_px"]["max"])
        self.kind = QComboBox()
        for kind, label in ((PackKind.STICKERS, "Stickers"), (PackKind.EMOJI, "Custom emoji")):
            rule = kind_rules(kind)
            side = (
                f"{rule['side_px']}×{rule['side_px']}"
                if rule["square"]
                else f"{rule['side_px']} px"
            )
            self.kind.addItem(f"{label} ({side}, up to {rule['max_stickers']})", kind.value)
        self.adaptive = QCheckBox("Adaptive colour (one-colour emoji take the text colour)")
        self.widgets: dict[str, QWidget] = {
            "title": self.title,
            "name": self.name,
            "outline_px": self.outline,
            "shadow": self.shadow,
            "padding_px": self.padding,
            "kind": self.kind,
            "needs_repainting": self.adaptive,
        }

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Title", self.title)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.name_from_title)
        form.addRow("Name", name_row)
        form.addRow("Kind", self.kind)
        form.addRow("", self.adaptive)
        form.addRow("Look", self.look)
        # One row for the three values a look sets, so the sticker list keeps its height.
        look_row = QHBoxLayout()
        look_row.addWidget(self.outline, 1)
        look_row.addWidget(self.shadow)
        look_row.addWidget(QLabel("Padding"))
        look_row.addWidget(self.padding, 1)
        form.addRow("Outline", look_row)

    def _connect(self) -> None:
        self.title.textEdited.connect(lambda text: self.changed.emit("title", text))
        self.name.textEdited.connect(lambda text: self.changed.emit("name", text))
        self.name_from_title.clicked.connect(self.derive_name)
        self.outline.valueChanged.connect(lambda value: self._emit("outline_px", value))
        self.padding.valueChanged.connect(lambda value: self._emit("padding_px", value))
        self.shadow.toggled.connect(lambda on: self._emit("shadow", on))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.look.activated.connect(self._look_activated)
        self.adaptive.toggled.connect(lambda on: self._emit("needs_repainting", on))

    def _emit(self, field: str, value: object) -> None:
        if self._loading:
            return
        if field in _LOOK_FIELDS:
            self._show_look()
        self.changed.emit(field, value)

    def _kind_changed(self, _index: int) -> None:
        kind = self.kind.currentData()
        self.adaptive.setEnabled(bool(kind_rules(kind)["can_repaint"]))
        self._emit("kind", kind)

    def _look_activated(self, index: int) -> None:
        key = self.look.itemData(index)
        if key != CUSTOM_LOOK:
            self.look_chosen.emit(key)
            return
        # "Custom" is where the spin boxes lead; picking it keeps the current values.
        self.outline.setFocus()

    def _show_look(self) -> None:
        options = RenderOptions(
            outline_px=self.outline.value(),
            shadow=self.shadow.isChecked(),
            padding_px=self.padding.value(),
        )
        look = look_of(options)
        self.look.setCurrentIndex(self.look.findData(look.key if look else CUSTOM_LOOK))

    def chosen_look(self) -> str:
        """The key of the look shown: a named one (`studio.pack.looks`) or "custom"."""
        return self.look.currentData()

    def choose_look(self, key: str) -> None:
        """Pick the named look `key` as the user would (emits `look_chosen`)."""
        look_named(key)  # KeyError for an unknown look
        self.look.setCurrentIndex(self.look.findData(key))
        self.look_chosen.emit(key)

    def enter_title(self, text: str) -> None:
        """Type `text` as the title, as the user would (emits `changed("title", text)`)."""
        self.title.setText(text)
        self.changed.emit("title", text)

    def derive_name(self) -> None:
        """What From title does: a valid set name made from the title (emits `changed`)."""
        name = name_from_title(self.title.text())
        self.name.setText(name)
        self.changed.emit("name", name)

    def set_pack(self, pack: Pack | None) -> None:
        """Show `pack` (None: nothing to edit)."""
        self._loading = True
        try:
            self.setEnabled(pack is not None)
            if pack is None:
                for edit in (self.title, self.name):
                    edit.clear()
                return
            if self.title.text() != pack.title:
                self.title.setText(pack.title)
            if self.name.text() != pack.name:
                self.name.setText(pack.name)
            self.outline.setValue(pack.outline_px)
            self.shadow.setChecked(bool(pack.shadow))
            self.padding.setValue(pack.padding_px)
            self._show_look()
            self.kind.setCurrentIndex(max(0, self.kind.findData(pack.kind)))
            self.adaptive.setChecked(bool(pack.needs_repainting))
            self.adaptive.setEnabled(bool(kind_rules(pack.kind)["can_repaint"]))
        finally:
            self._loading = False

    def mark_problems(self, messages: dict[str, list[str]]) -> None:
        """Border the fields that have problems; their messages become the tooltip."""
        for field, widget in self.widgets.items():
            found = messages.get(field, [])
            widget.setStyleSheet(_PROBLEM_STYLE if found else "")
            widget.setToolTip("\n".join(found))
            widget.setProperty("problem", bool(found))

    def focus_field(self, field: str) -> bool:
        widget = self.widgets.get(field)
        if widget is None:
            return False
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()
        return True
