"""The queue and worker on the real engine, with its tiny random-weight model on the CPU."""

from __future__ import annotations

import math
import threading

import pytest

from studio.jobs import GenerationRequest, JobQueue
from studio.jobs.backend import EngineBackend
from studio.jobs.codes import codes_from_bytes
from studio.jobs.events import BatchStored, JobCancelled, JobFinished, JobProgress, ModelsLoading
from studio.library import JobState
from studio.settings import Settings

pytestmark = [pytest.mark.gui, pytest.mark.slow]


class CountingBackend(EngineBackend):
    """The engine backend, counting how often the sampler asks should_stop() after a stop."""

    def __init__(self, settings):
        super().__init__(settings)
        self.asked_after_stop = 0
        self._lock = threading.Lock()

    def generate(self, request, image_prompt_codes, should_stop):
        def counted():
            stop = should_stop()
            if stop:
                with self._lock:
                    self.asked_after_stop += 1
            return stop

        yield from super().generate(request, image_prompt_codes, counted)


@pytest.fixture
def engine_queue(library, tiny_model_dir, qtbot):
    backend = CountingBackend(Settings(models_dir=str(tiny_model_dir), device="cpu"))
    queue = JobQueue(library, backend_factory=lambda: backend)
    queue.backend = backend
    yield queue
    queue.shutdown()


def test_job_of_eight_images_reports_progress_and_stores_them(engine_queue, library, qtbot):
    events = []
    engine_queue.event.connect(events.append)
    job = engine_queue.submit(
        GenerationRequest("котик с сердечком", n_images=8, batch_size=4, seed=3)
    )
    qtbot.waitUntil(engine_queue.is_idle, timeout=60_000)
    assert isinstance(events[-1], JobFinished), events[-1]
    assert any(isinstance(e, ModelsLoading) for e in events)
    progress = [e for e in events if isinstance(e, JobProgress)]
    assert progress and progress[-1].images_done == 8
    assert progress[-1].tokens_done == progress[-1].tokens_total == 8 * 64
    assert any(e.eta_s is not None for e in progress)
    stored = [e for e in events if isinstance(e, BatchStored)]
    assert [len(e.candidate_ids) for e in stored] == [4, 4]
    candidates = library.candidates(job_id=job.id)
    assert len(candidates) == 8
    ppl = [c.perplexity for c in candidates]
    assert ppl == sorted(ppl) and all(math.isfinite(p) and p > 0 for p in ppl)
    assert {c.seed for c in candidates} == {3, 4}  # batch b is seeded seed + b
    assert all(len(codes_from_bytes(c.codes)) == 64 for c in candidates)
    assert library.job(job.id).state is JobState.FINISHED


def test_cancel_takes_effect_within_one_step(engine_queue, library, qtbot):
    events = []
    engine_queue.event.connect(events.append)
    job = engine_queue.submit(GenerationRequest("кот", n_images=64, batch_size=1, seed=1))
    qtbot.waitUntil(lambda: any(isinstance(e, BatchStored) for e in events), timeout=60_000)
    engine_queue.cancel(job.id)
    qtbot.waitUntil(engine_queue.is_idle, timeout=10_000)
    assert isinstance(events[-1], JobCancelled)
    # The sampler saw "stop" once and stopped there: not one more step was sampled.
    assert engine_queue.backend.asked_after_stop == 1
    assert library.job(job.id).state is JobState.CANCELLED
    kept = library.candidates(job_id=job.id)
    assert 1 <= len(kept) < 64 and events[-1].images_done == len(kept)


def test_two_queued_jobs_run_in_order(engine_queue, library, qtbot):
    first = engine_queue.submit(GenerationRequest("кот", n_images=2, batch_size=2, seed=1))
    second = engine_queue.submit(GenerationRequest("пёс", n_images=2, batch_size=2, seed=1))
    assert engine_queue.pending_job_ids() == [second.id]
    qtbot.waitUntil(engine_queue.is_idle, timeout=60_000)
    a, b = library.job(first.id), library.job(second.id)
    assert a.state is b.state is JobState.FINISHED
    assert a.finished_at <= b.started_at
    last_of_first = max(c.created_at for c in library.candidates(job_id=first.id))
    assert all(c.created_at >= last_of_first for c in library.candidates(job_id=second.id))


def test_more_like_this_keeps_the_top_rows(engine_queue, library, qtbot):
    source_job = engine_queue.submit(GenerationRequest("кот", n_images=1, batch_size=1, seed=2))
    qtbot.waitUntil(engine_queue.is_idle, timeout=60_000)
    source = library.candidates(job_id=source_job.id)[0]
    job = engine_queue.submit(
        GenerationRequest(
            "кот", n_images=2, batch_size=2, seed=9, source_candidate_id=source.id, prompt_rows=3
        )
    )
    qtbot.waitUntil(engine_queue.is_idle, timeout=60_000)
    assert library.job(job.id).state is JobState.FINISHED
    top = codes_from_bytes(source.codes)[: 3 * 8]
    for c in library.candidates(job_id=job.id):
        assert (codes_from_bytes(c.codes)[: 3 * 8] == top).all()


def test_missing_model_files_fail_the_job_with_a_clear_message(library, tmp_path, qtbot):
    backend = EngineBackend(Settings(models_dir=str(tmp_path / "empty"), device="cpu"))
    queue = JobQueue(library, backend_factory=lambda: backend)
    try:
        job = queue.submit(GenerationRequest("кот", n_images=1, batch_size=1))
        qtbot.waitUntil(queue.is_idle, timeout=30_000)
        failed = library.job(job.id)
        assert failed.state is JobState.FAILED
        assert "pytorch_model.bin" in failed.error and "Unexpected" not in failed.error
    finally:
        queue.shutdown()
