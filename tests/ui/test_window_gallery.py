"""The gallery inside the window: its picture choice is remembered, its "in pack" badges follow
the Pack tab, and the large viewer and the editor share the keyboard sensibly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_fixtures import FakeSegmenter, fill_library, ready_check

from studio.ui.gallery import Backdrop
from tests.jobs.scripted_backend import ScriptedBackend

pytestmark = pytest.mark.gui


@pytest.fixture
def make_window(open_window):
    def make():
        return open_window(
            backend_factory=ScriptedBackend,
            segmenter_factory=FakeSegmenter,
            model_checker=ready_check,
        )

    return make


def test_the_picture_choice_is_kept_and_offered_in_the_view_menu(make_window):
    window = make_window()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.gallery.backdrop_menu in [a.menu() for a in view_menu.actions()]
    assert window.gallery.backdrop is Backdrop.ORIGINAL
    window.gallery.set_backdrop(Backdrop.CHECKERBOARD)
    window.shutdown()
    assert make_window().gallery.backdrop is Backdrop.CHECKERBOARD


def test_in_pack_badges_follow_the_pack(make_window, qtbot):
    window = make_window()
    ids = fill_library(window.library, [1.0, 2.0, 3.0])
    window.gallery.reload()
    window.add_to_pack(ids[:2])
    assert [window.gallery.model.in_pack(i) for i in ids] == [True, True, False]
    # Removed on the Pack tab: the badge goes when the gallery shows again.
    pack_id = window.pack_page.panel.current_pack_id()
    item = next(i for i in window.library.pack_items(pack_id) if i.candidate_id == ids[0])
    window.tabs.setCurrentWidget(window.pack_page)
    window.library.remove_pack_item(item.id)
    window.pack_page.panel.refresh()
    window.show_gallery()
    assert [window.gallery.model.in_pack(i) for i in ids] == [False, True, False]
    window.shutdown()
    # After a restart, before the Pack tab is ever opened.
    again = make_window()
    assert [again.gallery.model.in_pack(i) for i in ids] == [False, True, False]


def test_the_viewer_keys_reach_the_window(make_window, qtbot):
    window = make_window()
    ids = fill_library(window.library, [1.0, 2.0])
    window.gallery.reload()
    window.show_gallery()
    window.gallery.select_candidate(ids[0])
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_Space)
    qtbot.keyClick(window.gallery.viewer, Qt.Key.Key_P)  # the window adds it to the pack
    assert window.gallery.model.in_pack(ids[0])
    qtbot.keyClick(window.gallery.viewer, Qt.Key.Key_Return)  # the editor opens
    assert window.tabs.currentWidget() is window.editor_page
    window.show_gallery()  # back to where the user was: the viewer has the keyboard
    assert window.gallery.viewer_open() and window.focusWidget() is window.gallery.viewer
