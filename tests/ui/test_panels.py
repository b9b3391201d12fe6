"""The generate-side panels: sampler presets and seeds, prompt history, the job list buttons."""

from __future__ import annotations

import pytest

from studio.jobs import GenerationRequest, JobQueue
from studio.library import JobState
from studio.ui.prompt_panel import PromptPanel
from studio.ui.prompt_translation import Submission
from studio.ui.queue_panel import QueuePanel, format_eta
from studio.ui.sampler_panel import CUSTOM, SamplerPanel
from tests.jobs.scripted_backend import ScriptedBackend

pytestmark = pytest.mark.gui


def test_presets_and_custom_values(qtbot):
    panel = SamplerPanel()
    qtbot.addWidget(panel)
    request = panel.make_request("кот")
    assert (request.top_k, request.top_p, request.temperature) == (2048, 0.995, 1.0)
    panel.preset_box.setCurrentIndex(1)
    assert panel.top_k.value() == 768
    panel.top_k.setValue(1000)
    assert panel.preset_box.currentText() == CUSTOM
    panel.top_k.setValue(2048)
    panel.top_p.setValue(0.995)
    panel.temperature.setValue(1.0)
    assert panel.preset_box.currentIndex() == 0  # back on the paper's values


def test_random_seed_is_shown_and_a_fixed_seed_repeats(qtbot):
    panel = SamplerPanel()
    qtbot.addWidget(panel)
    first = panel.make_request("кот").seed
    assert str(first) in panel.last_seed.text()
    panel.random_seed.setChecked(False)
    assert panel.make_request("кот").seed == first  # "fixed" repeats the last run
    assert panel.make_request("кот").seed == first


def test_batch_size_suggestion_never_overrides_the_user(qtbot):
    panel = SamplerPanel()
    qtbot.addWidget(panel)
    panel.suggest_batch_size(16, "GPU")
    assert panel.batch_size.value() == 16
    panel.batch_size.setValue(3)
    panel.suggest_batch_size(32, "GPU")
    assert panel.batch_size.value() == 3
    panel.images.setValue(2)
    assert panel.make_request("кот").batch_size == 2  # never more than the images asked for


def test_the_sampler_setters_make_the_request(qtbot):
    panel = SamplerPanel()
    qtbot.addWidget(panel)
    panel.set_seed(2024)
    panel.set_image_count(12)
    panel.set_batch_size(4)
    panel.suggest_batch_size(16, "GPU")  # the user's batch size stays
    request = panel.make_request("кот")
    assert (request.seed, request.n_images, request.batch_size) == (2024, 12, 4)
    assert panel.make_request("кот").seed == 2024
    panel.set_seed(None)  # random again: a new seed is drawn for each job
    seeds = {panel.make_request("кот").seed for _ in range(3)}
    assert len(seeds) > 1


def test_the_generate_controls_follow_the_model_state(qtbot):
    panel = PromptPanel()
    qtbot.addWidget(panel)
    controls = panel.generate_controls  # placed by the window, outside the panel's layout
    qtbot.addWidget(controls)
    assert panel.isAncestorOf(controls) is False
    assert controls.isAncestorOf(panel.generate_button)
    assert controls.isAncestorOf(panel.model_label)
    panel.set_model_state(missing=["pytorch_model.bin"])
    assert "pytorch_model.bin" in panel.model_label.text()
    asked = []
    panel.model_manager_requested.connect(lambda: asked.append(True))
    panel.model_label.linkActivated.emit("models")
    assert asked == [True]
    fired = []
    panel.generate_requested.connect(fired.append)
    panel.set_prompt("кот")
    panel.request_generate()
    assert fired == []  # no model yet
    panel.set_model_state(missing=[])
    panel.request_generate()
    assert fired == [Submission("кот")]


def test_prompt_history_is_newest_first_without_duplicates(qtbot):
    panel = PromptPanel()
    qtbot.addWidget(panel)
    panel.set_history(["кот", "пёс", "кот"])
    panel.remember("сова")
    panel.remember("пёс")
    items = [panel.prompt_box.itemText(i) for i in range(panel.prompt_box.count())]
    assert items == ["пёс", "сова", "кот"]
    fired = []
    panel.generate_requested.connect(fired.append)
    panel.set_prompt("кот в шляпе")
    panel.generate_button.click()
    assert fired == []  # still looking for the model files
    panel.set_model_state(missing=[])
    panel.generate_button.click()
    assert fired == [Submission("кот в шляпе")]


def test_job_list_moves_and_cancels_queued_jobs(library, qtbot):
    queue = JobQueue(library, backend_factory=lambda: ScriptedBackend(steps=1000, step_s=0.01))
    try:
        panel = QueuePanel(library, queue)
        qtbot.addWidget(panel)
        running = queue.submit(GenerationRequest("один", n_images=1, batch_size=1))
        second = queue.submit(GenerationRequest("два", n_images=1, batch_size=1))
        third = queue.submit(GenerationRequest("три", n_images=1, batch_size=1))
        order = [panel.model.job(r).id for r in range(panel.model.rowCount())]
        assert order == [running.id, second.id, third.id]
        panel.select_job(running.id)
        assert not panel.up_button.isEnabled() and panel.cancel_button.isEnabled()
        panel.select_job(third.id)
        assert panel.up_button.isEnabled()
        panel.up_button.click()
        assert queue.pending_job_ids() == [third.id, second.id]
        assert panel.selected_job().id == third.id  # the selection follows the job
        panel.cancel_button.click()
        assert library.job(third.id).state is JobState.CANCELLED
        assert "queued #1" in panel.model.status_line(library.job(second.id))
        queue.cancel(running.id)
        queue.cancel(second.id)
        qtbot.waitUntil(queue.is_idle, timeout=5000)
    finally:
        queue.shutdown()


def test_eta_reads_naturally():
    assert format_eta(None) == "estimating…"
    assert format_eta(42.4) == "42 s left"
    assert format_eta(125) == "2 min 05 s left"
    assert format_eta(3 * 3600 + 120) == "3 h 02 min left"


def test_status_lines_tell_what_happened():
    from studio.jobs.events import BatchSizeReduced, JobFailed, JobProgress
    from studio.ui.job_messages import status_message

    text, _ms = status_message(BatchSizeReduced(3, 8, 4, "CUDA out of memory"))
    assert "out of memory" in text and "from 8 to 4" in text and "goes on" in text
    assert "model files" in status_message(JobFailed(3, "model files missing"))[0]
    assert status_message(JobProgress(3, 1, 2, 0, 1, None)) is None
