"""The autosave file itself, and what a missing picture does to loading."""

from __future__ import annotations

import numpy as np
import pytest

from studio.errors import StudioError
from studio.ui.editor.autosave import AutosaveStore


def test_autosave_round_trip_keeps_mask_and_base(tmp_path):
    store = AutosaveStore(tmp_path / "autosave")
    mask = np.random.default_rng(1).integers(0, 256, (30, 40), dtype=np.uint8)
    path = store.write(7, mask, base_cutout_id=3)
    found = store.read(7)
    assert found is not None and found.candidate_id == 7 and found.base_cutout_id == 3
    assert np.array_equal(found.mask, mask)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    store.write(7, mask, base_cutout_id=None)
    assert store.read(7).base_cutout_id is None
    store.clear(7)
    assert store.read(7) is None
    store.clear(7)  # clearing twice is fine


def test_a_damaged_autosave_is_dropped_not_fatal(tmp_path):
    store = AutosaveStore(tmp_path)
    store.path(5).write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    assert store.read(5) is None
    assert not store.path(5).exists()


def test_default_folder_is_in_the_cache(paths):
    assert AutosaveStore().folder == paths.cache / "editor-autosave"


@pytest.mark.gui
def test_missing_picture_is_a_clear_error(qtbot, library, candidate_id):
    from studio.ui.editor import MaskEditorPanel

    library.abspath(library.candidate(candidate_id).image_path).unlink()
    panel = MaskEditorPanel(library)
    qtbot.addWidget(panel)
    with pytest.raises(StudioError, match="Cannot open the picture"):
        panel.load(candidate_id)
    assert panel.candidate_id is None
