"""Saving, versions, reloading, unsaved-edit prompts, autosave recovery, preview and resets."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from studio.library import CutoutMethod
from studio.pack import RenderOptions, render_sticker
from studio.ui.editor import MaskEditorPanel, Tool
from studio.ui.editor.cutout_source import AutoCutout, AutoCutoutUnavailable
from studio.ui.editor.sticker_render import PreviewOptions

from .conftest import first_mask, picture
from .helpers import click, drag

pytestmark = pytest.mark.gui


def _paint_line(panel, qtbot):
    panel.set_tool(Tool.BRUSH)
    panel._apply_settings(panel.palette.settings.with_changes(brush_size=6.0, hardness=1.0))
    drag(qtbot, panel.canvas, [(50, 8), (85, 8)])


def _saved_mask(library, cutout) -> np.ndarray:
    return np.asarray(Image.open(library.abspath(cutout.mask_path)).convert("L"))


def test_save_creates_a_version_and_reload_shows_it(panel, qtbot, library, candidate_id):
    _paint_line(panel, qtbot)
    edited = panel.document.mask.copy()
    with qtbot.waitSignal(panel.saved) as saved:
        qtbot.keyClick(panel.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    cutout = library.current_cutout(candidate_id)
    assert saved.args == [candidate_id, cutout.id]
    assert cutout.version == 2 and cutout.method is CutoutMethod.MANUAL and cutout.edited
    assert np.array_equal(_saved_mask(library, cutout), edited)
    assert not panel.dirty and panel.versions.count() == 2

    other = MaskEditorPanel(library)
    qtbot.addWidget(other)
    other.load(candidate_id)
    assert np.array_equal(other.document.mask, edited) and not other.dirty
    other.shutdown()


def test_restore_an_earlier_version(panel, qtbot, library, candidate_id):
    _paint_line(panel, qtbot)
    panel.save()
    first = library.cutout_history(candidate_id)[0]
    with qtbot.waitSignal(panel.cutout_changed):
        panel.restore_version(first.id)
    assert np.array_equal(panel.document.mask, first_mask())
    history = library.cutout_history(candidate_id)
    assert [c.version for c in history] == [1, 2, 3]  # nothing is lost
    assert np.array_equal(_saved_mask(library, history[-1]), first_mask())
    assert not panel.dirty
    panel.undo()  # the edits before the restore are still one undo away
    assert panel.document.mask[8, 60] == 255


def test_restore_from_the_versions_list(panel, qtbot, library, candidate_id):
    _paint_line(panel, qtbot)
    panel.save()
    panel.versions.setCurrentRow(1)  # newest first: row 1 is version 1
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(panel.document.mask, first_mask())
    assert library.current_cutout(candidate_id).version == 3


@pytest.mark.parametrize(
    ("answer", "go_on", "versions"),
    [
        (QMessageBox.StandardButton.Cancel, False, 1),
        (QMessageBox.StandardButton.Discard, True, 1),
        (QMessageBox.StandardButton.Save, True, 2),
    ],
)
def test_maybe_save_asks_only_with_unsaved_edits(
    panel, qtbot, library, candidate_id, monkeypatch, answer, go_on, versions
):
    asked = []
    monkeypatch.setattr(panel, "_ask_unsaved", lambda: asked.append(1) or answer)
    assert panel.maybe_save() is True and not asked
    _paint_line(panel, qtbot)
    assert panel.maybe_save() is go_on
    assert asked == [1]
    assert len(library.cutout_history(candidate_id)) == versions
    if answer == QMessageBox.StandardButton.Discard:
        assert np.array_equal(panel.document.mask, first_mask()) and not panel.dirty
    if answer == QMessageBox.StandardButton.Cancel:
        assert panel.dirty


def test_autosave_recovers_edits_after_a_crash(panel, qtbot, library, candidate_id):
    _paint_line(panel, qtbot)
    edited = panel.document.mask.copy()
    panel.autosave_now()
    panel.wait_for_background_work()
    assert panel.autosave.path(candidate_id).exists()

    # A new process: the first panel is never shut down properly.
    restarted = MaskEditorPanel(library)
    qtbot.addWidget(restarted)
    restarted.load(candidate_id)
    assert np.array_equal(restarted.document.mask, edited)
    assert restarted.dirty and "Recovered" in restarted.status_label.text()
    restarted.undo()  # the recovery is one undoable step over the saved version
    assert np.array_equal(restarted.document.mask, first_mask())
    restarted.redo()
    restarted.save()
    restarted.wait_for_background_work()
    assert not restarted.autosave.path(candidate_id).exists()
    restarted.shutdown()


def test_autosave_timer_writes_without_being_asked(panel, qtbot, candidate_id, monkeypatch):
    panel.autosaver.timer.setInterval(50)
    _paint_line(panel, qtbot)
    path = panel.autosave.path(candidate_id)
    qtbot.waitUntil(path.exists, timeout=5000)
    panel.undo()  # back to the saved state: the autosave goes away
    qtbot.waitUntil(lambda: not path.exists(), timeout=5000)


def test_preview_is_the_pack_renderer(panel, qtbot):
    panel.preview.set_options(PreviewOptions(outline_px=8, shadow=True))
    _paint_line(panel, qtbot)
    with qtbot.waitSignal(panel.preview.rendered, timeout=10_000):
        panel.preview.render_now()
    expected = render_sticker(
        np.dstack([panel.document.image, panel.document.mask]),
        RenderOptions(outline_px=8, shadow=True),
    )
    assert panel.preview.sticker is not None
    assert panel.preview.sticker.size == expected.size
    assert np.array_equal(np.asarray(panel.preview.sticker), np.asarray(expected))


def test_preview_of_an_empty_mask_says_so(panel, qtbot):
    panel.document.reset_to(np.zeros_like(first_mask()), "Clear")
    with qtbot.waitSignal(panel.preview.rendered, timeout=10_000):
        panel.preview.render_now()
    assert panel.preview.sticker is None and panel.preview._tiles.note == "Empty mask"


def test_reset_to_automatic_runs_off_the_ui_thread(panel, qtbot, monkeypatch):
    import threading

    threads = []
    auto = np.zeros_like(first_mask())
    auto[40:60, 40:60] = 255

    def fake_segmenter(rgb):
        threads.append(threading.current_thread())
        return AutoCutout(auto, "unet", 0.995)

    monkeypatch.setattr(panel.cutouts, "automatic", fake_segmenter)
    panel.reset_to_automatic()
    qtbot.waitUntil(lambda: np.array_equal(panel.document.mask, auto), timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert panel.dirty and "unet" in panel.status_label.text()
    panel.undo()
    assert np.array_equal(panel.document.mask, first_mask())


def test_reset_falls_back_to_the_first_version(panel, qtbot, monkeypatch):
    def unavailable(rgb):
        raise AutoCutoutUnavailable("no model here")

    monkeypatch.setattr(panel.cutouts, "automatic", unavailable)
    panel.set_tool(Tool.CONTOURS)
    click(qtbot, panel.canvas, 65, 65)  # drop the disc
    panel.reset_to_automatic()
    qtbot.waitUntil(lambda: panel.document.mask[65, 65] == 255, timeout=10_000)
    assert np.array_equal(panel.document.mask, first_mask())
    assert "first saved version" in panel.status_label.text()


def test_candidate_without_cutout_starts_from_its_alpha_or_empty(qtbot, library):
    rgba = np.zeros((40, 50, 4), np.uint8)
    rgba[10:30, 10:30] = (0, 200, 0, 255)
    with_alpha = library.import_image(Image.fromarray(rgba, "RGBA"), "alpha.png").candidate_id
    opaque = library.import_image(Image.new("RGB", (30, 20), "white"), "plain.png").candidate_id
    editor = MaskEditorPanel(library)
    qtbot.addWidget(editor)
    editor.load(with_alpha)
    assert np.array_equal(editor.document.mask, rgba[:, :, 3])
    editor.load(opaque)
    assert editor.document.mask.shape == (20, 30) and not editor.document.mask.any()
    given = np.full((20, 30), 9, np.uint8)
    editor.load(opaque, mask=given)
    assert np.array_equal(editor.document.mask, given)
    editor.shutdown()


def test_discard_returns_to_the_saved_version_even_past_the_undo_stack(panel, qtbot, library):
    _paint_line(panel, qtbot)
    saved = panel.document.mask.copy()
    with qtbot.waitSignal(panel.dirty_changed) as clean:
        panel.save()
    assert clean.args == [False]
    panel.undo()  # back past the save...
    panel.set_tool(Tool.CONTOURS)
    click(qtbot, panel.canvas, 65, 65)  # ...and a new edit: the saved state is off the stack
    assert panel.dirty
    panel.discard()
    assert np.array_equal(panel.document.mask, saved) and not panel.dirty


def test_segmenter_is_made_once_and_reused(panel, qtbot, library):
    made = []

    class FakeSegmenter:
        def cutout(self, image):
            from types import SimpleNamespace

            mask = np.zeros((image.height, image.width), np.uint8)
            mask[:10, :10] = 255
            return SimpleNamespace(mask=mask, method="contour", confidence=0.5, review=None)

    def factory():
        made.append(1)
        return FakeSegmenter()

    editor = MaskEditorPanel(library, segmenter_factory=factory)
    qtbot.addWidget(editor)
    editor.load(panel.candidate_id)
    for _ in range(2):
        editor.reset_to_automatic()
        editor.wait_for_background_work()
        qtbot.waitUntil(
            lambda: editor.document.mask[5, 5] == 255 and editor.document.mask[65, 65] == 0
        )
        editor.undo()
    assert made == [1]
    editor.shutdown()


def test_reset_to_contour_uses_the_contour_method(panel, qtbot):
    panel.document.reset_to(np.zeros_like(first_mask()), "Clear")
    panel.reset_to_contour()
    panel.wait_for_background_work()
    qtbot.waitUntil(lambda: panel.document.mask[15, 15] > 200, timeout=10_000)
    assert panel.document.mask[65, 65] > 200 and panel.document.mask[2, 2] < 30
    assert "contour" in panel.status_label.text()


def test_a_failed_save_keeps_the_edits_and_says_so(panel, qtbot, library, monkeypatch):
    _paint_line(panel, qtbot)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(library, "add_cutout", disk_full)
    monkeypatch.setattr(panel, "_ask_unsaved", lambda: QMessageBox.StandardButton.Save)
    assert panel.save() is None
    assert panel.dirty and "Could not save" in panel.status_label.text()
    assert panel.maybe_save() is False  # the window stays open
    assert panel.autosave.path(panel.candidate_id).exists()


def test_without_a_model_or_a_saved_version_reset_uses_contours(qtbot, library, monkeypatch):
    from .conftest import picture

    cid = library.import_image(Image.fromarray(picture()), "fresh.png").candidate_id
    editor = MaskEditorPanel(library)
    qtbot.addWidget(editor)
    editor.load(cid)
    assert not editor.document.mask.any()

    def unavailable(rgb):
        raise AutoCutoutUnavailable("no model here")

    monkeypatch.setattr(editor.cutouts, "automatic", unavailable)
    editor.reset_to_automatic()
    qtbot.waitUntil(lambda: editor.document.mask[65, 65] > 200, timeout=10_000)
    assert editor.document.mask[2, 2] < 30
    editor.shutdown()


@pytest.mark.parametrize(
    ("review", "fix"),
    [
        (
            "kept 1 enclosed white region that may be see-through",
            "If it is a hole, Alt+click it with the magic wand.",
        ),
        (
            "left 1 enclosed white region half cut out",
            "Click a half-cut region with the magic wand if it is paint, Alt+click it if a hole.",
        ),
    ],
    ids=["may be see-through", "half cut out"],
)
def test_a_cut_out_flagged_for_review_says_why_and_how_to_fix_the_region(
    qtbot, library, review, fix
):
    imported = library.import_image(Image.fromarray(picture()), "ring.png")
    library.add_cutout(
        imported.candidate_id,
        Image.fromarray(first_mask(), "L"),
        CutoutMethod.UNET,
        0.98,
        review=review,
    )
    widget = MaskEditorPanel(library)
    qtbot.addWidget(widget)
    widget.load(imported.candidate_id)
    text = widget.status_label.text()
    assert f"Flagged for review: {review}. {fix}" in text
    widget.shutdown()


class _FlaggingSegmenter:
    """The U-Net's cut-out of a picture with a soft shadow: a square, flagged for review."""

    review = "made 1 soft shadow semi-transparent"

    def cutout(self, image):
        from types import SimpleNamespace

        mask = np.zeros((image.height, image.width), np.uint8)
        mask[20:60, 20:60] = 255
        return SimpleNamespace(mask=mask, method="unet", confidence=0.98, review=self.review)


def test_the_automatic_cut_out_made_on_opening_keeps_its_review_note(qtbot, library):
    # It was stored without it: the gallery's mark and the editor's note were lost for every
    # cut-out the editor made, while the CLI said "please review" for the same picture.
    imported = library.import_image(Image.fromarray(picture()), "face.png")
    widget = MaskEditorPanel(library, segmenter_factory=_FlaggingSegmenter)
    qtbot.addWidget(widget)
    widget.load(imported.candidate_id)
    qtbot.waitUntil(lambda: library.current_cutout(imported.candidate_id) is not None)
    stored = library.current_cutout(imported.candidate_id)
    assert stored.review == _FlaggingSegmenter.review and not stored.edited
    assert f"Flagged for review: {_FlaggingSegmenter.review}." in widget.status_label.text()
    widget.load(imported.candidate_id)  # opened again later: the note is still there
    assert f"Flagged for review: {_FlaggingSegmenter.review}." in widget.status_label.text()
    widget.shutdown()


def test_a_reset_to_automatic_saved_as_it_is_keeps_its_review_note_and_an_edit_drops_it(
    panel, qtbot, library
):
    editor = MaskEditorPanel(library, segmenter_factory=_FlaggingSegmenter)
    qtbot.addWidget(editor)
    editor.load(panel.candidate_id)
    editor.reset_to_automatic()
    qtbot.waitUntil(lambda: "Reset to the automatic" in editor.status_label.text())
    assert "Flagged for review" in editor.status_label.text()
    assert editor.save().review == _FlaggingSegmenter.review
    _paint_line(editor, qtbot)
    edited = editor.save()
    assert edited.edited and edited.review is None
    editor.shutdown()
