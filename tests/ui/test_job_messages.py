"""The status bar's line for each job event, chosen by the event's class."""

from __future__ import annotations

from studio.jobs.events import (
    BatchSizeReduced,
    BatchStored,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    ModelsLoading,
)
from studio.ui.job_messages import status_message


def test_each_event_class_has_its_line():
    assert status_message(BatchSizeReduced(3, old=8, new=4, reason="oom")) == (
        "Job 3: the GPU ran out of memory, so the batch size was reduced from 8 to 4. "
        "The job goes on.",
        15000,
    )
    assert status_message(JobFailed(3, "disk full")) == ("Job 3 failed: disk full", 15000)
    assert status_message(JobCancelled(3, images_done=5)) == (
        "Job 3 cancelled; 5 images kept.",
        8000,
    )
    assert status_message(JobFinished(3, images_done=9)) == ("Job 3 finished: 9 images.", 8000)
    assert status_message(ModelsLoading(3))[0].startswith("Loading the model")


def test_routine_events_say_nothing():
    assert status_message(JobStarted(3)) is None
    assert status_message(JobProgress(3, 10, 100, 0, 4, None)) is None
    assert status_message(BatchStored(3, batch_index=0, candidate_ids=(1, 2))) is None
