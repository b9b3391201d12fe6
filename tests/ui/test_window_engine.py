"""The real window on the engine's tiny model: generate, see it stream in, and the no-model
state with the real model store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_fixtures import FakeSegmenter

from studio.jobs.events import JobProgress
from studio.library import JobState
from studio.settings import Settings

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def make_window(open_window):
    return lambda settings: open_window(settings=settings, segmenter_factory=FakeSegmenter)


def test_eight_images_stream_in_ordered_by_perplexity(make_window, tiny_model_dir, qtbot):
    window = make_window(Settings(models_dir=str(tiny_model_dir), device="cpu"))
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=30_000)
    qtbot.waitUntil(lambda: window.device_info is not None, timeout=30_000)
    assert "CPU" in window.device_label.text()
    progress = []
    window.queue.event.connect(lambda e: isinstance(e, JobProgress) and progress.append(e))
    window.prompt_panel.set_prompt("котик с сердечком")
    window.sampler_panel.images.setValue(8)
    window.sampler_panel.batch_size.setValue(4)
    qtbot.mouseClick(window.prompt_panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.queue.is_idle, timeout=60_000)
    job = window.library.jobs()[-1]
    assert job.state is JobState.FINISHED and job.spec.model_id == "tiny-emojich"
    assert progress and progress[-1].images_done == 8
    shown = window.gallery.model.candidates()
    assert len(shown) == 8
    assert [c.perplexity for c in shown] == sorted(c.perplexity for c in shown)
    assert window.last_heartbeat_gap_ms is not None and window.last_heartbeat_gap_ms > 0
    # The job list shows it finished.
    status = window.queue_panel.model.status_line(window.queue_panel.model.job(0))
    assert status.startswith("finished")


def test_no_model_state_with_the_real_model_store(make_window, tmp_path, qtbot):
    window = make_window(Settings(models_dir=str(tmp_path / "no-models")))
    qtbot.waitUntil(lambda: window.model_check is not None, timeout=30_000)
    assert window.prompt_panel.generate_button.text() == "Model files missing"
    assert not window.prompt_panel.generate_button.isEnabled()
    text = window.prompt_panel.model_label.text()
    for name in ("pytorch_model.bin", "vqgan.gumbelf8-sber-dwt.model.ckpt", "bpe.model"):
        assert name in text
    dialog = window.open_model_manager()
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 3, timeout=30_000)
    assert "missing" in dialog.summary.text()
    assert dialog.download_button.isEnabled()
    dialog.close()
