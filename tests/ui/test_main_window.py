"""The whole window on a scripted backend: generate, triage, cancel, restart, no model."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from ui_fixtures import FakeSegmenter, fill_library, missing_check, ready_check

from studio.library import CandidateStatus, CutoutMethod, JobState, Library
from tests.jobs.scripted_backend import ScriptedBackend

pytestmark = pytest.mark.gui


@pytest.fixture
def make_window(open_window):
    def make(backend=None, checker=ready_check, segmenter=None):
        backend = backend or ScriptedBackend()
        segmenter = segmenter or FakeSegmenter()
        return open_window(
            backend_factory=lambda: backend,
            segmenter_factory=lambda: segmenter,
            model_checker=checker,
        )

    return make


def _generate_and_wait(window, qtbot, count: int) -> None:
    """Generate `count` candidates for "кот" and wait until the job is done."""
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=5000)
    window.sampler_panel.images.setValue(count)
    window.generate("кот")
    qtbot.waitUntil(
        lambda: window.queue.is_idle() and window.gallery.model.rowCount() == count, timeout=5000
    )


def test_window_appears_without_torch(studio_home):
    """A fresh interpreter: build and paint the window, torch must not have been imported."""
    code = textwrap.dedent(
        """
        import sys
        from studio.ui.app import create_application
        from studio.ui.main_window import MainWindow
        app = create_application()
        window = MainWindow()
        window.show()
        app.processEvents()
        window.grab()
        print(sorted(m for m in sys.modules if m.startswith("studio.") and
                     m.endswith(".testing")))
        print("torch" in sys.modules)
        window.shutdown()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    *_, test_support, torch = out.stdout.strip().splitlines()
    assert torch == "False"
    assert test_support == "[]"  # the app never imports a test-support module


def test_generate_streams_into_the_gallery(make_window, qtbot):
    window = make_window()
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=5000)
    window.prompt_panel.set_prompt("кот в очках")
    window.sampler_panel.images.setValue(8)
    window.sampler_panel.batch_size.setValue(3)
    qtbot.mouseClick(window.prompt_panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 8, timeout=5000)
    qtbot.waitUntil(window.queue.is_idle, timeout=5000)
    ppl = [c.perplexity for c in window.gallery.model.candidates()]
    assert ppl == sorted(ppl)
    assert window.last_heartbeat_gap_ms is not None
    job = window.library.jobs()[-1]
    assert job.state is JobState.FINISHED and job.spec.prompt == "кот в очках"
    assert window.prompt_panel.prompt_box.itemText(0) == "кот в очках"  # history


def test_no_model_state_says_what_is_missing(make_window, qtbot):
    window = make_window(checker=missing_check)
    qtbot.waitUntil(lambda: window.model_check is not None, timeout=5000)
    button = window.prompt_panel.generate_button
    assert not button.isEnabled()
    assert button.text() == "Model files missing"
    assert "pytorch_model.bin" in window.prompt_panel.model_label.text()
    window.prompt_panel.set_prompt("кот")
    window.prompt_panel.prompt_box.lineEdit().returnPressed.emit()
    assert window.library.jobs() == []  # nothing queued, nothing failed


def test_kept_candidates_get_cut_out_and_details_follow(make_window, qtbot):
    segmenter = FakeSegmenter()
    window = make_window(segmenter=segmenter)
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=5000)
    window.sampler_panel.images.setValue(3)
    window.generate("кот")
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 3, timeout=5000)
    first = window.gallery.model.candidate(0)
    window.gallery.select_candidate(first.id)
    assert window.details.prompt.text() == "кот"
    window.gallery.view.setFocus()
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: window.gallery.model.cutout(first.id) is not None, timeout=5000)
    cutout = window.library.current_cutout(first.id)
    assert cutout.method is CutoutMethod.UNET and cutout.confidence == pytest.approx(0.42)
    assert segmenter.calls == 1


def test_more_like_this_queues_an_image_prompt_job(make_window, qtbot):
    backend = ScriptedBackend()
    window = make_window(backend=backend)
    _generate_and_wait(window, qtbot, 2)
    source = window.gallery.model.candidate(0)
    window.gallery.select_candidate(source.id)
    window.details.rows_spin.setValue(3)
    window.details.more_button.click()
    qtbot.waitUntil(
        lambda: window.queue.is_idle() and len(window.library.jobs()) == 2, timeout=5000
    )
    job = window.library.jobs()[-1]
    assert job.spec.source_candidate_id == source.id and job.spec.prompt_rows == 3
    codes = backend.prompt_codes[-1]
    assert codes is not None and list(codes[:3]) == list(
        __import__("numpy").frombuffer(source.codes, "<u2")[:3]
    )


def test_restart_restores_gallery_statuses_stars_and_jobs(make_window, qtbot, studio_home):
    backend = ScriptedBackend()
    backend.step_s = 0.002
    window = make_window(backend=backend)
    _generate_and_wait(window, qtbot, 4)
    ids = [c.id for c in window.gallery.model.candidates()]
    window.gallery.select_candidate(ids[0])
    window.gallery.view.setFocus()
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_K)
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_X)
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_S)
    backend.step_s = 0.05
    window.sampler_panel.images.setValue(2)
    window.generate("пёс")  # running when the window closes
    window.generate("сова")  # still queued then
    qtbot.waitUntil(
        lambda: window.queue.progress(window.queue.running_job_id or 0) is not None, timeout=5000
    )
    window.close()

    again = make_window()
    statuses = {c.id: (c.status, c.starred) for c in again.gallery.model.candidates()}
    assert statuses[ids[0]] == (CandidateStatus.KEPT, False)
    assert statuses[ids[1]] == (CandidateStatus.REJECTED, False)
    assert statuses[ids[2]] == (CandidateStatus.NEW, True)
    jobs = again.library.jobs()
    assert [j.spec.prompt for j in jobs] == ["кот", "пёс", "сова"]
    assert jobs[0].state is JobState.FINISHED
    assert jobs[1].state is JobState.INTERRUPTED  # stopped by the close, its batches kept
    assert jobs[2].id in again.queue.pending_job_ids() or jobs[2].id == again.queue.running_job_id
    rows = [again.queue_panel.model.job(r).id for r in range(again.queue_panel.model.rowCount())]
    assert set(rows) == {j.id for j in jobs}
    qtbot.waitUntil(again.queue.is_idle, timeout=5000)
    assert again.library.job(jobs[2].id).state is JobState.FINISHED


def test_a_start_on_finished_jobs_runs_none_of_them(make_window, qtbot, studio_home):
    # The gallery's test library left its job queued: every window started on it ran the job
    # again, which failed storing its first picture twice ("UNIQUE constraint failed").
    with Library() as library:
        fill_library(library, [1.0, 2.0, 3.0])
    window = make_window()
    qtbot.wait(200)  # time for a wrongly queued job to start and fail
    qtbot.waitUntil(window.queue.is_idle, timeout=5000)
    [job] = window.library.jobs()
    assert job.state is JobState.FINISHED and job.error is None
    assert window.gallery.model.rowCount() == 3


def test_cancel_from_the_job_list(make_window, qtbot):
    backend = ScriptedBackend()
    backend.steps = 2000
    backend.step_s = 0.01
    window = make_window(backend=backend)
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=5000)
    window.sampler_panel.images.setValue(4)
    window.generate("кот")
    qtbot.waitUntil(
        lambda: window.queue.progress(window.queue.running_job_id or 0) is not None, timeout=5000
    )
    panel = window.queue_panel
    panel.select_job(window.queue.running_job_id)
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    qtbot.waitUntil(window.queue.is_idle, timeout=2000)
    assert window.library.jobs()[-1].state is JobState.CANCELLED


def test_import_menu_path_adds_pictures_with_their_alpha(make_window, qtbot, tmp_path):
    window = make_window()
    rgba = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (10, 10, 30, 30))
    rgba.save(tmp_path / "sticker.png")
    Image.new("RGB", (40, 40), "blue").save(tmp_path / "photo.jpg")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    window.import_paths([tmp_path / n for n in ("sticker.png", "photo.jpg", "broken.png")])
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 2, timeout=5000)
    names = {c.prompt: c for c in window.gallery.model.candidates()}
    assert set(names) == {"sticker.png", "photo.jpg"}
    cutout = window.library.current_cutout(names["sticker.png"].id)
    assert cutout is not None and cutout.method is CutoutMethod.ALPHA
    assert window.library.current_cutout(names["photo.jpg"].id) is None
    assert "broken.png" in window.last_notice.text()


def test_window_state_uses_the_studio_config_folder(make_window, studio_home):
    window = make_window()
    window.gallery.sort_box.setCurrentIndex(window.gallery.sort_box.findData("time"))
    window.shutdown()
    assert (studio_home / "config" / "window.ini").exists()
    again = make_window()
    assert again.gallery.sort_box.currentData() == "time"  # the gallery's order comes back
    with Library() as lib:
        assert lib.jobs() == []


def test_p_adds_the_selection_to_the_pack(make_window, qtbot):
    window = make_window()
    _generate_and_wait(window, qtbot, 3)
    ids = [c.id for c in window.gallery.model.candidates()]
    window.gallery.select_candidate(ids[0])
    window.gallery.view.setFocus()
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_P)
    packs = window.library.packs()
    assert len(packs) == 1
    assert [i.candidate_id for i in window.library.pack_items(packs[0].id)] == ids[:2]
    qtbot.waitUntil(lambda: all(window.library.current_cutout(i) for i in ids[:2]), timeout=5000)


def test_dropping_files_imports_them(make_window, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    window = make_window()
    Image.new("RGB", (20, 20), "green").save(tmp_path / "dropped.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "dropped.png"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() == 1, timeout=5000)
    assert window.gallery.model.candidate(0).prompt == "dropped.png"


def test_resume_queues_the_images_a_stopped_job_did_not_make(make_window, qtbot):
    backend = ScriptedBackend(steps=10, step_s=0.02)
    window = make_window(backend=backend)
    qtbot.waitUntil(lambda: window.prompt_panel.model_ready, timeout=5000)
    window.sampler_panel.random_seed.setChecked(False)
    window.sampler_panel.seed.setValue(100)
    window.sampler_panel.images.setValue(12)
    window.sampler_panel.batch_size.setValue(2)
    window.generate("кот")
    job_id = window.queue.running_job_id
    qtbot.waitUntil(lambda: window.gallery.model.rowCount() >= 4, timeout=10_000)
    window.queue.cancel(job_id)
    qtbot.waitUntil(window.queue.is_idle, timeout=5000)
    done = len(window.library.candidates(job_id=job_id))
    window.queue_panel.select_job(job_id)
    assert window.queue_panel.resume_button.isEnabled()
    window.queue_panel.resume_button.click()
    qtbot.waitUntil(
        lambda: window.queue.is_idle() and len(window.library.jobs()) == 2, timeout=10_000
    )
    resumed = window.library.jobs()[-1]
    assert resumed.spec.images_requested == 12 - done
    assert resumed.spec.seed == 100 + done // 2
    assert len(window.library.candidates(job_id=resumed.id)) == 12 - done


def test_enter_opens_the_mask_editor_on_the_candidate(make_window, qtbot):
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    chosen = window.gallery.model.candidate(1)
    window.gallery.select_candidate(chosen.id)
    window.gallery.view.setFocus()
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.editor_page
    assert window.editor_page.panel.candidate_id == chosen.id
    assert not window.details_dock.isVisible()  # the editor gets the width
    window.show_gallery()
    assert window.details_dock.isVisible()


def test_the_window_fits_a_laptop_screen_on_every_tab(make_window, qtbot):
    # A tab widget asks for the largest of its pages: the editor's width plus the gallery's
    # details panel once made the window wider than a 1366 px screen, and it never shrank back.
    laptop_width = 1366
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    gallery_width = window.minimumSizeHint().width()
    assert gallery_width <= laptop_width
    first = window.gallery.model.candidate(0)
    window.open_editor(first.id)
    qtbot.waitUntil(lambda: window.editor_page.panel is not None, timeout=5000)
    assert window.minimumSizeHint().width() <= laptop_width
    window.add_to_pack([first.id])
    window.tabs.setCurrentWidget(window.pack_page)
    assert window.minimumSizeHint().width() <= laptop_width
    window.show_gallery()
    assert window.minimumSizeHint().width() == gallery_width
    assert window.width() <= laptop_width


def test_the_window_never_resizes_itself(make_window, qtbot):
    # Measured with the details still shown, the editor's minimum plus the details panel once
    # grew the window by itself (1400 -> 1453 px) each time the editor opened.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    first = window.gallery.model.candidate(0)
    for width in (1366, 1400):
        window.resize(width, 820)
        qtbot.wait(50)
        for _round in range(2):
            window.open_editor(first.id)
            qtbot.waitUntil(lambda: window.editor_page.panel is not None, timeout=5000)
            qtbot.wait(50)
            assert window.width() == width
            window.tabs.setCurrentWidget(window.pack_page)
            qtbot.wait(50)
            assert window.width() == width
            window.show_gallery()
            qtbot.wait(50)
            assert window.width() == width
            assert window.details_dock.isVisible()


def test_opening_the_editor_never_widens_a_narrow_window(make_window, qtbot):
    # Below about 1170 px the editor's minimum width (with the Generate dock beside it) once
    # made the window grow when the editor opened.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    first = window.gallery.model.candidate(0)
    gallery_minimum = window.minimumSizeHint().width()
    for width in (1000, 1100, 1150, 1170):
        window.resize(width, 760)
        qtbot.wait(50)
        before = window.width()  # no narrower than the gallery's own minimum
        window.open_editor(first.id)
        qtbot.waitUntil(lambda: window.editor_page.panel is not None, timeout=5000)
        qtbot.wait(50)
        assert window.width() == before, f"the editor widened the window at {width} px"
        assert window.minimumSizeHint().width() <= gallery_minimum
        window.show_gallery()
        qtbot.wait(50)
        assert window.width() == before


def test_showing_a_candidate_never_changes_the_window_minimum(make_window, qtbot):
    # The empty Details panel was 38 px narrower than one showing a candidate: a window at its
    # minimum width grew by itself when the first picture was selected.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    window.details.show_candidate(None)
    empty = window.minimumSizeHint().width()
    window.details.show_candidate(window.gallery.model.candidate(0))
    assert window.minimumSizeHint().width() == empty


def test_docks_and_tab_come_back_as_they_were(make_window, qtbot, studio_home):
    # Quitting on the Pack tab saved the details as hidden (the tab had hidden them), and the
    # next start lost them for good.
    window = make_window()
    window.jobs_dock.close()  # the user's own choice: it stays closed
    window.tabs.setCurrentWidget(window.pack_page)
    assert not window.details_dock.isVisible()
    window.shutdown()
    again = make_window()
    assert again.tabs.currentWidget() is again.pack_page
    assert not again.jobs_dock.isVisible() and again.generate_dock.isVisible()
    again.show_gallery()
    assert again.details_dock.isVisible()
    again.shutdown()
    third = make_window()
    assert third.tabs.currentWidget() is third.gallery
    assert third.details_dock.isVisible() and not third.jobs_dock.isVisible()
    assert [p.name for p in (studio_home / "config").iterdir() if p.suffix == ".ini"] == [
        "window.ini"
    ]


def test_details_come_back_after_quitting_in_the_editor(make_window, qtbot):
    window = make_window()
    _generate_and_wait(window, qtbot, 1)
    window.open_editor(window.gallery.model.candidate(0).id)
    window.shutdown()
    again = make_window()
    assert again.tabs.currentWidget() is again.gallery  # the editor needs a candidate first
    assert again.details_dock.isVisible()


def test_the_auto_advance_choice_is_kept(make_window):
    window = make_window()
    assert window.gallery.auto_advance
    window.gallery.set_auto_advance(False)
    window.shutdown()
    assert not make_window().gallery.auto_advance


class _GatedSegmenter(FakeSegmenter):
    """Cuts out only once the test opens the gate, so the count can be seen meanwhile."""

    def __init__(self):
        super().__init__()
        import threading

        self.gate = threading.Event()

    def cutout(self, image):
        self.gate.wait(10)
        return super().cutout(image)


def test_background_cut_outs_are_counted_in_the_status_bar(make_window, qtbot):
    # They once ran unseen: badges appeared up to 12 s later with nothing said meanwhile.
    segmenter = _GatedSegmenter()
    window = make_window(segmenter=segmenter)
    _generate_and_wait(window, qtbot, 3)
    ids = [c.id for c in window.gallery.model.candidates()]
    assert not window.cutout_label.isVisible()
    window.gallery.set_auto_advance(False)
    window.gallery.select_candidate(ids[0])
    window.gallery.view.selectAll()
    window.gallery.set_status(CandidateStatus.KEPT)
    qtbot.waitUntil(window.cutout_label.isVisible, timeout=2000)
    assert "3 pictures" in window.cutout_label.text()
    segmenter.gate.set()
    qtbot.waitUntil(lambda: not window.cutout_label.isVisible(), timeout=5000)
    assert all(window.library.current_cutout(i) for i in ids)


def test_a_long_status_message_is_elided_before_the_device_label(make_window, qtbot):
    # It once ran under the device label, its end (what to do) cut off without a sign.
    window = make_window()
    window.resize(1000, 700)
    qtbot.waitUntil(window.device_label.isVisible, timeout=2000)
    text = "Flagged for review: " + "kept 1 enclosed white region that may be see-through. " * 4
    window.statusBar().showMessage(text, 5000)
    shown = window.statusBar().currentMessage()
    assert shown.endswith("…")
    metrics = window.statusBar().fontMetrics()
    assert metrics.horizontalAdvance(shown) < window.device_label.x()
    assert window.statusBar().toolTip() == text


def test_a_candidate_without_cut_out_opens_with_its_automatic_one(open_window, qtbot):
    # It once opened on an empty mask ("Empty mask"), and the editor's reset loaded a second
    # copy of the cut-out model.
    segmenter = FakeSegmenter()
    loads = []

    def factory():
        loads.append(1)
        return segmenter

    window = open_window(
        backend_factory=ScriptedBackend, segmenter_factory=factory, model_checker=ready_check
    )
    _generate_and_wait(window, qtbot, 2)
    first, second = (c.id for c in window.gallery.model.candidates())
    window.gallery.select_candidate(first)
    window.gallery.set_status(CandidateStatus.KEPT)  # cut out in the background
    qtbot.waitUntil(lambda: window.library.current_cutout(first) is not None, timeout=5000)
    window.open_editor(second)  # never kept: no cut-out yet
    qtbot.waitUntil(lambda: window.library.current_cutout(second) is not None, timeout=5000)
    cut = window.library.current_cutout(second)
    assert cut.method is CutoutMethod.UNET and not cut.edited
    panel = window.editor_page.panel
    assert panel.document.mask.max() == 255 and not panel.dirty
    panel.document.reset_to(panel.document.mask * 0, "Clear")
    panel.reset_to_automatic()  # the editor's reset uses the same model too
    qtbot.waitUntil(lambda: panel.document.mask.max() == 255, timeout=5000)
    panel.discard()
    assert len(loads) == 1  # one model for the background cut-outs and the editor


def test_reset_to_automatic_then_save_is_not_labelled_edited(open_window, qtbot):
    window = open_window(
        backend_factory=ScriptedBackend, segmenter_factory=FakeSegmenter, model_checker=ready_check
    )
    _generate_and_wait(window, qtbot, 1)
    cid = window.gallery.model.candidate(0).id
    window.open_editor(cid)
    qtbot.waitUntil(lambda: window.library.current_cutout(cid) is not None, timeout=5000)
    panel = window.editor_page.panel
    panel.document.reset_to(panel.document.mask * 0, "Clear")  # a hand edit
    assert panel.save().edited
    panel.reset_to_automatic()
    qtbot.waitUntil(lambda: panel.dirty, timeout=5000)
    saved = panel.save()
    assert saved.method is CutoutMethod.UNET and not saved.edited
    assert saved.confidence == pytest.approx(0.42)


def test_triage_on_a_read_only_library_says_why_instead_of_a_bug(make_window, qtbot, caplog):
    # Keep, star and add-to-pack once raised inside Qt slots: the "Something went wrong" dialog.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    window.library.read_only_reason = "the disk is full (test)"
    first = window.gallery.model.candidate(0)
    window.gallery.select_candidate(first.id)
    window.gallery.view.setFocus()
    for key in (Qt.Key.Key_K, Qt.Key.Key_S):
        window.gallery.select_candidate(first.id)
        qtbot.keyClick(window.gallery.view, key)
        assert "read-only" in window.statusBar().currentMessage()
        assert "the disk is full" in window.statusBar().currentMessage()
        assert window.gallery.current_candidate().id == first.id  # nothing done: no moving on
    qtbot.keyClick(window.gallery.view, Qt.Key.Key_P)
    assert "Not added to the pack" in window.statusBar().currentMessage()
    # The pack refused it: the gallery stays on the picture, as for K and S.
    assert window.gallery.current_candidate().id == first.id
    assert window.library.candidate(first.id).status is CandidateStatus.NEW
    assert not [r for r in caplog.records if "Uncaught" in r.getMessage()]
    window.library.read_only_reason = None


def _combo_text_room(box) -> int:
    """The width a combo box has for its current text (its frame and arrow taken off)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
    )
    return field.width()


def test_every_sort_choice_is_readable_on_a_laptop_screen(make_window, qtbot):
    # At 1366 px the order box read "Best first (perple": it shrank with the window.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    minimum = window.minimumSizeHint().width()
    window.resize(1366, 740)
    qtbot.wait(50)
    box = window.gallery.sort_box
    for index in range(box.count()):
        box.setCurrentIndex(index)
        qtbot.wait(10)
        text = box.itemText(index)
        assert box.fontMetrics().horizontalAdvance(text) <= _combo_text_room(box), text
        full = box.itemData(index, Qt.ItemDataRole.ToolTipRole)
        assert full.startswith(text) and box.toolTip() == full  # the whole wording
    window.resize(minimum, 740)  # at the window's narrowest too
    qtbot.wait(50)
    assert box.fontMetrics().horizontalAdvance(box.currentText()) <= _combo_text_room(box)


def test_every_status_choice_and_all_jobs_are_readable_on_a_laptop_screen(make_window, qtbot):
    # At 1366 px the status box read "Cut-out to revie"; at the first size on a 1366 px screen
    # the job and status boxes read "All job" and "Any statu".
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    minimum = window.minimumSizeHint().width()
    box, jobs = window.gallery.status_box, window.gallery.job_box
    for width in (1366, minimum):
        window.resize(width, 740)
        qtbot.wait(50)
        for index in range(box.count()):
            box.setCurrentIndex(index)
            qtbot.wait(10)
            text = box.itemText(index)
            assert box.fontMetrics().horizontalAdvance(text) <= _combo_text_room(box), text
            assert box.toolTip() == box.itemData(index, Qt.ItemDataRole.ToolTipRole)
        assert jobs.currentText() == "All jobs"
        assert jobs.fontMetrics().horizontalAdvance("All jobs") <= _combo_text_room(jobs)


@pytest.mark.parametrize(
    ("screen", "expected"),
    [
        ((1920, 1040), (1400, 860)),  # room to spare: the wanted size
        ((1440, 870), (1296, 783)),  # a little short: nine tenths
        ((1366, 738), (1366, 664)),  # a laptop: the whole width, nine tenths of the height
        ((1280, 760), (1280, 684)),
    ],
)
def test_first_size_takes_a_laptop_screens_whole_width(screen, expected):
    from studio.ui.main_window import first_size

    assert first_size((1400, 860), screen) == expected


def _line_edit_text_room(edit) -> int:
    """The width a line edit has for its text or placeholder (frame and margins taken off)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionFrame

    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return contents.width() - margins.left() - margins.right() - 2 * 2  # Qt's 2 px each side


def test_the_emoji_field_shows_its_whole_hint_on_a_laptop_screen(make_window, qtbot):
    # Its large font cut the placeholder to "Type or pas…" at 1366 px.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    window.add_to_pack([window.gallery.model.candidate(0).id])
    window.tabs.setCurrentWidget(window.pack_page)
    window.resize(1366, 740)
    qtbot.wait(50)
    panel = window.pack_page.panel
    panel.sticker_list.setCurrentRow(0)
    qtbot.wait(50)
    edit = panel.editor.emoji_edit
    assert edit.isVisible() and edit.isEnabled()
    hint = edit.placeholderText()
    assert edit.fontMetrics().horizontalAdvance(hint) <= _line_edit_text_room(edit), hint
    assert "Type or paste" in edit.toolTip()  # the full hint
    assert window.width() == 1366


def _side_gaps(panel) -> tuple[int, int]:
    """The space between a panel's edges and its nearest shown content, left and right."""
    from PySide6.QtWidgets import QWidget

    lefts, rights = [], []
    for child in panel.findChildren(QWidget):
        if child.isVisibleTo(panel) and child.width() > 0:
            corner = child.mapTo(panel, child.rect().topLeft())
            lefts.append(corner.x())
            rights.append(panel.width() - (corner.x() + child.width()))
    return min(lefts), min(rights)


def test_the_pack_tab_has_the_gallerys_margins(make_window, qtbot):
    # With the Details column hidden, the pack panel touched the window's right edge.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    window.resize(1366, 740)
    qtbot.wait(50)
    gallery_gaps = _side_gaps(window.gallery)
    window.add_to_pack([window.gallery.model.candidate(0).id])
    window.tabs.setCurrentWidget(window.pack_page)
    qtbot.wait(50)
    assert not window.details_dock.isVisible()
    panel = window.pack_page.panel
    assert panel.width() == window.pack_page.width()  # the page is all panel
    assert _side_gaps(panel) == gallery_gaps
    assert min(gallery_gaps) > 0


def test_the_gallery_filter_shows_its_whole_hint_on_a_laptop_screen(make_window, qtbot):
    # At 1366 px it read "Filter by pro…": the job box took its preferred width first.
    window = make_window()
    _generate_and_wait(window, qtbot, 2)
    minimum = window.minimumSizeHint().width()
    edit = window.gallery.filter_edit
    hint = edit.placeholderText()
    for width in (1366, minimum):
        window.resize(width, 740)
        qtbot.wait(50)
        assert edit.fontMetrics().horizontalAdvance(hint) <= _line_edit_text_room(edit), width
    assert minimum <= 1280  # the window still fits a 1280 px screen
