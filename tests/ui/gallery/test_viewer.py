"""The large viewer: Space opens it on the current candidate, the arrows step, the triage keys
act with the grid's own rule, Esc or Space closes, and it shows the cut-outs too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from ui_fixtures import fill_library

from studio.library import CandidateStatus
from studio.ui.backdrops import DARK_CHAT
from studio.ui.gallery import Backdrop
from studio.ui.gallery.viewer import PICTURE_SIZE

from .conftest import cut_out_left_half

pytestmark = pytest.mark.gui


@pytest.fixture
def four(library, gallery):
    ids = fill_library(library, [1.0, 2.0, 3.0, 4.0])
    gallery.reload()
    gallery.select_candidate(ids[0])
    gallery.view.setFocus()
    return ids


def _open(gallery, qtbot):
    qtbot.keyClick(gallery.view, Qt.Key.Key_Space)
    assert gallery.viewer_open()
    return gallery.viewer


def test_space_opens_the_current_candidate_and_the_arrows_step(gallery, four, qtbot):
    gallery.select_candidate(four[1])
    viewer = _open(gallery, qtbot)
    assert viewer.candidate_id() == four[1]
    assert "2 of 4" in viewer.caption_label.text()
    assert "Esc/Space back" in gallery.help_label.text()  # its keys, in the hint line
    assert "then the next picture" in gallery.help_label.text()
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.candidate_id() == four[2] == gallery.current_candidate().id
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    qtbot.keyClick(viewer, Qt.Key.Key_Left)  # stops at the first
    assert viewer.candidate_id() == four[0]
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not gallery.viewer_open()
    assert "Space large view" in gallery.help_label.text()
    assert gallery.current_candidate().id == four[0]  # the grid is where the viewer was
    _open(gallery, qtbot)
    qtbot.keyClick(gallery.viewer, Qt.Key.Key_Space)  # Space closes too
    assert not gallery.viewer_open()


@pytest.mark.parametrize(
    "key", [Qt.Key.Key_K, Qt.Key.Key_X, Qt.Key.Key_U, Qt.Key.Key_S, Qt.Key.Key_P]
)
def test_the_triage_keys_follow_the_grids_rule(library, gallery, four, qtbot, key):
    gallery.set_pack_adder(lambda _ids: True)  # the pack takes them (the window's pack)
    viewer = _open(gallery, qtbot)
    qtbot.keyClick(viewer, key)
    assert viewer.candidate_id() == four[1]  # "Next after a key" is on: on to the next
    gallery.set_auto_advance(False)
    qtbot.keyClick(viewer, key)
    assert viewer.candidate_id() == four[1]  # off: it stays, as in the grid


def test_keys_in_the_viewer_are_saved_and_signalled_as_in_the_grid(library, gallery, four, qtbot):
    kept, packed, opened = [], [], []
    gallery.kept.connect(kept.extend)
    gallery.set_pack_adder(lambda ids: packed.extend(ids) or True)  # the window's pack
    gallery.open_editor.connect(opened.append)
    viewer = _open(gallery, qtbot)
    for key in (Qt.Key.Key_K, Qt.Key.Key_X, Qt.Key.Key_S, Qt.Key.Key_P):
        qtbot.keyClick(viewer, key)
    assert library.candidate(four[0]).status is CandidateStatus.KEPT
    assert library.candidate(four[1]).status is CandidateStatus.REJECTED
    assert library.candidate(four[2]).starred
    assert kept == [four[0]] and packed == [four[3]]
    assert viewer.candidate_id() == four[3]  # the last one: it stays there
    assert "starred" not in viewer.caption_label.text()
    qtbot.keyClick(viewer, Qt.Key.Key_Return)
    qtbot.mouseDClick(viewer.picture, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert opened == [four[3], four[3]]  # Enter and double-click edit, as in the grid


def test_it_acts_on_the_one_it_shows_not_on_a_selection(library, gallery, four, qtbot):
    qtbot.keyClick(gallery.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert len(gallery.view.selected_rows()) == 2
    viewer = _open(gallery, qtbot)
    qtbot.keyClick(viewer, Qt.Key.Key_K)
    assert [library.candidate(i).status for i in four[:2]] == [
        CandidateStatus.NEW,
        CandidateStatus.KEPT,  # Shift+Right made the second current
    ]


def test_it_shows_the_cut_out_on_the_chosen_background(library, gallery, four, qtbot):
    cut_out_left_half(library, four[0])
    gallery.reload()
    gallery.select_candidate(four[0])
    gallery.set_backdrop(Backdrop.DARK_CHAT)
    viewer = _open(gallery, qtbot)
    qtbot.waitUntil(
        lambda: viewer.pixmap() is not None and viewer.pixmap().width() == PICTURE_SIZE,
        timeout=5000,
    )
    image: QImage = viewer.pixmap().toImage()
    assert image.pixelColor(PICTURE_SIZE - 10, PICTURE_SIZE // 2) == DARK_CHAT
    assert "cut-out: U-Net 90%" in viewer.caption_label.text()
    viewer.grab()  # paints


def test_it_stays_open_while_new_candidates_arrive(library, gallery, four, qtbot):
    viewer = _open(gallery, qtbot)
    gallery.add_candidates(fill_library(library, [0.5]))
    assert gallery.viewer_open() and viewer.candidate_id() == four[0]
    assert "2 of 5" in viewer.caption_label.text()  # the new one sorts first


def test_it_closes_when_a_filter_hides_what_it_shows(library, gallery, four, qtbot):
    viewer = _open(gallery, qtbot)
    qtbot.keyClick(viewer, Qt.Key.Key_X)  # rejected, on to the second
    library.set_status([four[1]], CandidateStatus.REJECTED)
    gallery.status_box.setCurrentText("Rejected")
    assert gallery.viewer_open() and viewer.candidate_id() == four[1]  # still listed: stays
    gallery.status_box.setCurrentText("Kept")  # nothing kept: the grid's empty state
    assert not gallery.viewer_open()
    assert "Space large view" in gallery.help_label.text()


def test_without_a_candidate_space_does_nothing(gallery, qtbot):
    gallery.view.setFocus()
    qtbot.keyClick(gallery.view, Qt.Key.Key_Space)
    assert not gallery.viewer_open()
