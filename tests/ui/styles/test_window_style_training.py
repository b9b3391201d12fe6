"""The real window on the engine's tiny model: train a style from the dialog, watch it in the
monitor and the job list, then generate with it."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from style_pictures import draw_pictures
from ui_fixtures import FakeSegmenter

from studio.engine.styles.library import list_styles, read_style_info
from studio.jobs.training_events import StyleSaved, TrainingPreview
from studio.library import CandidateStatus, CutoutMethod, JobState
from studio.library.importing import import_files
from studio.settings import Settings

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def window(open_window, tiny_model_dir, qtbot):
    window = open_window(
        settings=Settings(models_dir=str(tiny_model_dir), device="cpu"),
        segmenter_factory=FakeSegmenter,
    )
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=30_000)
    qtbot.waitUntil(lambda: window.device_info is not None, timeout=30_000)
    return window


def test_train_a_style_in_the_window_then_generate_with_it(window, pictures, qtbot):
    events = []
    window.queue.event.connect(events.append)
    assert not window.training_dock.isVisible()  # nothing to follow yet: the details' column
    dialog = window.styles.open_dialog()
    assert "CPU" in dialog.warning.text() or "slow" in dialog.warning.text()
    dialog.add_files(pictures)
    assert dialog.table.rowCount() == 20
    assert dialog.table.item(0, 1).text() == "ginger cat"
    for row in range(20):
        dialog.table.item(row, 1).setText("рыжий котик")
    dialog.name.setText("Ginger cat")
    dialog.steps.setValue(4)
    dialog.lr.setValue(0.003)
    dialog.batch.setValue(2)
    dialog.previews.setText("котик в шляпе")
    assert dialog.train.isEnabled(), dialog.problems.text()
    qtbot.mouseClick(dialog.train, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.styles.dialog is None, timeout=5_000)
    assert window.training_dock.isVisible()
    qtbot.waitUntil(window.queue.is_idle, timeout=120_000)

    assert any(isinstance(e, StyleSaved) for e in events), events[-1]
    assert [s for s, _ in window.styles.monitor.curve.points] == [1, 2, 3, 4]
    assert window.styles.monitor.series.count() == 4
    assert sum(isinstance(e, TrainingPreview) for e in events) == 1 * 4  # every quarter: each step
    [entry] = list_styles()
    info = read_style_info(entry.path)
    assert info["steps_done"] == 4 and len(info["data"]) == 20
    row = window.queue_panel.model.job(0)
    assert window.queue_panel.model.status_line(row) == "finished: 4 steps"

    # The sampler lists it; a job drawn with it records it.
    box = window.sampler_panel.style_box
    assert box.itemText(1).startswith("Ginger cat (") and box.itemText(1).endswith(" MB)")
    window.sampler_panel.set_style("Ginger cat")
    window.sampler_panel.images.setValue(2)
    window.sampler_panel.batch_size.setValue(2)
    window.prompt_panel.set_prompt("котик")
    qtbot.mouseClick(window.prompt_panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.queue.is_idle, timeout=60_000)
    job = window.library.jobs()[-1]
    assert job.state is JobState.FINISHED and job.spec.style == "Ginger cat"


def test_kept_pictures_come_from_the_gallery_through_their_cut_outs(window, tmp_path, qtbot):
    photos = draw_pictures(tmp_path / "photos", 3)
    report = import_files(photos, window.library.paths, prompt="a ginger cat")
    ids = report.candidate_ids
    window.library.set_status(ids[:2], CandidateStatus.KEPT)
    mask = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(mask).ellipse((10, 10, 54, 54), fill=255)
    window.library.add_cutout(ids[0], mask, CutoutMethod.MANUAL, None, True)
    window.gallery.reload()
    window.gallery.view.selectAll()
    rows, russian = window.styles.selected_pictures()
    assert russian == {}  # imported with a prompt as typed: nothing was translated
    assert len(rows) == 2  # the one not kept stays out
    assert all(caption == "a ginger cat" for _image, caption, _mask in rows)
    cutouts = window.library.current_cutouts(ids[:2])
    expected = {
        str(window.library.abspath(window.library.candidate(i).image_path)): str(
            window.library.abspath(cutouts[i].mask_path)
        )
        for i in ids[:2]
    }
    assert {image: mask for image, _caption, mask in rows} == expected
    assert cutouts[ids[0]].method is CutoutMethod.MANUAL  # the user's own cut-out is used
