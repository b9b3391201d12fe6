"""The generation worker: one QObject living in one QThread, owning the loaded models.

It runs one job at a time: marks it running in its own `Library` (SQLite connections belong to
one thread), pulls events from the backend, commits each finished batch the moment it exists,
and turns everything into `JobEvent`s on the `event` signal. Cancel is a flag checked by the
sampler between steps, so it takes effect within one step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from studio.cluster.errors import ClusterLost
from studio.cluster.events import ReplicasProgress
from studio.engine import events as engine_events
from studio.engine.errors import GenerationCancelled
from studio.errors import StudioError
from studio.jobs.backend import GenerationBackend
from studio.jobs.codes import codes_from_bytes, codes_to_bytes
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
from studio.jobs.request import GenerationRequest
from studio.jobs.style_training import StyleTrainingRequest
from studio.library import JobState, Library
from studio.paths import StudioPaths
from studio.settings import Settings

log = logging.getLogger(__name__)

# Progress signals closer together than this are merged: the window repaints a bar, no more.
_PROGRESS_INTERVAL_S = 0.05


class _EtaClock:
    """Tokens per second since sampling began (model loading excluded), and the time left."""

    def __init__(self, tokens_total: int) -> None:
        self.tokens_total = tokens_total
        self._start: float | None = None
        self._start_tokens = 0

    def eta(self, tokens_done: int) -> float | None:
        now = time.monotonic()
        if self._start is None:
            self._start, self._start_tokens = now, tokens_done
            return None
        done = tokens_done - self._start_tokens
        elapsed = now - self._start
        if done <= 0 or elapsed <= 0:
            return None
        return (self.tokens_total - tokens_done) / (done / elapsed)


class GenerationWorker(QObject):
    """Lives in the worker thread; the queue talks to it only through queued signals."""

    event = Signal(object)  # a JobEvent
    device_info = Signal(object)  # a DeviceInfo

    def __init__(self, backend_factory: Callable[[], GenerationBackend], paths: StudioPaths):
        super().__init__()
        self._backend_factory = backend_factory
        self._backend: GenerationBackend | None = None
        self._paths = paths
        self._library: Library | None = None
        self._cancel_lock = threading.Lock()
        self._cancelled: set[int] = set()
        self._interrupted: set[int] = set()  # stopped because the app closes, not by the user
        self._settings: Settings | None = None

    # -- called from the window's thread --------------------------------------------------------

    def request_cancel(self, job_id: int) -> None:
        """Thread-safe: the running job stops at its next sampling step."""
        with self._cancel_lock:
            self._cancelled.add(job_id)

    def request_shutdown(self, job_id: int) -> None:
        """Thread-safe: stop the running job because the app is closing; it is recorded as
        interrupted, like a crash, rather than cancelled by the user."""
        with self._cancel_lock:
            self._interrupted.add(job_id)
            self._cancelled.add(job_id)

    def _should_stop(self, job_id: int) -> bool:
        with self._cancel_lock:
            return job_id in self._cancelled

    # -- slots, run in the worker thread --------------------------------------------------------

    def _lib(self) -> Library:
        if self._library is None:
            self._library = Library(self._paths)
        return self._library

    def _get_backend(self) -> GenerationBackend:
        if self._backend is None:
            self._backend = self._backend_factory()
            if self._settings is not None:
                self._backend.configure(self._settings)
        return self._backend

    @Slot(object)
    def configure(self, settings: Settings) -> None:
        self._settings = settings
        if self._backend is not None:
            self._backend.configure(settings)

    @Slot()
    def probe(self) -> None:
        """Import torch and find the devices (the first slow thing, done off the UI thread)."""
        self.device_info.emit(self._get_backend().probe())

    @Slot()
    def close(self) -> None:
        close_backend = getattr(self._backend, "close", None)
        if close_backend is not None:
            close_backend()  # replicas on Ray are stopped with the thread that started them
        if self._library is not None:
            self._library.close()
            self._library = None

    @Slot(int, object)
    def run_job(self, job_id: int, request: GenerationRequest | StyleTrainingRequest) -> None:
        if isinstance(request, StyleTrainingRequest):
            self._train(job_id, request)
            return
        lib = self._lib()
        try:
            if self._should_stop(job_id):
                with self._cancel_lock:
                    closing = job_id in self._interrupted
                # Never started: closing the app leaves it queued for the next start.
                lib.set_job_state(job_id, JobState.QUEUED if closing else JobState.CANCELLED)
                self.event.emit(JobCancelled(job_id, 0))
                return
            lib.set_job_state(job_id, JobState.RUNNING)
            self.event.emit(JobStarted(job_id))
            backend = self._get_backend()
            if backend.needs_loading():
                self.event.emit(ModelsLoading(job_id))
                backend.load()
            prompt_codes = None
            if request.source_candidate_id is not None:
                source = lib.candidate(request.source_candidate_id)
                if source.codes is None:
                    raise StudioError(
                        "The chosen image has no image codes (it was imported), so it cannot "
                        'seed a "more like this" job.'
                    )
                prompt_codes = codes_from_bytes(source.codes)
            images_done = self._sample(job_id, request, prompt_codes, backend, lib)
        except GenerationCancelled:
            with self._cancel_lock:
                closing = job_id in self._interrupted
            if closing:
                lib.set_job_state(job_id, JobState.INTERRUPTED, "The app was closed while it ran.")
            else:
                lib.set_job_state(job_id, JobState.CANCELLED)
            self.event.emit(JobCancelled(job_id, self._images_stored(job_id)))
        except ClusterLost as exc:
            # Like a crash: the stored batches stay and the job can be resumed.
            log.warning("Job %d interrupted: %s", job_id, exc)
            lib.set_job_state(job_id, JobState.INTERRUPTED, str(exc))
            self.event.emit(JobFailed(job_id, str(exc)))
        except StudioError as exc:
            log.warning("Job %d failed: %s", job_id, exc)
            lib.set_job_state(job_id, JobState.FAILED, str(exc))
            self.event.emit(JobFailed(job_id, str(exc)))
        except Exception as exc:  # a bug: logged with its traceback, the job marked failed
            log.exception("Job %d failed unexpectedly", job_id)
            message = f"Unexpected error: {type(exc).__name__}: {exc} (details in the log)"
            lib.set_job_state(job_id, JobState.FAILED, message)
            self.event.emit(JobFailed(job_id, message))
        else:
            lib.set_job_state(job_id, JobState.FINISHED)
            self.event.emit(JobFinished(job_id, images_done))
        finally:
            with self._cancel_lock:
                self._cancelled.discard(job_id)
                self._interrupted.discard(job_id)

    def _train(self, job_id: int, request: StyleTrainingRequest) -> None:
        """A style training: it has no row in the library (its state is its checkpoint and
        request files beside the style), so only events go out."""
        try:
            if self._should_stop(job_id):
                self.event.emit(JobCancelled(job_id, 0))
                return
            self.event.emit(JobStarted(job_id))
            backend = self._get_backend()
            if backend.needs_loading():
                self.event.emit(ModelsLoading(job_id))
                backend.load()
            train = getattr(backend, "train_style", None)
            if train is None:
                raise StudioError("This generator cannot train styles.")
            for event in train(request, job_id, lambda: self._should_stop(job_id)):
                self.event.emit(event)
        except GenerationCancelled:
            self.event.emit(JobCancelled(job_id, 0))
        except StudioError as exc:
            log.warning("Style training %s failed: %s", request.name, exc)
            self.event.emit(JobFailed(job_id, str(exc)))
        except OSError as exc:  # the disk is full or read-only: the user's to fix, not a bug
            log.warning("Style training %s could not write its files: %s", request.name, exc)
            self.event.emit(
                JobFailed(
                    job_id,
                    f"Could not write the training's files ({exc}); free some "
                    "space or fix the folder, then Resume.",
                )
            )
        except Exception as exc:  # a bug: logged with its traceback; the checkpoint stays
            log.exception("Style training %s failed unexpectedly", request.name)
            self.event.emit(
                JobFailed(
                    job_id, f"Unexpected error: {type(exc).__name__}: {exc} (details in the log)"
                )
            )
        else:
            self.event.emit(JobFinished(job_id, 0))
        finally:
            with self._cancel_lock:
                self._cancelled.discard(job_id)
                self._interrupted.discard(job_id)

    def _images_stored(self, job_id: int) -> int:
        # Counted in the library: batches committed before the cancel are all kept.
        return len(self._lib().candidates(job_id=job_id, sort="time"))

    def _sample(
        self,
        job_id: int,
        request: GenerationRequest,
        prompt_codes,  # noqa: ANN001 - numpy array or None
        backend: GenerationBackend,
        lib: Library,
    ) -> int:
        images_done = 0
        batch_size = request.batch_size
        clock: _EtaClock | None = None
        tokens_reported = 0  # never shown going backwards
        last_emit = 0.0
        events = backend.generate(request, prompt_codes, lambda: self._should_stop(job_id))
        for item in events:
            if isinstance(item, engine_events.StepProgress):
                if clock is None:
                    clock = _EtaClock(request.n_images * item.steps_total)
                in_batch = min(batch_size, item.images_total - item.images_done)
                tokens = item.images_done * item.steps_total + item.step * in_batch
                eta = clock.eta(tokens)
                now = time.monotonic()
                if now - last_emit >= _PROGRESS_INTERVAL_S or item.step >= item.steps_total:
                    last_emit = now
                    self.event.emit(
                        JobProgress(
                            job_id,
                            tokens,
                            clock.tokens_total,
                            item.images_done,
                            item.images_total,
                            eta,
                        )
                    )
            elif isinstance(item, ReplicasProgress):
                # Batches sampling side by side on several replicas: the pool adds them up.
                if clock is None:
                    clock = _EtaClock(item.tokens_total)
                tokens_reported = max(tokens_reported, item.tokens_done)
                self.event.emit(
                    JobProgress(
                        job_id,
                        tokens_reported,
                        item.tokens_total,
                        item.images_done,
                        item.images_total,
                        clock.eta(item.tokens_done),
                    )
                )
            elif isinstance(item, engine_events.BatchReady):
                ids = []
                for image in item.images:
                    stored = lib.add_candidate(
                        job_id,
                        image.index,
                        image.image,
                        codes=codes_to_bytes(image.codes),
                        perplexity=float(image.perplexity),
                        seed=int(image.seed),
                    )
                    ids.append(stored.id)
                images_done += len(ids)
                self.event.emit(BatchStored(job_id, item.batch_index, tuple(ids)))
                if clock is not None:
                    tokens = images_done * (clock.tokens_total // max(request.n_images, 1))
                    tokens_reported = tokens = max(tokens_reported, tokens)
                    self.event.emit(
                        JobProgress(
                            job_id,
                            tokens,
                            clock.tokens_total,
                            images_done,
                            request.n_images,
                            clock.eta(tokens),
                        )
                    )
            elif isinstance(item, engine_events.BatchSizeReduced):
                batch_size = item.new
                self.event.emit(BatchSizeReduced(job_id, item.old, item.new, item.reason))
        return images_done
