"""Style training as a queue job, through the real worker and the tiny random-weight model."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from studio.engine.styles.library import checkpoint_path, list_styles, style_path
from studio.jobs import GenerationRequest, JobQueue
from studio.jobs.backend import EngineBackend
from studio.jobs.events import JobCancelled, JobFailed, JobFinished, JobStarted
from studio.jobs.style_training import (
    InvalidTrainingRequest,
    StyleTrainingRequest,
    TrainingPicture,
    request_path,
)
from studio.jobs.training_events import (
    StyleSaved,
    TrainingPlanned,
    TrainingPreview,
    TrainingProgress,
)
from studio.library import JobState
from studio.settings import Settings

pytestmark = [pytest.mark.gui, pytest.mark.slow]

CAPTIONS = ["рыжий котик", "котик с сердечком", "котик спит", "радостный котик"]


class CrashingBackend(EngineBackend):
    """The engine backend; a training dies (like a crashed process) before step `crash_at`."""

    crash_at: int | None = None

    def train_style(self, request, job_id, should_stop):
        steps = iter(range(1, 10_000))

        def stop_or_crash():
            if self.crash_at is not None and next(steps) == self.crash_at:
                raise RuntimeError("simulated crash")
            return should_stop()

        yield from super().train_style(request, job_id, stop_or_crash)


@pytest.fixture
def pictures(tmp_path) -> tuple[TrainingPicture, ...]:
    out = []
    for i, colour in enumerate([(230, 120, 30), (200, 40, 60), (40, 90, 200), (30, 160, 70)]):
        image = Image.new("RGBA", (96, 80), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((10 + 4 * i, 8, 80, 72), fill=(*colour, 255))
        path = tmp_path / f"sticker{i}.png"
        image.save(path)
        out.append(TrainingPicture(str(path), CAPTIONS[i]))
    return tuple(out)


@pytest.fixture
def queue(library, tiny_model_dir, qtbot):
    backend = CrashingBackend(Settings(models_dir=str(tiny_model_dir), device="cpu"))
    queue = JobQueue(library, backend_factory=lambda: backend)
    queue.backend = backend
    yield queue
    queue.shutdown()


def _request(pictures, name: str, **changes) -> StyleTrainingRequest:
    settings = {
        "steps": 12,
        "lr": 3e-3,
        "batch_size": 2,
        "optimizer": "adamw",
        "checkpoint_every": 3,
        "seed": 5,
        "min_pictures": 2,
    } | changes
    return StyleTrainingRequest(name, pictures, **settings)


def _tensors(name: str) -> dict:
    from studio.engine.styles import read_style

    return read_style(style_path(name)).tensors


def _same(a: dict, b: dict) -> bool:
    import torch

    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_training_runs_as_a_job_and_generation_waits_for_it(queue, library, pictures, qtbot):
    events = []
    queue.event.connect(events.append)
    request = _request(pictures, "рыжие", previews=("котик",), preview_every=4)
    training = queue.submit_training(request)
    generation = queue.submit(GenerationRequest("кот", n_images=2, batch_size=2, style="рыжие"))
    assert queue.running_job_id == training.id and queue.pending_job_ids() == [generation.id]
    qtbot.waitUntil(queue.is_idle, timeout=120_000)

    mine = [e for e in events if e.job_id == training.id]
    assert isinstance(mine[0], JobStarted) and isinstance(mine[-1], JobFinished)
    plan = next(e for e in mine if isinstance(e, TrainingPlanned))
    assert plan.first_step == 0 and plan.steps == 12 and plan.seconds_per_step > 0
    assert plan.memory_bytes > 0 and plan.device.startswith("cpu")
    steps = [e for e in mine if isinstance(e, TrainingProgress)]
    assert [e.step for e in steps] == list(range(1, 13))
    assert steps[-1].eta_s == 0 and all(e.loss > 0 for e in steps)
    previews = [e for e in mine if isinstance(e, TrainingPreview)]
    assert [e.step for e in previews] == [4, 8, 12]
    assert Image.open(io.BytesIO(previews[0].pictures[0])).size == (128, 128)
    saved = next(e for e in mine if isinstance(e, StyleSaved))
    assert [s.name for s in list_styles()] == ["рыжие"] and saved.size_bytes > 0
    assert not checkpoint_path("рыжие").exists() and not request_path("рыжие").exists()
    assert queue.training_job(training.id).state is JobState.FINISHED

    # The generation job started only after the training ended, and drew with the style.
    order = [(e.job_id, type(e)) for e in events if isinstance(e, JobStarted | JobFinished)]
    assert order.index((training.id, JobFinished)) < order.index((generation.id, JobStarted))
    job = library.job(generation.id)
    assert job.state is JobState.FINISHED and job.spec.style == "рыжие"
    assert queue.backend._switcher.active == "рыжие"


def test_stopped_training_resumes_to_the_uninterrupted_result(queue, pictures, qtbot):
    events = []
    queue.event.connect(events.append)
    queue.submit_training(_request(pictures, "whole"))
    qtbot.waitUntil(queue.is_idle, timeout=120_000)

    stopped = queue.submit_training(_request(pictures, "stopped"))

    def stop_early(event):
        if isinstance(event, TrainingProgress) and event.job_id == stopped.id and event.step == 2:
            queue.cancel(stopped.id)

    queue.event.connect(stop_early)
    qtbot.waitUntil(queue.is_idle, timeout=120_000)
    cancelled = [e for e in events if isinstance(e, JobCancelled) and e.job_id == stopped.id]
    assert cancelled and queue.training_job(stopped.id).state is JobState.CANCELLED
    done = max(e.step for e in events if isinstance(e, TrainingProgress) and e.job_id == stopped.id)
    assert done < 12 and checkpoint_path("stopped").exists()

    events.clear()
    queue.resume_training(stopped.id)
    qtbot.waitUntil(queue.is_idle, timeout=120_000)
    plan = next(e for e in events if isinstance(e, TrainingPlanned))
    assert plan.first_step == done
    assert isinstance(events[-1], JobFinished)
    assert _same(_tensors("stopped"), _tensors("whole"))


def test_crashed_training_resumes_from_its_last_checkpoint(queue, pictures, qtbot, library):
    queue.submit_training(_request(pictures, "whole"))
    qtbot.waitUntil(queue.is_idle, timeout=120_000)

    events = []
    queue.event.connect(events.append)
    queue.backend.crash_at = 8  # before step 8: steps 1-7 done, the checkpoint is step 6's
    crashed = queue.submit_training(_request(pictures, "crashed"))
    qtbot.waitUntil(queue.is_idle, timeout=120_000)
    assert isinstance(events[-1], JobFailed) and "simulated crash" in events[-1].message
    assert checkpoint_path("crashed").exists() and request_path("crashed").exists()

    # A new session finds the unfinished training and continues it from step 6.
    restarted = JobQueue(library, backend_factory=lambda: queue.backend)
    try:
        queue.backend.crash_at = None
        restarted.restore()
        [job] = [j for j in restarted.training_jobs() if j.name == "crashed"]
        assert crashed.id in queue._trainings
        assert job.state is JobState.INTERRUPTED
        events.clear()
        restarted.event.connect(events.append)
        restarted.resume_training(job.id)
        qtbot.waitUntil(restarted.is_idle, timeout=120_000)
    finally:
        restarted.shutdown()
    plan = next(e for e in events if isinstance(e, TrainingPlanned))
    assert plan.first_step == 6
    assert _same(_tensors("crashed"), _tensors("whole"))


def test_a_training_request_is_checked_before_it_is_queued(queue, pictures):
    with pytest.raises(InvalidTrainingRequest, match="at least 20 different pictures; 4"):
        queue.submit_training(StyleTrainingRequest("x", pictures))
    with pytest.raises(InvalidTrainingRequest, match="bad style name"):
        queue.submit_training(_request(pictures, "a/b"))
    with pytest.raises(InvalidTrainingRequest, match="no caption"):
        blank = (*pictures[:3], TrainingPicture(pictures[3].image, "  "))
        queue.submit_training(_request(blank, "x"))
    assert queue.training_jobs() == []


def test_a_picture_with_a_cut_out_is_trained_through_it(tmp_path, paths):
    from studio.jobs.style_training import cut_out_pictures

    photo = tmp_path / "photo.png"
    Image.new("RGB", (40, 40), (200, 30, 30)).save(photo)
    mask = tmp_path / "mask.png"
    cut = Image.new("L", (40, 40), 0)
    ImageDraw.Draw(cut).rectangle((10, 10, 29, 29), fill=255)
    cut.save(mask)
    other = tmp_path / "plain.png"
    Image.new("RGB", (40, 40), (0, 0, 255)).save(other)
    request = StyleTrainingRequest(
        "me", (TrainingPicture(str(photo), "я", mask=str(mask)), TrainingPicture(str(other), "я"))
    )
    [cut_file, plain] = cut_out_pictures(request)
    assert plain == other and cut_file.parent.name == "me.pictures"
    with Image.open(cut_file) as picture:
        assert picture.mode == "RGBA"
        assert picture.getpixel((0, 0))[3] == 0 and picture.getpixel((20, 20)) == (200, 30, 30, 255)


def test_an_unfinished_training_is_listed_at_start_and_can_be_discarded(library, pictures, qtbot):
    from studio.jobs.style_training import save_request

    save_request(_request(pictures, "left over"))
    checkpoint_path("left over").write_bytes(b"a checkpoint")
    queue = JobQueue(library, backend_factory=lambda: None)
    try:
        queue.restore()
        [job] = queue.training_jobs()
        assert job.name == "left over" and job.state is JobState.INTERRUPTED
        assert job.request == _request(pictures, "left over")
        assert queue.is_idle()  # listed, not started: Resume starts it
        queue.discard_training(job.id)
        assert queue.training_jobs() == []
        assert not checkpoint_path("left over").exists()
        assert not request_path("left over").exists()
    finally:
        queue.shutdown()


def test_a_training_still_queued_at_quit_is_listed_at_the_next_start(library, pictures):
    # Its request was written only when it started: a quit while it waited lost it.
    queue = JobQueue(library, backend_factory=lambda: None)
    try:
        queue.set_ready(False)  # waits, as behind another job or while the model loads
        queue.submit_training(_request(pictures, "waiting"))
    finally:
        queue.shutdown()
    again = JobQueue(library, backend_factory=lambda: None)
    try:
        again.set_ready(False)
        again.restore()
        [job] = again.training_jobs()
        assert job.name == "waiting" and job.state is JobState.INTERRUPTED
        assert job.request == _request(pictures, "waiting")
        assert "Resume starts it from the beginning" in job.error
        assert again.is_idle()  # listed, not started
    finally:
        again.shutdown()


def test_a_training_that_cannot_be_saved_is_refused_in_one_line(library, pictures, monkeypatch):
    import errno

    from studio.jobs import style_training

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(style_training, "atomic_write_text", full)
    queue = JobQueue(library, backend_factory=lambda: None)
    try:
        queue.set_ready(False)
        with pytest.raises(InvalidTrainingRequest, match="no space left on device; free some"):
            queue.submit_training(_request(pictures, "full"))
        assert queue.training_jobs() == [] and queue.is_idle()
    finally:
        queue.shutdown()


def test_a_full_disk_is_the_users_problem_and_the_training_can_resume(
    queue, pictures, qtbot, monkeypatch
):
    import errno

    from studio.engine.styles.trainer import StyleTrainer

    real_save = StyleTrainer.save_checkpoint
    state = {"full": True}

    def save_or_fail(self, path):
        if state["full"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, path)

    monkeypatch.setattr(StyleTrainer, "save_checkpoint", save_or_fail)
    events = []
    queue.event.connect(events.append)
    job = queue.submit_training(_request(pictures, "full"))
    qtbot.waitUntil(queue.is_idle, timeout=120_000)
    assert isinstance(events[-1], JobFailed)
    assert "No space left" in events[-1].message and "Unexpected" not in events[-1].message
    state["full"] = False
    queue.resume_training(job.id)  # no checkpoint was written: it starts again
    qtbot.waitUntil(queue.is_idle, timeout=120_000)
    assert isinstance(events[-1], JobFinished) and style_path("full").exists()
