"""The pack panel keeps what it remembers (the last export folder, the Telegram user id) in the
one window-state store under STUDIO_HOME, never in a default QSettings outside it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from studio.ui.pack import PackPanel
from studio.ui.window_state import window_settings
from tests.ui.pack.conftest import add_candidates

pytestmark = pytest.mark.gui


@pytest.fixture
def outside(tmp_path):
    """Where a default QSettings() would write, moved somewhere the test can look into."""
    folder = tmp_path / "user-config"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


def _files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_nothing_is_written_outside_studio_home(
    outside, library, paths, qtbot, tmp_path, studio_home, monkeypatch
):
    panel = PackPanel(library)
    qtbot.addWidget(panel)
    ids = add_candidates(library, 1)
    panel.add_candidates(ids)
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😺"])
    exports = tmp_path / "exports"
    exports.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(exports))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.exported, timeout=60_000):
        panel.export_button.click()
    qtbot.waitUntil(lambda: panel.export_task is None)
    panel.message_box.done(QMessageBox.StandardButton.Close)
    panel.publish_section.user_edit.clear()
    qtbot.keyClicks(panel.publish_section.user_edit, "123456789")  # as typed
    panel.shutdown()

    store = window_settings(paths)
    store.sync()
    assert store.value("pack/export_folder") == str(exports)
    assert str(store.value("pack/telegram_user_id")) == "123456789"
    assert store.fileName().startswith(str(studio_home))
    assert _files(outside) == []  # no default QSettings() file anywhere
    assert QSettings().allKeys() == []

    # Both come back in a new panel, from the same store.
    again = PackPanel(library)
    qtbot.addWidget(again)
    assert again.publish_section.user_edit.text() == "123456789"
    again.shutdown()
