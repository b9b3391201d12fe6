"""The "in pack" badge and the captions: perplexity for generated pictures, the file name for
imported ones."""

from __future__ import annotations

import pytest
from PIL import Image
from ui_fixtures import fill_library

from studio.library.importing import import_files
from studio.ui.gallery.delegate import caption
from studio.ui.gallery.model import InPackRole

pytestmark = pytest.mark.gui


def test_candidates_in_the_pack_carry_the_badge(library, gallery, qtbot):
    ids = fill_library(library, [1.0, 2.0, 3.0])
    gallery.reload()
    changed = []
    gallery.model.dataChanged.connect(lambda top, bottom, roles: changed.append(top.row()))
    gallery.set_pack_members({ids[0], ids[2]})
    assert [gallery.model.index(r).data(InPackRole) for r in range(3)] == [True, False, True]
    assert sorted(changed) == [0, 2]  # only the cells that changed repaint
    changed.clear()
    gallery.set_pack_members({ids[2]})
    assert [gallery.model.index(r).data(InPackRole) for r in range(3)] == [False, False, True]
    assert changed == [0]
    gallery.view.grab()  # the badge paints


def test_imported_pictures_are_captioned_with_their_file_names(library, gallery, tmp_path):
    generated = fill_library(library, [12.345])
    path = tmp_path / "my-cat-sticker-with-a-long-name.png"
    Image.new("RGB", (40, 40), "orange").save(path)
    report = import_files([path], library=library)
    gallery.reload()
    by_id = {c.id: c for c in gallery.model.candidates()}
    assert caption(by_id[generated[0]]) == "12.3"
    assert caption(by_id[report.candidate_ids[0]]) == "my-cat-sticker-with-a-long-name.png"
    gallery.view.grab()  # long names are elided in the middle, keeping the suffix


def test_an_import_with_a_prompt_is_captioned_with_it(library, tmp_path):
    path = tmp_path / "a.png"
    Image.new("RGB", (40, 40), "orange").save(path)
    report = import_files([path], library=library, prompt="котик")
    assert caption(library.candidate(report.candidate_ids[0])) == "котик"
