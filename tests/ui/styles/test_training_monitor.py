"""The training monitor follows one training's events: the loss curve, previews, its state."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from studio.jobs.events import JobCancelled, JobStarted
from studio.jobs.training_events import TrainingPlanned, TrainingPreview, TrainingProgress
from studio.ui.styles.monitor import TrainingMonitor

pytestmark = pytest.mark.gui


def _step(job_id, step, loss, steps=10):
    return TrainingProgress(job_id, step, steps, loss, loss / 10, loss / 1000, 1e-5, 3.0)


def _png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (128, 128), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def monitor(qtbot):
    monitor = TrainingMonitor()
    qtbot.addWidget(monitor)
    monitor.follow(-1, "Ginger cat", 10)
    return monitor


def test_the_chart_shows_only_with_a_training(qtbot):
    # An empty chart (axes 0..1 labelled "0 0 0 0 1") said nothing.
    monitor = TrainingMonitor()
    qtbot.addWidget(monitor)
    monitor.show()
    assert not monitor.chart_view.isVisible()
    monitor.follow(-1, "Ginger cat", 10)
    assert monitor.chart_view.isVisible()
    monitor.forget()
    assert not monitor.chart_view.isVisible()


def test_the_curve_receives_a_point_per_step(monitor):
    monitor.handle(JobStarted(-1))
    for step, loss in enumerate([900.0, 700.0, 400.0], 1):
        monitor.handle(_step(-1, step, loss))
    monitor.handle(_step(-2, 1, 5.0))  # another training: not this one's curve
    assert monitor.curve.points == [(1, 900.0), (2, 700.0), (3, 400.0)]
    assert monitor.series.count() == 3
    assert monitor.series.at(2).y() == 400.0
    assert monitor.x_axis.max() == 10
    assert "Step 3/10" in monitor.status.text() and "loss 400" in monitor.status.text()


def test_a_resumed_training_redraws_the_steps_it_does_again(monitor):
    for step in range(1, 6):
        monitor.handle(_step(-1, step, 100.0 - step))
    monitor.handle(_step(-1, 4, 50.0))  # continued from the step-3 checkpoint
    assert [s for s, _ in monitor.curve.points] == [1, 2, 3, 4]
    assert monitor.series.count() == 4


def test_the_plan_says_measured_time_and_estimated_memory(monitor):
    monitor.handle(
        TrainingPlanned(-1, "Ginger cat", 4, 10, 2.5, 3 * 1024**3, "cpu (fp32)", "adamw")
    )
    text = monitor.status.text()
    assert "continuing from step 4" in text and "6 steps × 2.50 s (measured)" in text
    assert "3.0 GiB (estimated)" in text


def test_previews_show_each_held_out_caption(monitor):
    monitor.handle(TrainingPreview(-1, 5, ("кот в шляпе", "кот спит"), (_png("red"), _png("blue"))))
    labels = [monitor.previews.itemAt(i).widget() for i in range(monitor.previews.count())]
    pictures = [w for w in labels if w.pixmap() is not None and not w.pixmap().isNull()]
    assert len(pictures) == 2 and pictures[0].toolTip() == "кот в шляпе"
    assert "step 5" in monitor.preview_caption.text()


def test_stop_asks_for_this_training_and_a_stop_says_how_to_continue(monitor, qtbot):
    with qtbot.waitSignal(monitor.stop_requested) as stop:
        monitor.stop_button.click()
    assert stop.args == [-1]
    monitor.handle(JobCancelled(-1, 0))
    assert not monitor.stop_button.isEnabled() and "Resume" in monitor.status.text()


def test_an_unfinished_training_offers_discard(qtbot):
    monitor = TrainingMonitor()
    qtbot.addWidget(monitor)
    monitor.follow(-3, "Left over", 10, stopped="Unfinished: Resume in Jobs continues it.")
    assert monitor.discard_button.isVisibleTo(monitor)
    assert not monitor.stop_button.isVisibleTo(monitor)
    with qtbot.waitSignal(monitor.discard_requested) as discard:
        monitor.discard_button.click()
    assert discard.args == [-3]
    monitor.handle(JobStarted(-3))  # resumed
    assert monitor.stop_button.isVisibleTo(monitor) and monitor.stop_button.isEnabled()
    monitor.forget()
    assert monitor.job_id is None and not monitor.discard_button.isVisibleTo(monitor)
