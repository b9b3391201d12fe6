"""The emoji picker dialog: one click picks, search, recently used first and remembered, and no
empty Suggested row (in the picker or in the sticker editor)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QToolButton

from studio.library import CutoutMethod, JobSpec
from studio.ui.pack.emoji_picker import EmojiPicker
from studio.ui.pack.emoji_strip import BUTTON_PX, EmojiStrip
from studio.ui.pack.recent_emoji import RecentEmoji
from studio.ui.pack.suggest import EmojiIndex
from studio.ui.window_state import window_settings
from tests.ui.pack.conftest import add_candidates, figure_image

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def index():
    return EmojiIndex()


@pytest.fixture
def recent(paths):
    return RecentEmoji(window_settings(paths))


def _open(qtbot, index, **kwargs):
    picker = EmojiPicker(index, **kwargs)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    return picker


def _click(qtbot, grid, row, double=False):
    item = grid.item(row)
    text = item.text()  # a click on a chosen emoji removes (deletes) its item
    grid.scrollToItem(item)
    where = grid.visualItemRect(item).center()
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    if double:  # a real double click is a press, release, double press, release
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=where)
    click(grid.viewport(), Qt.MouseButton.LeftButton, pos=where)
    return text


def _texts(grid):
    return [grid.item(row).text() for row in range(grid.count())]


def test_a_single_click_picks_and_a_click_on_a_chosen_one_removes_it(qtbot, index):
    picker = _open(qtbot, index)
    ok = picker.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    first = _click(qtbot, picker.results, 0)
    second = _click(qtbot, picker.results, 3, double=True)  # a double click picks it once
    assert picker.chosen() == [first, second]
    assert ok.isEnabled()
    assert _texts(picker.chosen_list) == [first, second]
    _click(qtbot, picker.chosen_list, 0)
    assert picker.chosen() == [second]
    picker.chosen_list.setFocus()
    picker.chosen_list.setCurrentRow(0)
    qtbot.keyClick(picker.chosen_list, Qt.Key.Key_Delete)
    assert picker.chosen() == []
    assert not ok.isEnabled()


def test_typing_in_the_search_field_filters_by_name(qtbot, index):
    picker = _open(qtbot, index)
    qtbot.keyClicks(picker.search, "pizza")
    assert _texts(picker.results) == ["🍕"]
    assert picker.results_label.text() == "1 found"
    _click(qtbot, picker.results, 0)
    assert picker.chosen() == ["🍕"]


def test_recently_used_emoji_come_first_and_are_remembered_on_assign(qtbot, index, recent, paths):
    assert recent.load() == []
    picker = _open(qtbot, index, recent=recent)
    picker.set_query("fire")
    _click(qtbot, picker.results, 0)
    picker.set_query("pizza")
    _click(qtbot, picker.results, 0)
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert picker.chosen() == ["🔥", "🍕"]
    # Kept in the studio's own store: a new store over the same file reads them back.
    assert RecentEmoji(window_settings(paths)).load() == ["🔥", "🍕"]
    again = _open(qtbot, index, recent=RecentEmoji(window_settings(paths)))
    assert _texts(again.results)[:2] == ["🔥", "🍕"]
    assert "recently used first" in again.results_label.text()
    # Cancel remembers nothing.
    again.add("🐱")
    again.reject()
    assert RecentEmoji(window_settings(paths)).load() == ["🔥", "🍕"]


def test_the_suggested_row_shows_only_with_suggestions(qtbot, index):
    plain = _open(qtbot, index)
    assert not plain.suggested_list.isVisible() and not plain.suggested_label.isVisible()
    suggested = _open(qtbot, index, suggested=["🐱", "🐈"])
    assert suggested.suggested_list.isVisible()
    assert _texts(suggested.suggested_list) == ["🐱", "🐈"]
    _click(qtbot, suggested.suggested_list, 1)
    assert suggested.chosen() == ["🐈"]


def test_the_sticker_editor_never_shows_an_empty_suggested_button(panel, library):
    editor = panel.editor
    assert not editor.suggestions_shown()  # nothing selected
    panel.add_candidates(add_candidates(library, 1))  # prompt 'рыжий кот спит'
    panel.sticker_list.select_index(0)
    assert editor.suggestions_shown()
    buttons = editor.findChildren(QToolButton)
    assert buttons and all(b.text() and b.text() != "—" for b in buttons if b.isVisible())
    # A prompt no emoji name matches: the row goes away instead of a disabled dash.
    job = library.create_job(JobSpec("qwxz zzyq", "emojich", 2048, 0.995, 1.0, 1, 1, 1))
    picture, mask = figure_image(9)
    candidate = library.add_candidate(job.id, 0, picture)
    library.add_cutout(candidate.id, mask, CutoutMethod.UNET, 0.9)
    panel.add_candidates([candidate.id])
    panel.sticker_list.select_index(1)
    assert editor.suggested_emoji() == []
    assert not editor.suggestions_shown()
    panel.sticker_list.select_index(0)
    assert editor.suggestions_shown()


def test_the_panels_picker_remembers_recent_emoji_in_the_studio_store(panel, library, paths):
    panel.add_candidates(add_candidates(library, 1))
    panel.sticker_list.select_index(0)
    picker = panel.open_picker()
    picker.set_query("heart")
    picker.add(picker.results.item(0).text())
    chosen = picker.chosen()
    picker.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert [item.emoji_list for item in library.pack_items(panel.current_pack_id())] == [chosen]
    assert (paths.config / "window.ini").is_file()
    assert panel.open_picker().results.item(0).text() == chosen[0]


def test_emoji_typed_or_added_from_a_suggestion_count_as_used(panel, library, paths):
    panel.add_candidates(add_candidates(library, 1))
    panel.sticker_list.select_index(0)
    panel.assign_emoji(["😀", "👍🏽"])  # what typing them in the Emoji field does
    panel.add_emoji("🔥")  # a Suggested button
    assert RecentEmoji(window_settings(paths)).load()[:3] == ["🔥", "😀", "👍🏽"]
    assert [panel.open_picker().results.item(row).text() for row in range(3)] == [
        "🔥",
        "😀",
        "👍🏽",
    ]


def test_the_suggested_row_never_widens_the_panel(qtbot):
    chars = ["🐱", "🐈", "😺", "😸", "😹", "😻", "😼", "😽"]
    strip = EmojiStrip()
    qtbot.addWidget(strip)
    strip.set_emoji(chars, lambda char: f"Add {char}")
    strip.resize(120, BUTTON_PX)
    strip.show()
    assert strip.minimumSizeHint().width() <= BUTTON_PX
    assert strip.shown_emoji() == chars[:3]  # the best ones that fit
    strip.resize(400, BUTTON_PX)
    assert strip.shown_emoji() == chars
    with qtbot.waitSignal(strip.emoji_clicked) as clicked:
        qtbot.mouseClick(strip.buttons[1], Qt.MouseButton.LeftButton)
    assert clicked.args == ["🐈"]
