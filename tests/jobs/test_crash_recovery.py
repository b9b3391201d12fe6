"""A process killed mid-job keeps every finished batch; the next start marks the job
interrupted and the window can resume it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PIL import Image

from studio.jobs import GenerationRequest, JobQueue
from studio.library import JobState, Library
from tests.jobs.scripted_backend import ScriptedBackend

pytestmark = pytest.mark.gui

CHILD = textwrap.dedent(
    """
    import os, signal
    from PySide6.QtCore import QCoreApplication
    from studio.jobs import GenerationRequest, JobQueue
    from studio.jobs.events import BatchStored
    from tests.jobs.scripted_backend import ScriptedBackend
    from studio.library import Library

    app = QCoreApplication([])
    library = Library()
    queue = JobQueue(library, backend_factory=lambda: ScriptedBackend(steps=10, step_s=0.005))
    stored = []

    def on_event(event):
        if isinstance(event, BatchStored):
            stored.extend(event.candidate_ids)
            if len(stored) >= 4:
                os.kill(os.getpid(), signal.SIGKILL)  # no clean-up of any kind

    queue.event.connect(on_event)
    queue.submit(GenerationRequest("кот", n_images=20, batch_size=2))
    app.exec()
    """
)


def test_killed_mid_job_keeps_finished_batches(paths, qtbot):
    result = subprocess.run([sys.executable, "-c", CHILD], env=os.environ.copy(), timeout=120)
    assert result.returncode == -signal.SIGKILL
    with Library(paths) as library:
        queue = JobQueue(library, backend_factory=ScriptedBackend)
        try:
            interrupted = queue.restore()
            assert len(interrupted) == 1
            job = library.job(interrupted[0].id)
            assert job.state is JobState.INTERRUPTED
            kept = library.candidates(job_id=job.id)
            assert len(kept) >= 4
            for candidate in kept:  # every row names a complete picture
                with Image.open(library.abspath(candidate.image_path)) as image:
                    image.load()
            rest = GenerationRequest.resume(job.spec, len(kept))
            assert rest.n_images == 20 - len(kept)
        finally:
            queue.shutdown()
