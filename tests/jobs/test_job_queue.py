"""The queue's own logic, driven by a scripted backend: order, reorder, cancel, persistence."""

from __future__ import annotations

import pytest

from studio.jobs import GenerationRequest, InvalidRequest, JobQueue
from studio.jobs.events import (
    BatchSizeReduced,
    BatchStored,
    JobCancelled,
    JobFinished,
    JobProgress,
    JobStarted,
)
from studio.library import JobState

pytestmark = pytest.mark.gui


@pytest.fixture
def make_queue(library, qtbot):
    queues = []

    def make(backend):
        queue = JobQueue(library, backend_factory=lambda: backend)
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        queue.shutdown()


def _collect(queue):
    events = []
    queue.event.connect(events.append)
    return events


def test_job_runs_and_stores_every_batch(make_queue, scripted, library, qtbot):
    queue = make_queue(scripted)
    events = _collect(queue)
    job = queue.submit(GenerationRequest("кот", n_images=8, batch_size=3, seed=5))
    qtbot.waitUntil(lambda: queue.is_idle() and events and events[-1].is_terminal, timeout=5000)
    kinds = [type(e) for e in events]
    assert kinds[0] is JobStarted and kinds[-1] is JobFinished
    stored = [e for e in events if isinstance(e, BatchStored)]
    assert [len(e.candidate_ids) for e in stored] == [3, 3, 2]
    progress = [e for e in events if isinstance(e, JobProgress)]
    assert progress and progress[-1].images_done == 8
    assert all(a.tokens_done <= b.tokens_done for a, b in zip(progress, progress[1:], strict=False))
    assert library.job(job.id).state is JobState.FINISHED
    assert len(library.candidates(job_id=job.id)) == 8
    # The work ran in the worker thread, not the window's.
    assert scripted.thread_names == {"other"}


def test_two_jobs_run_in_order_and_reorder(make_queue, scripted, library, qtbot):
    scripted.step_s = 0.01
    queue = make_queue(scripted)
    first = queue.submit(GenerationRequest("один", n_images=1, batch_size=1))
    second = queue.submit(GenerationRequest("два", n_images=1, batch_size=1))
    third = queue.submit(GenerationRequest("три", n_images=1, batch_size=1))
    assert queue.running_job_id == first.id
    assert queue.move(third.id, -1)
    assert queue.pending_job_ids() == [third.id, second.id]
    qtbot.waitUntil(queue.is_idle, timeout=5000)
    assert scripted.started == ["один", "три", "два"]
    assert scripted.loads == 1  # the models load once, for the first job
    assert all(j.state is JobState.FINISHED for j in library.jobs())


def test_cancel_running_job_within_a_step(make_queue, scripted, library, qtbot):
    scripted.step_s = 0.02
    scripted.steps = 1000
    queue = make_queue(scripted)
    events = _collect(queue)
    job = queue.submit(GenerationRequest("кот", n_images=4, batch_size=2))
    qtbot.waitUntil(lambda: any(isinstance(e, JobProgress) for e in events), timeout=5000)
    queue.cancel(job.id)
    qtbot.waitUntil(lambda: isinstance(events[-1], JobCancelled), timeout=1000)
    assert library.job(job.id).state is JobState.CANCELLED
    assert queue.is_idle()


def test_cancel_queued_job_never_runs(make_queue, scripted, library, qtbot):
    scripted.step_s = 0.005
    queue = make_queue(scripted)
    first = queue.submit(GenerationRequest("один", n_images=1, batch_size=1))
    second = queue.submit(GenerationRequest("два", n_images=1, batch_size=1))
    queue.cancel(second.id)
    qtbot.waitUntil(queue.is_idle, timeout=5000)
    assert scripted.started == ["один"]
    assert library.job(first.id).state is JobState.FINISHED
    assert library.job(second.id).state is JobState.CANCELLED


def test_batch_halving_is_reported_and_the_job_goes_on(make_queue, scripted, library, qtbot):
    scripted.halve_at_batch = 1
    queue = make_queue(scripted)
    events = _collect(queue)
    job = queue.submit(GenerationRequest("кот", n_images=8, batch_size=4))
    qtbot.waitUntil(queue.is_idle, timeout=5000)
    reduced = [e for e in events if isinstance(e, BatchSizeReduced)]
    assert [(e.old, e.new) for e in reduced] == [(4, 2)]
    assert "4 to 2" in queue.note(job.id)
    assert len(library.candidates(job_id=job.id)) == 8


def test_invalid_request_is_refused_before_queueing(make_queue, scripted, library):
    queue = make_queue(scripted)
    with pytest.raises(InvalidRequest, match="prompt"):
        queue.submit(GenerationRequest("   "))
    with pytest.raises(InvalidRequest, match="top-p"):
        queue.submit(GenerationRequest("кот", top_p=1.5))
    assert library.jobs() == []


def test_not_ready_holds_jobs_until_ready(make_queue, scripted, library, qtbot):
    queue = make_queue(scripted)
    queue.set_ready(False)
    job = queue.submit(GenerationRequest("кот", n_images=1, batch_size=1))
    qtbot.wait(50)
    assert library.job(job.id).state is JobState.QUEUED and scripted.started == []
    queue.set_ready(True)
    qtbot.waitUntil(queue.is_idle, timeout=5000)
    assert library.job(job.id).state is JobState.FINISHED


def test_restart_requeues_waiting_jobs_and_marks_running_interrupted(
    paths, library, scripted, qtbot
):
    waiting = library.create_job(GenerationRequest("ждёт", n_images=1, batch_size=1).to_spec())
    died = library.create_job(GenerationRequest("упал", n_images=2, batch_size=1).to_spec())
    library.set_job_state(died.id, JobState.RUNNING)
    queue = JobQueue(library, backend_factory=lambda: scripted)
    try:
        interrupted = queue.restore()
        assert [j.id for j in interrupted] == [died.id]
        qtbot.waitUntil(queue.is_idle, timeout=5000)
        assert scripted.started == ["ждёт"]
        assert library.job(waiting.id).state is JobState.FINISHED
        assert library.job(died.id).state is JobState.INTERRUPTED
    finally:
        queue.shutdown()


def test_closing_before_a_job_starts_leaves_it_queued(library, scripted, qtbot):
    scripted.step_s = 0.05
    queue = JobQueue(library, backend_factory=lambda: scripted)
    job = queue.submit(GenerationRequest("кот", n_images=2, batch_size=1))
    queue.shutdown()  # the worker may not even have picked the job up yet
    state = library.job(job.id).state
    assert state in (JobState.QUEUED, JobState.INTERRUPTED)
    assert state is not JobState.CANCELLED
