"""The model manager dialog over the real model store (offline: nothing is downloaded)."""

from __future__ import annotations

import pytest

from studio.jobs.backend import DeviceInfo
from studio.settings import Settings, load_settings
from studio.ui.model_manager import ModelManagerDialog
from studio.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui

GPU_MACHINE = DeviceInfo(
    devices=("cuda", "cpu"),
    default_device="cuda",
    precisions={"cuda": ("fp32", "fp16", "bf16", "int8"), "cpu": ("fp32", "bf16")},
    description="Test GPU, 24.0 GiB",
    suggested_batch_size=32,
)


@pytest.fixture
def dialog(qtbot, tmp_path):
    background = TaskRunner()
    dlg = ModelManagerDialog(Settings(models_dir=str(tmp_path / "models")), background)
    qtbot.addWidget(dlg)
    yield dlg
    background.close()


def _rows(dialog):
    return {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text()
        for r in range(dialog.table.rowCount())
    }


def test_missing_files_are_listed_and_offline_download_says_so(dialog, qtbot):
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 4, timeout=10_000)
    rows = _rows(dialog)
    assert rows["pytorch_model.bin"] == "missing"
    assert rows["vqgan.gumbelf8-sber.model.ckpt"] == "optional"
    assert "missing" in dialog.summary.text()
    dialog.download_button.click()
    assert dialog.downloading
    qtbot.waitUntil(lambda: not dialog.downloading, timeout=30_000)
    text = dialog.progress_label.text()
    assert "offline" in text or "unreachable" in text
    assert "Use folder" in text
    qtbot.waitUntil(dialog.download_button.isEnabled, timeout=10_000)  # can try again


def test_use_folder_switches_to_a_complete_model_folder(dialog, qtbot, tiny_model_dir):
    checks = []
    dialog.files_changed.connect(checks.append)
    changed = []
    dialog.settings_changed.connect(changed.append)
    dialog.use_folder(str(tiny_model_dir))
    qtbot.waitUntil(lambda: bool(checks) and checks[-1].folder == tiny_model_dir, timeout=10_000)
    assert checks[-1].ready
    rows = _rows(dialog)
    assert rows.pop("opus-mt-en-ru/") == "optional"  # the translator: one row, not needed
    assert set(rows.values()) == {"present"}
    assert "All required files are present" in dialog.summary.text()
    assert not dialog.download_button.isEnabled()
    assert changed[-1].models_dir == str(tiny_model_dir)
    assert load_settings().models_dir == str(tiny_model_dir)  # saved at once


def test_device_and_precision_offer_what_the_machine_supports(dialog):
    assert not dialog.device_box.isEnabled()  # still detecting
    dialog.set_device_info(GPU_MACHINE)
    assert dialog.device_box.isEnabled()
    dialog.device_box.setCurrentIndex(dialog.device_box.findData("cpu"))
    model = dialog.precision_box.model()
    enabled = {
        dialog.precision_box.itemData(i): model.item(i).isEnabled()
        for i in range(dialog.precision_box.count())
    }
    assert enabled == {None: True, "fp16": False, "bf16": True, "int8": False, "fp32": True}
    dialog.precision_box.setCurrentIndex(dialog.precision_box.findData("bf16"))
    saved = load_settings()
    assert (saved.device, saved.precision) == ("cpu", "bf16")
    dialog.device_box.setCurrentIndex(dialog.device_box.findData("cuda"))
    assert load_settings().precision == "bf16"  # still supported there


def test_where_to_generate_is_saved_once_valid(dialog, monkeypatch):
    chooser = dialog.where_chooser
    assert chooser.where() is None and not chooser.address_edit.isVisibleTo(dialog)
    chooser.choice_box.setCurrentIndex(chooser.choice_box.findData("gpus"))
    assert load_settings().where == "gpus"
    chooser.choice_box.setCurrentIndex(chooser.choice_box.findData("ray"))
    assert chooser.address_edit.isVisibleTo(dialog)
    assert load_settings().where == "gpus"  # no address yet: nothing changes
    chooser.address_edit.setText("ray://head:notaport")
    chooser.address_edit.editingFinished.emit()
    assert "ray://HOST:PORT" in chooser.hint_label.text()
    assert load_settings().where == "gpus"
    chooser.address_edit.setText("ray://10.0.0.5:10001")
    chooser.address_edit.editingFinished.emit()
    assert load_settings().where == "ray://10.0.0.5:10001"
    assert "its own models folder" in chooser.hint_label.text()
    chooser.choice_box.setCurrentIndex(chooser.choice_box.findData("local"))
    assert load_settings().where is None


def test_where_to_generate_names_the_install_command_without_ray(qtbot, monkeypatch):
    from studio.ui import where_chooser

    monkeypatch.setattr(where_chooser, "ray_installed", lambda: False)
    chooser = where_chooser.WhereChooser("gpus")
    qtbot.addWidget(chooser)
    assert "pip install -e .[cluster]" in chooser.hint_label.text()
