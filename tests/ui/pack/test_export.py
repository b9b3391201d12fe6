"""Exporting from the window: a valid pack on disk, progress, cancel, nothing left behind."""

from __future__ import annotations

import json
import zipfile

import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox

from studio.pack import TELEGRAM_RULES, verify_export, verify_zip
from tests.ui.pack.conftest import add_candidates

pytestmark = pytest.mark.gui


def _ready_pack(panel, library, count):
    ids = add_candidates(library, count)
    panel.add_candidates(ids)
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😺"])
    panel.sticker_list.select_index(0)
    panel.assign_emoji(["🐱", "👨‍👩‍👧"])
    panel.assign_keywords(["кот"])
    panel.fields.outline.setValue(8)
    assert panel.problem_list.messages() == []
    assert panel.export_button.isEnabled()
    return ids


def test_export_from_the_window_writes_a_valid_pack(panel, library, qtbot, tmp_path):
    ids = _ready_pack(panel, library, 3)
    # Move the first sticker to the end; the export follows the panel's order.
    panel.sticker_list.select_index(0)
    panel.sticker_list.move_selected(1)
    panel.sticker_list.move_selected(1)
    out = tmp_path / "cats"
    progress = []
    with qtbot.waitSignal(panel.exported, timeout=60_000) as done:
        task = panel.start_export(out, make_zip=True)
        task.on_progress(lambda step: progress.append((step.done, step.total)))
        assert not panel.export_button.isEnabled()
        assert panel.progress.isVisible()
    assert done.args == [out]
    qtbot.waitUntil(lambda: panel.export_task is None)
    assert progress[-1][0] == progress[-1][1] == 3 + 2
    assert not panel.progress.isVisible()
    assert panel.export_button.isEnabled()

    # Read everything back.
    assert verify_export(out) == []
    assert verify_zip(out.with_name("cats.zip"), out) == []
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    pack = library.pack(panel.current_pack_id())
    assert manifest["title"] == pack.title and manifest["name"] == pack.name
    stickers = manifest["stickers"]
    assert [s["file"] for s in stickers] == ["001.webp", "002.webp", "003.webp"]
    assert [s["emoji_list"] for s in stickers] == [["😺"], ["😺"], ["🐱", "👨‍👩‍👧"]]
    assert stickers[2]["keywords"] == ["кот"]
    for entry in stickers:
        path = out / entry["file"]
        assert path.stat().st_size <= TELEGRAM_RULES["sticker"]["max_bytes"]
        with Image.open(path) as image:
            assert image.format == "WEBP" and image.mode == "RGBA"
            assert max(image.size) == 512 and min(image.size) <= 512
            assert image.getchannel("A").getextrema()[0] == 0  # transparent background
    with Image.open(out / "thumbnail.webp") as thumb:
        assert thumb.size == (100, 100)
    with zipfile.ZipFile(out.with_name("cats.zip")) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in out.iterdir())
    assert [i.candidate_id for i in library.pack_items(pack.id)] == [ids[1], ids[2], ids[0]]

    # The panel offers to open the folder.
    box = panel.message_box
    assert box is not None and box.isVisible()
    assert "Exported 3 stickers" in box.text()
    assert any(b.text() == "Open folder" for b in box.buttons())
    box.done(QMessageBox.StandardButton.Close)


def test_cancelled_export_leaves_nothing_behind(panel, library, qtbot, tmp_path):
    _ready_pack(panel, library, 12)
    out = tmp_path / "cats"
    with qtbot.waitSignal(panel.export_cancelled, timeout=60_000):
        panel.start_export(out, make_zip=True)
        panel.cancel_button.click()
    qtbot.waitUntil(lambda: panel.export_task is None)
    assert list(tmp_path.iterdir()) == []
    assert "cancelled" in panel.status_label.text()
    assert panel.export_button.isEnabled()


def test_an_existing_pack_is_replaced_only_when_asked(panel, library, qtbot, tmp_path):
    _ready_pack(panel, library, 1)
    out = tmp_path / "cats"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with qtbot.waitSignal(panel.export_failed, timeout=60_000) as failed:
        panel.start_export(out, make_zip=False)
    assert "already exists" in failed.args[0]
    qtbot.waitUntil(lambda: panel.export_task is None)
    assert (out / "keep.txt").read_text() == "mine"
    box = panel.message_box
    assert box is not None and "was not exported" in box.text()
    box.done(QMessageBox.StandardButton.Close)


def test_the_export_button_asks_for_a_folder_and_before_replacing(
    panel, library, qtbot, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    _ready_pack(panel, library, 2)
    name = library.pack(panel.current_pack_id()).name
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(tmp_path))
    asked = []

    def answer(*args):
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    panel.zip_box.setChecked(False)
    with qtbot.waitSignal(panel.exported, timeout=60_000) as first:
        panel.export_button.click()
    assert first.args == [tmp_path / name]
    assert asked == []
    qtbot.waitUntil(lambda: panel.export_task is None)
    panel.message_box.done(QMessageBox.StandardButton.Close)
    # Again into the same folder: the panel asks, and replaces the pack when told to.
    panel.sticker_list.selectAll()
    panel.assign_emoji(["🔥"])
    with qtbot.waitSignal(panel.exported, timeout=60_000):
        panel.export_button.click()
    assert len(asked) == 1 and "already exists" in asked[0]
    qtbot.waitUntil(lambda: panel.export_task is None)
    manifest = json.loads((tmp_path / name / "manifest.json").read_text("utf-8"))
    assert [s["emoji_list"] for s in manifest["stickers"]] == [["🔥"], ["🔥"]]
    assert verify_export(tmp_path / name) == []
    assert not (tmp_path / f"{name}.zip").exists()
    panel.message_box.done(QMessageBox.StandardButton.Close)
