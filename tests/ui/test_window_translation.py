"""The real window with the engine's tiny model and a tiny MarianMT translator in the models
folder: an English prompt shows its Russian, generates with it, and both texts are in the
library, the gallery filter, Details and the history."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_fixtures import FakeSegmenter

from studio.library import JobState
from studio.settings import Settings
from tests.translate.tiny_marian import reference_translation, write_tiny_marian

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ENGLISH = "a cat in a space helmet"


@pytest.fixture(scope="module")
def models_with_translator(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    folder = write_tiny_model_dir(tmp_path_factory.mktemp("models"))
    write_tiny_marian(folder / "opus-mt-en-ru")
    return folder


def test_english_prompt_generates_with_its_russian(open_window, models_with_translator, qtbot):
    russian = reference_translation(models_with_translator / "opus-mt-en-ru", ENGLISH)
    window = open_window(
        settings=Settings(models_dir=str(models_with_translator), device="cpu"),
        segmenter_factory=FakeSegmenter,
    )
    panel = window.prompt_panel
    qtbot.waitUntil(lambda: panel.model_ready, timeout=30_000)
    panel.set_prompt(ENGLISH)
    assert panel.translation_row.isVisible()
    qtbot.waitUntil(lambda: panel.russian() == russian, timeout=30_000)
    window.sampler_panel.images.setValue(2)
    window.sampler_panel.batch_size.setValue(2)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.library.jobs()), timeout=10_000)
    qtbot.waitUntil(window.queue.is_idle, timeout=60_000)

    job = window.library.jobs()[-1]
    assert job.state is JobState.FINISHED
    assert (job.spec.prompt, job.spec.prompt_original) == (russian, ENGLISH)
    assert panel.prompt_box.itemText(0) == ENGLISH  # the history holds what was typed

    # The gallery's filter finds the pictures by either text.
    for query in ("space helmet", russian[: max(3, len(russian) // 2)]):
        window.gallery.filter_edit.setText(query)
        qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 2, timeout=5000)
    window.gallery.filter_edit.setText("no such words")
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 0, timeout=5000)
    window.gallery.filter_edit.setText("")
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 2, timeout=5000)

    # Details shows both.
    candidate = window.gallery.model.candidates()[0]
    window.details.show_candidate(candidate)
    assert window.details.prompt.text() == russian
    assert window.details.typed.text() == f"Typed: {ENGLISH}"
    assert not window.details.typed.isHidden()


def test_history_after_a_restart_brings_the_russian_back(open_window, library, qtbot, tmp_path):
    from studio.jobs.request import GenerationRequest

    library.create_job(
        GenerationRequest("кот в шлеме (правка)", prompt_original="a cat in a helmet").to_spec()
    )
    window = open_window(
        library=library,
        settings=Settings(models_dir=str(tmp_path / "none")),
        segmenter_factory=FakeSegmenter,
    )
    panel = window.prompt_panel
    assert panel.prompt_box.itemText(0) == "a cat in a helmet"
    panel.set_prompt("a cat in a helmet")
    assert panel.russian() == "кот в шлеме (правка)"  # no translator needed for a known prompt


def test_no_translator_in_the_folder_says_how_to_get_it(open_window, tiny_model_dir, qtbot):
    window = open_window(
        settings=Settings(models_dir=str(tiny_model_dir), device="cpu"),
        segmenter_factory=FakeSegmenter,
    )
    panel = window.prompt_panel
    qtbot.waitUntil(lambda: panel.model_ready, timeout=30_000)
    panel.set_prompt("a dog")
    assert "not installed" in panel.translation_note.text()
    panel.translation_note.linkActivated.emit("models")
    assert window._model_dialog is not None and window._model_dialog.isVisible()
    window._model_dialog.close()
