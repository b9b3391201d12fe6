"""Background cut-outs: kept candidates get a mask, once; a missing model is reported."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image

from studio.jobs.cutouts import default_segmenter
from studio.jobs.request import GenerationRequest
from studio.library import CandidateStatus, CutoutMethod
from studio.paths import resource
from studio.ui.cutouts import CutoutRunner

pytestmark = pytest.mark.gui


@dataclass
class _Result:
    mask: np.ndarray
    method: str
    confidence: float
    review: str | None = None


class Specks:
    def cutout(self, image):
        mask = np.full((image.height, image.width), 255, np.uint8)
        return _Result(mask, "unet", 0.99, "removed 1 pale speck detached from the figure")


def test_the_review_note_is_stored_with_the_cut_out(library, paths, qtbot):
    (cid,) = _candidates(library, 1)
    runner = CutoutRunner(paths, Specks)
    done = []
    runner.done.connect(done.append)
    try:
        runner.cut([cid])
        qtbot.waitUntil(lambda: done == [cid], timeout=5000)
    finally:
        runner.shutdown()
    cut = library.current_cutout(cid)
    assert cut.review == "removed 1 pale speck detached from the figure"


class HalfMask:
    def __init__(self):
        self.calls = 0

    def cutout(self, image):
        self.calls += 1
        mask = np.zeros((image.height, image.width), np.uint8)
        mask[:, : image.width // 2] = 255
        return _Result(mask, "contour", 0.25)


def _candidates(library, n):
    job = library.create_job(GenerationRequest("кот", n_images=n).to_spec())
    picture = Image.new("RGB", (24, 16), "white")
    return [library.add_candidate(job.id, i, picture, perplexity=1.0 + i).id for i in range(n)]


def test_cut_stores_masks_once_and_resume_finds_the_rest(library, paths, qtbot):
    ids = _candidates(library, 4)
    library.add_cutout(ids[3], Image.new("L", (24, 16), 255), CutoutMethod.MANUAL, None, True)
    library.set_status(ids, CandidateStatus.KEPT)
    segmenter = HalfMask()
    runner = CutoutRunner(paths, lambda: segmenter)
    done = []
    runner.done.connect(done.append)
    try:
        runner.cut([ids[0], ids[0]])
        qtbot.waitUntil(lambda: done == [ids[0]], timeout=5000)
        assert runner.resume(library) == 2  # ids[1] and ids[2]; ids[3] was edited by hand
        qtbot.waitUntil(lambda: sorted(done) == sorted(ids[:3]), timeout=5000)
    finally:
        runner.shutdown()
    assert segmenter.calls == 3
    cut = library.current_cutout(ids[0])
    assert cut.method is CutoutMethod.CONTOUR and cut.confidence == pytest.approx(0.25)
    mask = np.asarray(Image.open(library.abspath(cut.mask_path)))
    assert mask.shape == (16, 24) and mask[:, :12].min() == 255 and mask[:, 12:].max() == 0
    assert library.current_cutout(ids[3]).method is CutoutMethod.MANUAL  # never replaced


_SHIPPED = resource("models", "cutout_tinyunet.safetensors").is_file()


@pytest.mark.skipif(_SHIPPED, reason="the shipped cut-out model is present")
def test_a_missing_cutout_model_is_reported_once(library, paths, qtbot):
    ids = _candidates(library, 2)
    runner = CutoutRunner(paths, default_segmenter)
    messages = []
    runner.unavailable.connect(messages.append)
    try:
        runner.cut(ids)
        qtbot.waitUntil(lambda: bool(messages) and runner.pending() == 0, timeout=30_000)
        qtbot.wait(50)
    finally:
        runner.shutdown()
    assert len(messages) == 1 and "cut-out model is missing" in messages[0]
    assert library.current_cutouts(ids) == {}


@pytest.mark.skipif(not _SHIPPED, reason="the shipped cut-out model is not built yet")
def test_the_shipped_segmenter_cuts_out_a_kept_candidate(library, paths, qtbot):
    job = library.create_job(GenerationRequest("кот", n_images=1).to_spec())
    picture = Image.new("RGB", (128, 128), "white")
    picture.paste((220, 60, 40), (32, 32, 96, 96))
    cid = library.add_candidate(job.id, 0, picture, perplexity=1.0).id
    runner = CutoutRunner(paths, default_segmenter)
    done = []
    runner.done.connect(done.append)
    try:
        runner.cut([cid])
        qtbot.waitUntil(lambda: done == [cid], timeout=60_000)
    finally:
        runner.shutdown()
    cut = library.current_cutout(cid)
    assert cut.method in (CutoutMethod.UNET, CutoutMethod.CONTOUR)
    assert 0.0 <= cut.confidence <= 1.0


def test_the_count_of_cut_outs_to_do_is_reported_down_to_zero(library, paths, qtbot):
    ids = _candidates(library, 3)
    runner = CutoutRunner(paths, HalfMask)
    counts = []
    runner.remaining_changed.connect(counts.append)
    try:
        runner.cut(ids)
        assert counts[0] == 3
        qtbot.waitUntil(lambda: bool(counts) and counts[-1] == 0, timeout=5000)
    finally:
        runner.shutdown()
    assert runner.remaining() == 0
