"""The translator in the model manager: one row for its folder and its own download button."""

from __future__ import annotations

import shutil

import pytest

from studio.settings import Settings
from studio.ui.model_manager import ModelManagerDialog
from studio.ui.tasks import TaskRunner
from tests.translate.tiny_marian import write_tiny_marian

pytestmark = pytest.mark.gui


@pytest.fixture
def open_dialog(qtbot):
    backgrounds = []

    def open_(folder):
        background = TaskRunner()
        backgrounds.append(background)
        dialog = ModelManagerDialog(Settings(models_dir=str(folder)), background)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10_000)
        return dialog

    yield open_
    for background in backgrounds:
        background.close()


def _row(dialog, name):
    for r in range(dialog.table.rowCount()):
        if dialog.table.item(r, 0).text() == name:
            return [dialog.table.item(r, c).text() for c in range(4)]
    raise AssertionError(f"no row {name}")


def test_absent_translator_is_one_optional_row_and_downloads_alone(open_dialog, tmp_path, qtbot):
    dialog = open_dialog(tmp_path / "models")
    assert _row(dialog, "opus-mt-en-ru/")[1:3] == ["translator", "optional"]
    assert dialog.translator_button.isEnabled()
    dialog.translator_button.click()
    assert dialog.downloading
    qtbot.waitUntil(lambda: not dialog.downloading, timeout=30_000)
    text = dialog.progress_label.text()  # offline by design in the tests
    assert "opus-mt-en-ru" in text and ("offline" in text or "unreachable" in text)


def test_present_and_incomplete_translator(open_dialog, tmp_path, qtbot, tiny_model_dir):
    models = tmp_path / "models"
    shutil.copytree(tiny_model_dir, models)
    write_tiny_marian(models / "opus-mt-en-ru")
    dialog = open_dialog(models)
    name, part, status, size = _row(dialog, "opus-mt-en-ru/")
    assert status == "present" and size != "—"
    assert not dialog.translator_button.isEnabled()
    (models / "opus-mt-en-ru" / "vocab.json").unlink()
    dialog.refresh()
    qtbot.waitUntil(lambda: _row(dialog, "opus-mt-en-ru/")[2] != "present", timeout=10_000)
    assert _row(dialog, "opus-mt-en-ru/")[2] == "incomplete (6 of 7 files)"
    assert dialog.translator_button.isEnabled()
