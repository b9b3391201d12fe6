"""The Qt-free half of the background cut-outs: the queue of ids and the maker that stores one
cut-out per candidate, skipping those that have one and saying once when no model loads."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
from PIL import Image

from studio.jobs.cutouts import (
    CutoutFailed,
    CutoutMaker,
    CutoutQueue,
    CutoutSkipped,
    CutoutStored,
    CutoutsUnavailable,
)
from studio.jobs.request import GenerationRequest
from studio.library import CutoutMethod, Library


def _candidates(library, n):
    job = library.create_job(GenerationRequest("кот", n_images=n).to_spec())
    picture = Image.new("RGB", (12, 8), "white")
    return [library.add_candidate(job.id, i, picture, perplexity=1.0).id for i in range(n)]


class _Full:
    def cutout(self, image):
        mask = np.full((image.height, image.width), 255, np.uint8)
        return SimpleNamespace(mask=mask, method="unet", confidence=0.9)


def test_the_queue_counts_an_id_until_it_is_done():
    queue = CutoutQueue()
    assert queue.add([1, 2, 1]) and not queue.add([2])
    assert (queue.pending(), queue.remaining()) == (2, 2)
    assert queue.take() == 1
    assert (queue.pending(), queue.remaining()) == (1, 2)  # 1 is being cut out
    queue.done(1)
    assert queue.remaining() == 1 and queue.take() == 2 and queue.take() is None


def test_the_queue_is_safe_across_threads():
    queue = CutoutQueue()
    threads = [threading.Thread(target=queue.add, args=(range(i, i + 500),)) for i in (0, 250)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert queue.remaining() == 750


def test_the_maker_stores_skips_and_reports(paths):
    with Library(paths) as library:
        first, second, third = _candidates(library, 3)
        library.add_cutout(second, Image.new("L", (12, 8), 0), CutoutMethod.MANUAL, None, True)
    maker = CutoutMaker(paths, _Full)
    try:
        assert maker.cut(first) == CutoutStored(first)
        assert maker.cut(second) == CutoutSkipped(second)  # drawn by hand: never replaced
        assert isinstance(maker.cut(10_000), CutoutFailed)  # no such candidate
    finally:
        maker.close()
    with Library(paths) as library:
        assert library.current_cutout(first).method is CutoutMethod.UNET
        assert library.current_cutout(third) is None


def test_a_segmenter_that_cannot_load_is_tried_once(paths):
    with Library(paths) as library:
        ids = _candidates(library, 2)
    loads = []

    def broken():
        loads.append(1)
        raise RuntimeError("the cut-out model is missing")

    maker = CutoutMaker(paths, broken)
    try:
        outcomes = [maker.cut(cid) for cid in ids]
    finally:
        maker.close()
    assert all(isinstance(o, CutoutsUnavailable) for o in outcomes)
    assert "the cut-out model is missing" in outcomes[0].message and len(loads) == 1
