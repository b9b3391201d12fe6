"""The gallery's pictures: originals, or cut-outs on a checkerboard or a chat background,
rendered off the UI thread; candidates not cut out yet show the original until they are."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from ui_fixtures import fill_library

from studio.ui.backdrops import DARK_CHAT, LIGHT_CHAT, Background
from studio.ui.gallery import Backdrop
from studio.ui.gallery.pictures import PictureRequest, render_picture

from .conftest import cut_out_left_half, left_half_mask

pytestmark = pytest.mark.gui

RED = (200, 30, 30)


def _files(tmp_path, mask=True):
    image = tmp_path / "picture.png"
    Image.new("RGB", (32, 32), RED).save(image)
    mask_path = tmp_path / "mask.png"
    if mask:
        left_half_mask().save(mask_path)
    return str(image), str(mask_path)


def _rgb(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = image.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def _colour(c: QColor) -> tuple[int, int, int]:
    return (c.red(), c.green(), c.blue())


@pytest.mark.parametrize(
    ("background", "expected"),
    [(Background.LIGHT_CHAT, _colour(LIGHT_CHAT)), (Background.DARK_CHAT, _colour(DARK_CHAT))],
)
def test_a_cut_out_is_shown_on_the_chat_background(tmp_path, background, expected):
    image, mask = _files(tmp_path)
    tile = render_picture(PictureRequest(1, image, mask, background, 64))
    assert (tile.width(), tile.height()) == (64, 64)
    assert _rgb(tile, 10, 32) == RED  # the kept half
    assert _rgb(tile, 54, 32) == expected  # the cut-away half shows the background


def test_a_cut_out_on_the_checkerboard_shows_both_squares(tmp_path):
    image, mask = _files(tmp_path)
    tile = render_picture(PictureRequest(1, image, mask, Background.CHECKERBOARD, 64))
    removed = {_rgb(tile, x, y) for x in range(40, 64) for y in range(0, 64, 4)}
    assert removed == {(255, 255, 255), (204, 204, 204)}
    assert _rgb(tile, 5, 5) == RED


def test_the_original_or_an_unreadable_mask_shows_the_white_original(tmp_path):
    image, mask = _files(tmp_path, mask=False)
    original = render_picture(PictureRequest(1, image, None, None, 64))
    assert _rgb(original, 60, 30) == RED
    unreadable = render_picture(PictureRequest(1, image, mask, Background.DARK_CHAT, 64))
    assert _rgb(unreadable, 60, 30) == RED
    assert render_picture(PictureRequest(1, str(tmp_path / "gone.png"), None, None, 64)).isNull()


def test_the_shortcut_steps_through_every_choice():
    seen = [Backdrop.ORIGINAL]
    for _ in range(4):
        seen.append(seen[-1].next())
    assert seen == [
        Backdrop.ORIGINAL,
        Backdrop.CHECKERBOARD,
        Backdrop.LIGHT_CHAT,
        Backdrop.DARK_CHAT,
        Backdrop.ORIGINAL,
    ]
    assert Backdrop.ORIGINAL.background is None
    assert Backdrop.DARK_CHAT.background is Background.DARK_CHAT


def _picture(gallery, qtbot, row: int) -> QImage:
    index = gallery.model.index(row)
    qtbot.waitUntil(lambda: index.data(Qt.ItemDataRole.DecorationRole) is not None, timeout=3000)
    return index.data(Qt.ItemDataRole.DecorationRole).toImage()


def test_the_gallery_shows_cut_outs_and_fills_in_those_that_finish_later(library, gallery, qtbot):
    ids = fill_library(library, [1.0, 2.0])
    cut_out_left_half(library, ids[0])
    gallery.reload()
    original = _picture(gallery, qtbot, 1)
    gallery.set_backdrop(Backdrop.DARK_CHAT)
    assert gallery.backdrop_button.text() == "Dark chat"
    assert "Cut-outs on a dark chat" in gallery.backdrop_button.toolTip()
    dark = _colour(DARK_CHAT)
    qtbot.waitUntil(
        lambda: _picture(gallery, qtbot, 0).pixelColor(120, 64) == DARK_CHAT, timeout=3000
    )
    # Not cut out yet: still the original (not a blank cell).
    assert _picture(gallery, qtbot, 1) == original
    # Its cut-out is stored by the background runner: the cell fills in.
    cut_out_left_half(library, ids[1])
    gallery.model.refresh_cutout(ids[1])
    qtbot.waitUntil(lambda: _rgb(_picture(gallery, qtbot, 1), 120, 64) == dark, timeout=3000)
    gallery.set_backdrop(Backdrop.ORIGINAL)
    assert _picture(gallery, qtbot, 0).width() == 128  # the original again, from the cache
    assert _rgb(_picture(gallery, qtbot, 0), 120, 64) != dark
    gallery.view.grab()  # every visible cell paints


def test_switching_keeps_the_originals_until_the_cut_outs_are_rendered(library, gallery, qtbot):
    ids = fill_library(library, [1.0])
    cut_out_left_half(library, ids[0])
    gallery.reload()
    original = _picture(gallery, qtbot, 0)
    gallery.set_backdrop(Backdrop.CHECKERBOARD)
    shown = gallery.model.index(0).data(Qt.ItemDataRole.DecorationRole)
    assert shown is not None and shown.toImage() == original  # never a blank cell meanwhile
    gallery.thumbnails.wait_idle()
    qtbot.waitUntil(lambda: _picture(gallery, qtbot, 0) != original, timeout=3000)


def test_the_choice_is_in_the_menu_and_on_a_shortcut(library, gallery, qtbot):
    fill_library(library, [1.0])
    gallery.reload()
    changes = []
    gallery.backdrop_changed.connect(changes.append)
    titles = [a.text() for a in gallery.backdrop_menu.actions() if a.isCheckable()]
    assert titles == [
        "Original pictures",
        "Cut-outs on a checkerboard",
        "Cut-outs on a light chat",
        "Cut-outs on a dark chat",
    ]
    gallery.backdrop_menu.actions()[2].trigger()
    assert gallery.backdrop is Backdrop.LIGHT_CHAT
    assert gallery.next_backdrop_action.shortcut().toString() == "Ctrl+B"
    gallery.next_backdrop_action.trigger()
    assert gallery.backdrop is Backdrop.DARK_CHAT
    assert (
        [a for a in gallery.backdrop_menu.actions() if a.isChecked()][0]
        .text()
        .endswith("dark chat")
    )
    assert changes == [Backdrop.LIGHT_CHAT, Backdrop.DARK_CHAT]
