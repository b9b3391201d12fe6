"""The pack panel: packs, their stickers, emoji and keywords, live checks, previews, export.

It composes the small widgets of this package and keeps them in step with the library, which is
the only state: every edit is written at once, then the panel re-reads the pack, checks it with
`studio.pack.validate` and redraws. Rendering and exporting run off the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.library import Library, Pack
from studio.pack import PackSpec, Problem, RenderOptions, pack_spec_from_library
from studio.pack.looks import look_fields, look_named
from studio.pack.rules import TELEGRAM_RULES, kind_rules
from studio.ui.pack import model
from studio.ui.pack.emoji_picker import MAX_EMOJI, EmojiPicker
from studio.ui.pack.export_bar import ExportBar
from studio.ui.pack.pack_fields import PackFields
from studio.ui.pack.pack_list import PackList
from studio.ui.pack.preview import STICKER_SIDE, StickerPreview
from studio.ui.pack.problems import ProblemList
from studio.ui.pack.publish_model import PublishModel
from studio.ui.pack.publish_section import PublishSection
from studio.ui.pack.recent_emoji import RecentEmoji
from studio.ui.pack.renderer import StickerRenderer
from studio.ui.pack.sticker_editor import StickerEditor
from studio.ui.pack.sticker_list import ICON_SIDE, StickerList
from studio.ui.pack.suggest import EmojiIndex
from studio.ui.tasks import Task
from studio.ui.window_state import window_settings

MAX_STICKERS = TELEGRAM_RULES["set"]["max_stickers"]
WIDE_LAYOUT_PX = 1000  # narrower than this, the columns stack (three need ~970 px)
STACKED_HEIGHT_PX = 1600  # the stacked panel's height inside its scroll area


class PackPanel(QWidget):
    """Everything about packs, over a `Library`.

    Signals: `edit_cutout_requested(candidate_id)` when the user asks to fix a sticker's cut-out
    (double-click); `exported(folder)` after a finished export, `export_failed(message)`,
    `export_cancelled()`; `problems_changed(count)` after every check.
    The main window adds keepers with `add_candidates(ids)` and calls `refresh()` after a
    cut-out changed elsewhere.
    """

    edit_cutout_requested = Signal(int)
    exported = Signal(Path)
    export_failed = Signal(str)
    export_cancelled = Signal()
    problems_changed = Signal(int)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        publisher: PublishModel | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        # Publishing: coroutines on the app's qasync loop, exported packs in the cache.
        self.publisher = publisher or PublishModel(library, library.paths.cache / "publish")
        self.emoji_index = EmojiIndex()
        self.renderer = StickerRenderer(self)
        self._alpha = model.AlphaCache()
        self._pack: Pack | None = None
        self.entries: list[model.StickerEntry] = []
        self.problems: list[Problem] = []
        self._render_failures: dict[tuple, str] = {}
        self._preview_key: tuple | None = None
        self.picker: EmojiPicker | None = None
        self.recent_emoji = RecentEmoji(window_settings(library.paths))
        self._build()
        self._connect()
        app = QApplication.instance()
        if app is not None:  # a child widget gets no closeEvent when the window quits
            app.aboutToQuit.connect(self.shutdown)
        self.pack_list.reload()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.pack_list = PackList(self.library)
        self.fields = PackFields()
        self.sticker_list = StickerList()
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.split_button = QPushButton(f"Split into packs of {MAX_STICKERS}…")
        self.split_button.setVisible(False)
        self.editor = StickerEditor(self.emoji_index)
        self.preview = StickerPreview()
        self.problem_list = ProblemList()
        store = window_settings(self.library.paths)  # the last export folder, the user id
        self.export_bar = ExportBar(self.spec, store)
        # The export row's parts, by name, for the window and the tests.
        self.status_label = self.export_bar.status_label
        self.zip_box = self.export_bar.zip_box
        self.export_button = self.export_bar.export_button
        self.progress = self.export_bar.progress
        self.cancel_button = self.export_bar.cancel_button
        self.publish_section = PublishSection(self.publisher, self.spec, store)

        packs = QGroupBox("Packs")
        QVBoxLayout(packs).addWidget(self.pack_list)

        stickers = QWidget()
        buttons = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.split_button)
        middle = QVBoxLayout(stickers)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(self.fields)
        hint = QLabel("Stickers (drag to reorder; double-click to fix the cut-out)")
        hint.setWordWrap(True)
        middle.addWidget(hint)
        middle.addWidget(self.sticker_list, 1)
        middle.addLayout(buttons)

        details = QWidget()
        right = QVBoxLayout(details)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.editor)
        right.addWidget(self.preview, 1)

        # Stacked until the panel is wide enough for three columns (see resizeEvent).
        self.columns = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(packs)
        splitter.addWidget(stickers)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 3)

        checks = QGroupBox("Checks")
        checks_layout = QVBoxLayout(checks)
        checks_layout.addWidget(self.problem_list)
        checks_layout.addWidget(self.export_bar)

        # Checks and Publish side by side when wide (see resizeEvent): stacked, they took half
        # a laptop screen's height and left the sticker list two rows.
        self.bottom = QSplitter(Qt.Orientation.Vertical)
        self.bottom.addWidget(checks)
        self.bottom.addWidget(self.publish_section)
        self.bottom.setStretchFactor(0, 2)
        self.bottom.setStretchFactor(1, 3)  # its fields and buttons need the width

        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(splitter)
        vertical.addWidget(self.bottom)
        vertical.setStretchFactor(0, 4)
        vertical.setStretchFactor(1, 1)
        # In a dock too small for everything, the panel scrolls instead of forcing the window
        # to grow.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(vertical)
        vertical.setMinimumHeight(STACKED_HEIGHT_PX)  # starts stacked, see resizeEvent
        layout = QVBoxLayout(self)
        # The gallery's margins: with the Details column hidden, the panel touched the
        # window's right edge.
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scroll)

    def _connect(self) -> None:
        self.pack_list.pack_selected.connect(self._pack_selected)
        self.fields.changed.connect(self._field_changed)
        self.fields.look_chosen.connect(self.apply_look)
        self.sticker_list.order_changed.connect(self.reorder)
        self.sticker_list.remove_requested.connect(self.remove_stickers)
        self.sticker_list.sticker_activated.connect(self.edit_cutout_requested)
        self.sticker_list.itemSelectionChanged.connect(self._selection_changed)
        self.remove_button.clicked.connect(
            lambda: self.remove_stickers(self.sticker_list.selected_item_ids())
        )
        self.up_button.clicked.connect(lambda: self.sticker_list.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.sticker_list.move_selected(1))
        self.split_button.clicked.connect(self._ask_split)
        self.editor.emoji_assigned.connect(self.assign_emoji)
        self.editor.emoji_added.connect(self.add_emoji)
        self.editor.keywords_assigned.connect(self.assign_keywords)
        self.editor.pick_requested.connect(self.open_picker)
        self.problem_list.problem_activated.connect(self.point_at)
        self.renderer.rendered.connect(self._rendered)
        self.renderer.failed.connect(self._render_failed)
        self.export_bar.exported.connect(self.exported)
        self.export_bar.export_failed.connect(self.export_failed)
        self.export_bar.export_cancelled.connect(self.export_cancelled)
        self.publisher.bot_changed.connect(self._recheck)

    # -- public API -----------------------------------------------------------------------------

    def current_pack_id(self) -> int | None:
        return self._pack.id if self._pack else None

    def select_pack(self, pack_id: int) -> None:
        self.pack_list.reload(select=pack_id)

    def add_candidates(self, candidate_ids: Sequence[int]) -> int:
        """Append candidates to the current pack (a new pack if there is none).

        Candidates already in the pack are skipped; returns how many were added.
        """
        if self._pack is None:
            self.pack_list.create_pack()
        assert self._pack is not None
        present = {entry.candidate.id for entry in self.entries}
        added = 0
        for candidate_id in candidate_ids:
            if candidate_id in present:
                continue
            self.library.add_pack_item(self._pack.id, candidate_id)
            present.add(candidate_id)
            added += 1
        self.refresh()
        return added

    def refresh(self) -> None:
        """Re-read the current pack from the library, re-check it and redraw."""
        pack_id = self.current_pack_id()
        self._pack = self.library.pack(pack_id) if pack_id is not None else None
        self.entries = model.load_entries(self.library, pack_id) if pack_id is not None else []
        self.fields.set_pack(self._pack)
        self._recheck()
        self._request_icons()
        self._selection_changed()

    def spec(self) -> PackSpec:
        """The export request for the current pack, as it stands in the library."""
        if self._pack is None:
            return PackSpec(title="", name="", stickers=[])
        return pack_spec_from_library(self.library, self._pack.id)

    def max_stickers(self) -> int:
        """How many stickers a set of the current pack's kind holds (120, or 200 emoji)."""
        return kind_rules(self._pack.kind if self._pack else "stickers")["max_stickers"]

    def options(self) -> RenderOptions:
        return model.options_of(self._pack) if self._pack else RenderOptions()

    # -- checks ---------------------------------------------------------------------------------

    def _recheck(self) -> None:
        spec = self.spec()
        problems = model.pack_problems(spec, self.entries, self._alpha) if self._pack else []
        for index, entry in enumerate(self.entries):
            failure = self._render_failures.get(entry.render_key + (self.options(),))
            if failure:
                problems.append(Problem(model.IMAGE_FIELD, failure, index))
        name_problem = self.publish_section.final_name_problem() if self._pack else None
        if name_problem:
            problems.append(Problem("name", name_problem))
        problems.sort(key=lambda p: -1 if p.sticker is None else p.sticker)
        self.problems = problems
        self.problem_list.set_problems(problems, lambda i: model.describe(self.entries, i))
        by_field: dict[str, list[str]] = {}
        by_sticker: dict[int, list[str]] = {}
        for problem in problems:
            if problem.sticker is None:
                by_field.setdefault(problem.field, []).append(problem.message)
            else:
                by_sticker.setdefault(problem.sticker, []).append(problem.message)
        self.fields.mark_problems(by_field)
        self.sticker_list.set_entries(self.entries, by_sticker)
        count = len(problems)
        self.split_button.setVisible(len(self.entries) > self.max_stickers())
        if self._pack is None:
            status = "Create a pack, then add keepers from the gallery"
        else:
            status = "Ready to export" if count == 0 else f"{count} problem(s) to fix before export"
            link = self.publisher.link_for(self._pack.name, self._pack.kind)
            if count == 0 and link:
                status += f"; publishes as {link.rsplit('/', 1)[-1]}"
        ready = self._pack is not None and count == 0
        self.export_bar.set_ready(ready, status)
        if self._pack is not None:
            self.publish_section.set_pack(self._pack.name, self._pack.kind, ready)
        else:
            self.publish_section.set_pack("", "stickers", False)
        self.problems_changed.emit(count)

    def point_at(self, field: str, sticker: int) -> None:
        """Select the sticker or focus the field a problem concerns."""
        if sticker >= 0:
            self.sticker_list.select_index(sticker)
            if field in ("emoji_list", "keywords"):
                self.editor.focus_field(field)
            else:
                self.sticker_list.setFocus()
        elif field == "stickers" and len(self.entries) > self.max_stickers():
            self._ask_split()
        elif not self.fields.focus_field(field):
            self.sticker_list.setFocus()

    # -- edits ----------------------------------------------------------------------------------

    def _pack_selected(self, pack_id: int) -> None:
        self.renderer.cancel_pending()
        self._pack = self.library.pack(pack_id) if pack_id >= 0 else None
        self.refresh()

    def _field_changed(self, field: str, value: object) -> None:
        if self._pack is None:
            return
        self._pack = self.library.update_pack(self._pack.id, **{field: value})
        if field == "title":
            self.pack_list.update_title(self._pack)
        if field == "kind":
            self.split_button.setText(f"Split into packs of {self.max_stickers()}…")
        self._recheck()
        if field in ("outline_px", "shadow", "padding_px", "kind"):
            self._request_icons()
            self._request_preview()

    def apply_look(self, key: str) -> None:
        """Draw the current pack's stickers in the named look (outline, shadow, padding)."""
        if self._pack is None:
            return
        self._pack = self.library.update_pack(self._pack.id, **look_fields(look_named(key)))
        self.fields.set_pack(self._pack)
        self._recheck()
        self._request_icons()
        self._request_preview()

    def _selected_entries(self) -> list[model.StickerEntry]:
        chosen = set(self.sticker_list.selected_item_ids())
        return [entry for entry in self.entries if entry.item.id in chosen]

    def assign_emoji(self, chars: list[str]) -> None:
        """Give every selected sticker exactly these emoji."""
        for entry in self._selected_entries():
            self.library.update_pack_item(entry.item.id, emoji_list=list(chars))
        self.recent_emoji.remember(list(chars))
        self.refresh()

    def add_emoji(self, char: str) -> None:
        """Add one emoji to every selected sticker that lacks it and has room."""
        for entry in self._selected_entries():
            current = list(entry.item.emoji_list)
            if char not in current and len(current) < MAX_EMOJI:
                self.library.update_pack_item(entry.item.id, emoji_list=current + [char])
        self.recent_emoji.remember([char])
        self.refresh()

    def assign_keywords(self, keywords: list[str]) -> None:
        for entry in self._selected_entries():
            self.library.update_pack_item(entry.item.id, keywords=list(keywords))
        self.refresh()

    def open_picker(self) -> EmojiPicker:
        """The emoji picker for the selection (window-modal; applies on OK)."""
        selected = self._selected_entries()
        lists = {tuple(e.item.emoji_list) for e in selected}
        initial = list(lists.pop()) if len(lists) == 1 else []
        target = "this sticker" if len(selected) == 1 else f"{len(selected)} stickers"
        self.picker = EmojiPicker(
            self.emoji_index,
            initial,
            self.editor.suggested_emoji(),
            self,
            target,
            self.recent_emoji,
        )
        self.picker.accepted.connect(lambda: self.assign_emoji(self.picker.chosen()))
        self.picker.open()
        return self.picker

    def reorder(self, item_ids: list[int]) -> None:
        if self._pack is None:
            return
        self.library.reorder_pack(self._pack.id, item_ids)
        self.refresh()

    def remove_stickers(self, item_ids: list[int]) -> None:
        for item_id in item_ids:
            self.library.remove_pack_item(item_id)
        self.refresh()

    def _ask_split(self) -> None:
        if self._pack is None:
            return
        limit = self.max_stickers()
        parts = -(-len(self.entries) // limit)
        answer = QMessageBox.question(
            self,
            "Split pack",
            f"A Telegram set holds {limit} stickers at most; this pack has "
            f"{len(self.entries)}. Split it into {parts} packs, keeping the order?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.split()

    def split(self) -> list[int]:
        """Split the current pack into packs of at most 120 stickers; returns their ids."""
        assert self._pack is not None
        ids = model.split_pack(self.library, self._pack.id)
        self.pack_list.reload(select=ids[0])
        return ids

    # -- pictures -------------------------------------------------------------------------------

    def _request_icons(self) -> None:
        options = self.options()
        for entry in self.entries:
            key = ("icon", entry.render_key, options)
            self.renderer.request(key, entry.source, options, ICON_SIDE)

    def _selection_changed(self) -> None:
        self.editor.set_selection(self._selected_entries())
        self._request_preview()

    def _request_preview(self) -> None:
        current = self.sticker_list.currentItem()
        entry = next(
            (
                e
                for e in self.entries
                if current and e.item.id == current.data(Qt.ItemDataRole.UserRole)
            ),
            None,
        )
        if entry is None:
            self._preview_key = None
            self.preview.show_message(
                "Select a sticker to preview it" if self.entries else "The pack has no stickers"
            )
            return
        options = self.options()
        # At the set's own size: a custom emoji is previewed as the 100 px picture it becomes.
        side = kind_rules(self._pack.kind)["side_px"] if self._pack else STICKER_SIDE
        self._preview_key = ("preview", entry.render_key + (side,), options)
        self.preview.show_message("Drawing…")
        self.renderer.request(self._preview_key, entry.source, options, side)

    def _rendered(self, key: tuple, image: QImage) -> None:
        kind, render_key, options = key
        if self._render_failures.pop(render_key + (options,), None) is not None:
            self._recheck()
        if kind == "icon" and options == self.options():
            self.sticker_list.set_icon(render_key, image)
        elif kind == "preview" and key == self._preview_key:
            self.preview.show_sticker(image)

    def _render_failed(self, key: tuple, message: str) -> None:
        kind, render_key, options = key
        if key == self._preview_key:
            self.preview.show_message(message)
        if options == self.options() and render_key + (options,) not in self._render_failures:
            self._render_failures[render_key + (options,)] = message
            self._recheck()

    # -- export ---------------------------------------------------------------------------------

    @property
    def export_task(self) -> Task | None:
        """The export running now, if one is."""
        return self.export_bar.export_task

    @property
    def message_box(self) -> QMessageBox | None:
        """The last export's result message (it offers to open the folder)."""
        return self.export_bar.message_box

    def start_export(self, out: Path, make_zip: bool, force: bool = False) -> Task:
        """Export the current pack into `out` on a background thread (no dialogs)."""
        return self.export_bar.start(out, make_zip, force)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt's name)
        # Three columns side by side when there is room; stacked in a narrow dock.
        wide = event.size().width() >= WIDE_LAYOUT_PX
        if wide != (self.columns.orientation() == Qt.Orientation.Horizontal):
            orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
            self.columns.setOrientation(orientation)
            self.bottom.setOrientation(orientation)
            # Stacked, the parts get a usable height each and the panel scrolls.
            self.scroll.widget().setMinimumHeight(0 if wide else STACKED_HEIGHT_PX)
        super().resizeEvent(event)

    def shutdown(self) -> None:
        """Stop a running export (it leaves nothing behind), a publish, and the render thread."""
        self.publisher.shutdown()
        self.export_bar.shutdown()
        self.renderer.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt's name)
        self.shutdown()
        super().closeEvent(event)
