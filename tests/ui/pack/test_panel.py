"""The pack panel over a real library: packs, emoji, order, live checks, previews."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialogButtonBox

from studio.library import CutoutMethod, Library
from studio.pack import load_source, render_sticker
from studio.ui.pack import PackPanel
from tests.ui.pack.conftest import add_candidates

pytestmark = pytest.mark.gui


def type_text(widget, text):
    """Type `text` as key presses (QtTest's keyClicks only knows ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def _emoji_of(library, pack_id):
    return [item.emoji_list for item in library.pack_items(pack_id)]


def _candidates_in_order(library, pack_id):
    return [item.candidate_id for item in library.pack_items(pack_id)]


def test_create_rename_delete_packs(panel, library):
    assert panel.current_pack_id() is None
    assert not panel.export_button.isEnabled()
    first = panel.pack_list.create_pack()
    second = panel.pack_list.create_pack()
    assert panel.current_pack_id() == second.id
    panel.pack_list.rename_pack(first.id, "Котики")
    assert library.pack(first.id).title == "Котики"
    assert "Котики" in [panel.pack_list.list.item(r).text() for r in range(2)]
    panel.select_pack(first.id)
    assert panel.fields.title.text() == "Котики"
    panel.pack_list.delete_pack(first.id)
    assert [p.id for p in library.packs()] == [second.id]
    assert panel.current_pack_id() == second.id


def test_add_candidates_creates_a_pack_and_skips_duplicates(panel, library):
    ids = add_candidates(library, 3)
    assert panel.add_candidates(ids) == 3
    assert panel.add_candidates(ids[:2]) == 0
    pack_id = panel.current_pack_id()
    assert _candidates_in_order(library, pack_id) == ids
    assert panel.sticker_list.count() == 3


def test_assign_emoji_with_the_picker_to_one_sticker(panel, library, qtbot):
    ids = add_candidates(library, 2)
    panel.add_candidates(ids)
    panel.sticker_list.select_index(1)
    picker = panel.open_picker()
    ok = picker.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing chosen yet
    type_text(picker.search, "пицц")
    assert picker.results.count() >= 1
    picker.results.setCurrentRow(0)
    picker.results.itemActivated.emit(picker.results.item(0))
    assert picker.chosen() == ["🍕"]
    ok.click()
    assert _emoji_of(library, panel.current_pack_id()) == [[], ["🍕"]]
    assert panel.sticker_list.item(1).text().startswith("2. 🍕")


def test_the_picker_refuses_more_than_twenty(panel, library):
    panel.add_candidates(add_candidates(library, 1))
    panel.sticker_list.select_index(0)
    picker = panel.open_picker()
    for row in range(25):
        picker.results.itemActivated.emit(picker.results.item(row))
    assert len(picker.chosen()) == 20
    picker.reject()
    assert _emoji_of(library, panel.current_pack_id()) == [[]]


def test_bulk_assign_to_a_selection_and_add_a_suggested_emoji(panel, library):
    ids = add_candidates(library, 4)
    panel.add_candidates(ids)
    for row in (0, 2, 3):
        panel.sticker_list.item(row).setSelected(True)
    panel.assign_emoji(["😺", "👨‍👩‍👧"])
    pack_id = panel.current_pack_id()
    assert _emoji_of(library, pack_id) == [["😺", "👨‍👩‍👧"], [], ["😺", "👨‍👩‍👧"], ["😺", "👨‍👩‍👧"]]
    # The selection survives the refresh; a suggested emoji is added to each selected sticker.
    assert panel.sticker_list.selected_item_ids() == [
        item.id for item in library.pack_items(pack_id) if item.emoji_list
    ]
    panel.add_emoji("🔥")
    assert _emoji_of(library, pack_id)[3] == ["😺", "👨‍👩‍👧", "🔥"]
    assert _emoji_of(library, pack_id)[1] == []


def test_typed_emoji_are_checked_and_invalid_text_is_refused(panel, library, qtbot):
    panel.add_candidates(add_candidates(library, 1))
    panel.sticker_list.select_index(0)
    edit = panel.editor.emoji_edit
    edit.setFocus()
    type_text(edit, "кот")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "not an emoji" in panel.editor.emoji_error.text()
    assert _emoji_of(library, panel.current_pack_id()) == [[]]
    edit.clear()
    type_text(edit, "😀 👍🏽")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.editor.emoji_error.text() == ""
    assert _emoji_of(library, panel.current_pack_id()) == [["😀", "👍🏽"]]


def test_keywords_and_their_suggestions_from_the_prompt(panel, library, qtbot):
    panel.add_candidates(add_candidates(library, 1))  # prompt 'рыжий кот спит'
    panel.sticker_list.select_index(0)
    cats = {"🐱", "🐈", "😺", "😸", "😹", "😻", "😼", "😽", "🙀", "😿", "😾"}
    assert cats & set(panel.editor.suggested_emoji())
    panel.editor.suggested_keywords_button.click()
    item = library.pack_items(panel.current_pack_id())[0]
    assert item.keywords == ["рыжий", "кот", "спит"]
    edit = panel.editor.keywords_edit
    edit.setFocus()
    edit.selectAll()
    type_text(edit, "кот, сон")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert library.pack_items(panel.current_pack_id())[0].keywords == ["кот", "сон"]


def test_reorder_by_drag_and_by_keyboard_is_saved(panel, library, qtbot):
    ids = add_candidates(library, 4)
    panel.add_candidates(ids)
    pack_id = panel.current_pack_id()
    view = panel.sticker_list
    assert view.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove
    # A drop in InternalMove mode calls the model's moveRow once per dragged row, as here for a
    # drag of the first two rows to the end; the order is saved once, after the drop.
    model, root = view.model(), QModelIndex()
    with qtbot.waitSignal(view.order_changed):
        assert model.moveRow(root, 0, root, 4)
        assert model.moveRow(root, 0, root, 4)
    assert _candidates_in_order(library, pack_id) == [ids[2], ids[3], ids[0], ids[1]]
    assert panel.sticker_list.item(0).text().startswith(f"1. —   #{ids[2]}")
    with qtbot.waitSignal(view.order_changed):
        assert model.moveRow(root, 2, root, 0)
        assert model.moveRow(root, 3, root, 1)
    assert _candidates_in_order(library, pack_id) == [ids[0], ids[1], ids[2], ids[3]]
    with qtbot.waitSignal(view.order_changed):
        assert model.moveRow(root, 0, root, 3)
    assert _candidates_in_order(library, pack_id) == [ids[1], ids[2], ids[0], ids[3]]
    assert panel.sticker_list.item(0).text().startswith(f"1. —   #{ids[1]}")
    # Keyboard: Ctrl+Down moves the selection one place down.
    panel.sticker_list.select_index(0)
    panel.sticker_list.setFocus()
    qtbot.keyClick(panel.sticker_list, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert _candidates_in_order(library, pack_id) == [ids[2], ids[1], ids[0], ids[3]]
    assert panel.sticker_list.selected_item_ids() == [library.pack_items(pack_id)[1].id]
    # A fresh panel over the same library shows the saved order.
    again = PackPanel(library)
    qtbot.addWidget(again)
    shown = [again.sticker_list.item(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(4)]
    assert shown == [ids[2], ids[1], ids[0], ids[3]]
    again.shutdown()


def test_remove_stickers(panel, library):
    ids = add_candidates(library, 3)
    panel.add_candidates(ids)
    panel.sticker_list.select_index(1)
    panel.remove_button.click()
    assert _candidates_in_order(library, panel.current_pack_id()) == [ids[0], ids[2]]


def test_validation_messages_appear_point_at_their_field_and_clear(panel, library, qtbot):
    panel.add_candidates(add_candidates(library, 2))
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😀"])
    assert panel.problem_list.messages() == []
    assert panel.export_button.isEnabled()

    panel.fields.title.setFocus()
    panel.fields.title.selectAll()
    qtbot.keyClick(panel.fields.title, Qt.Key.Key_Backspace)
    name = panel.fields.name
    name.setFocus()
    name.selectAll()
    type_text(name, "2cats__тест")
    messages = panel.problem_list.messages()
    assert any(m.startswith("title: the pack needs a title") for m in messages)
    assert any("must start with an English letter" in m for m in messages)
    assert any("two underscores" in m for m in messages)
    assert any("'с'" in m for m in messages)  # the Cyrillic letters are named
    assert not panel.export_button.isEnabled()
    assert panel.fields.title.property("problem") is True
    assert "needs a title" in panel.fields.title.toolTip()

    # Clicking a message focuses its field.
    row = next(r for r, m in enumerate(messages) if m.startswith("title:"))
    panel.problem_list.itemClicked.emit(panel.problem_list.item(row))
    assert panel.fields.title.hasFocus()

    type_text(panel.fields.title, "Котики")
    name.setFocus()
    name.selectAll()
    type_text(name, "cats_2026")
    assert panel.problem_list.messages() == []
    assert panel.fields.title.property("problem") is False
    assert panel.export_button.isEnabled()
    pack = library.pack(panel.current_pack_id())
    assert (pack.title, pack.name) == ("Котики", "cats_2026")


def test_a_title_entered_and_a_name_made_from_it_are_saved(panel, library):
    panel.add_candidates(add_candidates(library, 1))
    panel.fields.enter_title("Рыжие котики")
    panel.fields.derive_name()
    pack = library.pack(panel.current_pack_id())
    assert pack.title == "Рыжие котики"
    assert pack.name == panel.fields.name.text() and pack.name.startswith("ryzhie")


def test_sticker_problems_focus_the_emoji_and_keywords_fields(panel, library, qtbot):
    panel.add_candidates(add_candidates(library, 1))
    panel.window().activateWindow()
    panel.point_at("emoji_list", 0)
    qtbot.waitUntil(panel.editor.emoji_edit.hasFocus, timeout=2000)
    panel.point_at("keywords", 0)
    qtbot.waitUntil(panel.editor.keywords_edit.hasFocus, timeout=2000)


def test_sticker_problems_point_at_the_sticker(panel, library):
    ids = add_candidates(library, 2) + add_candidates(library, 1, cut_out=False)
    panel.add_candidates(ids)
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😀"])
    panel.sticker_list.select_index(1)
    panel.assign_keywords(["слишком длинное ключевое слово"] * 3)
    messages = panel.problem_list.messages()
    assert len(messages) == 2
    assert messages[0].startswith(f"sticker 2 (#{ids[1]}): the keywords add up to")
    assert messages[1].startswith(f"sticker 3 (#{ids[2]}): it has no cut-out yet")
    assert panel.sticker_list.item(2).toolTip().startswith("it has no cut-out yet")
    assert not panel.export_button.isEnabled()

    panel.problem_list.itemClicked.emit(panel.problem_list.item(1))
    assert panel.sticker_list.selected_item_ids() == [library.pack_items(1)[2].id]
    with_signal = []
    panel.edit_cutout_requested.connect(with_signal.append)
    panel.sticker_list.itemDoubleClicked.emit(panel.sticker_list.item(2))
    assert with_signal == [ids[2]]

    # The user fixes both: the messages clear.
    from tests.ui.pack.conftest import figure_image

    library.add_cutout(ids[2], figure_image(2)[1], CutoutMethod.MANUAL, edited=True)
    panel.sticker_list.select_index(1)
    panel.assign_keywords(["кот"])
    assert panel.problem_list.messages() == []
    assert panel.export_button.isEnabled()


def test_a_picture_with_its_own_alpha_needs_no_cutout(panel, library):
    picture = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (20, 20, 180, 80))
    imported = library.import_image(picture, "heart.png")
    panel.add_candidates([imported.candidate_id])
    panel.sticker_list.selectAll()
    panel.assign_emoji(["❤️"])
    assert panel.problem_list.messages() == []


def test_an_empty_cutout_is_reported_once_it_is_drawn(panel, library, qtbot):
    ids = add_candidates(library, 1)
    library.add_cutout(ids[0], Image.new("L", (256, 256), 0), CutoutMethod.MANUAL)
    panel.add_candidates(ids)
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😀"])
    qtbot.waitUntil(lambda: len(panel.problem_list.messages()) == 1, timeout=10_000)
    assert "fully transparent" in panel.problem_list.messages()[0]
    assert not panel.export_button.isEnabled()


def test_preview_is_the_export_render_with_the_packs_outline_and_shadow(panel, library, qtbot):
    ids = add_candidates(library, 2)
    panel.add_candidates(ids)
    panel.fields.outline.setValue(12)
    panel.fields.shadow.setChecked(True)
    pack = library.pack(panel.current_pack_id())
    assert (pack.outline_px, pack.shadow) == (12, True)
    panel.sticker_list.select_index(1)
    qtbot.waitUntil(lambda: panel.preview.shown_image() is not None, timeout=10_000)
    shown = panel.preview.shown_image()
    entry = panel.entries[1]
    expected = render_sticker(load_source(entry.source), panel.options())
    assert (shown.width(), shown.height()) == expected.size
    assert max(expected.size) == 512
    pixels = np.frombuffer(bytes(shown.constBits()), np.uint8).reshape(
        shown.height(), shown.width(), 4
    )
    assert np.array_equal(pixels, np.asarray(expected))
    # The outline is there: white, opaque pixels at the figure's left edge.
    row = pixels[shown.height() // 2]
    first = int(np.flatnonzero(row[:, 3] > 250)[0])
    assert tuple(row[first + 2, :3]) == (255, 255, 255)
    # List icons are drawn too.
    qtbot.waitUntil(lambda: not panel.sticker_list.item(0).icon().isNull(), timeout=10_000)


def test_split_a_pack_over_the_limit(panel, library):
    ids = add_candidates(library, 3)
    panel.add_candidates(ids)
    pack_id = panel.current_pack_id()
    for index in range(118):  # the same pictures again: 121 stickers in all
        library.add_pack_item(pack_id, ids[index % 3], ["😀"])
    panel.refresh()
    assert not panel.split_button.isHidden()
    assert any("121 stickers" in m for m in panel.problem_list.messages())
    first, second = panel.split()
    assert len(library.pack_items(first)) == 120
    assert len(library.pack_items(second)) == 1
    assert library.pack(second).name.endswith("_2")
    assert library.pack(second).title.endswith("(2)")
    assert panel.split_button.isHidden()
    assert not any("stickers;" in m for m in panel.problem_list.messages())


def test_library_state_survives_a_new_panel(panel, library, qtbot, paths):
    ids = add_candidates(library, 2)
    panel.add_candidates(ids)
    panel.sticker_list.selectAll()
    panel.assign_emoji(["🐱"])
    with Library(paths) as other:
        assert [i.emoji_list for i in other.pack_items(panel.current_pack_id())] == [["🐱"]] * 2


def test_a_valid_name_is_made_from_a_russian_title(panel, library):
    panel.add_candidates(add_candidates(library, 1))
    panel.fields.title.setFocus()
    panel.fields.title.selectAll()
    type_text(panel.fields.title, "Грустный Ёжик")
    panel.fields.name_from_title.click()
    assert panel.fields.name.text() == "grustnyy_ezhik"
    assert library.pack(panel.current_pack_id()).name == "grustnyy_ezhik"
    assert not any(m.startswith("name:") for m in panel.problem_list.messages())


def test_columns_stack_in_a_narrow_dock(panel, qtbot):
    # Wide, Checks and Publish sit side by side too: stacked under the columns they left the
    # sticker list two rows on a 1366x768 screen.
    panel.resize(1200, 800)
    qtbot.waitUntil(lambda: panel.columns.orientation() == Qt.Orientation.Horizontal)
    assert panel.bottom.orientation() == Qt.Orientation.Horizontal
    panel.resize(400, 900)
    qtbot.waitUntil(lambda: panel.columns.orientation() == Qt.Orientation.Vertical)
    assert panel.bottom.orientation() == Qt.Orientation.Vertical


def test_the_picker_assigns_to_every_selected_sticker(panel, library):
    ids = add_candidates(library, 3)
    panel.add_candidates(ids)
    panel.sticker_list.selectAll()
    picker = panel.open_picker()
    ok = picker.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Assign to 3 stickers"
    type_text(picker.search, "red heart")
    picker.results.itemActivated.emit(picker.results.item(0))
    assert picker.chosen() == ["❤️"]
    ok.click()
    assert _emoji_of(library, panel.current_pack_id()) == [["❤️"]] * 3


def test_the_preview_says_why_it_is_empty_on_one_line_at_laptop_width(panel, library, qtbot):
    # Drawn on each backdrop, half the preview's width, the message wrapped at 1366 px.
    panel.add_candidates(add_candidates(library, 2))
    panel.sticker_list.clearSelection()
    panel.resize(1010, 700)  # the pack tab's width in a 1366 px window
    panel.show()
    qtbot.waitUntil(lambda: panel.preview.caption.text() == "Select a sticker to preview it")
    caption = panel.preview.caption
    assert caption.fontMetrics().horizontalAdvance(caption.text()) <= caption.width()
    assert panel.preview.shown_image() is None
