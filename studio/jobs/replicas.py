"""Backends that follow the "where to generate" setting: this device, or Ray replicas.

`SettingsBackend` is what the window's worker uses: it runs jobs on `EngineBackend` (one model
here) or on a `ReplicaBackend` (one replica per GPU of this machine, or a Ray cluster), as the
settings say. Both are driven from the worker thread; the window never waits on Ray.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from studio.cluster.plan import SamplingJob, plan_batches
from studio.cluster.where import Where
from studio.errors import StudioError
from studio.jobs.backend import BackendEvent, DeviceInfo, EngineBackend, GenerationBackend
from studio.jobs.events import JobEvent
from studio.jobs.request import GenerationRequest
from studio.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from studio.jobs.style_training import StyleTrainingRequest

log = logging.getLogger(__name__)


class ReplicaBackend:
    """Spreads each job's batches over Ray replicas (`studio.cluster.pool`).

    `cpu_replicas` starts that many CPU replicas instead of one per GPU (tests, benchmarks and
    machines without a GPU).
    """

    def __init__(self, settings: Settings, cpu_replicas: int | None = None) -> None:
        self._settings = settings
        self._cpu_replicas = cpu_replicas
        self._pool: Any = None

    @property
    def pool(self) -> Any:
        """The running `ReplicaPool` (None before `load`)."""
        return self._pool

    def configure(self, settings: Settings) -> None:
        if settings != self._settings:
            self.close()
            self._settings = settings

    def needs_loading(self) -> bool:
        return self._pool is None

    def load(self) -> str:
        from studio.cluster.pool import ReplicaPool

        settings = self._settings
        self._pool = ReplicaPool.start(
            Where.parse(settings.where),
            str(settings.models_path),
            precision=settings.precision,
            cpu_replicas=self._cpu_replicas,
        )
        return self._pool.model_id

    def probe(self) -> DeviceInfo:
        return EngineBackend(self._settings).probe()

    def generate(
        self,
        request: GenerationRequest,
        image_prompt_codes: np.ndarray | None,
        should_stop: Callable[[], bool],
    ) -> Iterator[BackendEvent]:
        if request.style:
            raise StudioError(
                "Styles run on this computer's model only; choose Style: none, or run here."
            )
        if self._pool is None:
            self.load()
        job = SamplingJob(
            prompt=request.prompt,
            top_k=request.top_k,
            top_p=request.top_p,
            temperature=request.temperature,
            image_prompt_codes=image_prompt_codes,
            prompt_rows=request.prompt_rows,
        )
        orders = plan_batches(request.n_images, request.batch_size, request.seed)
        yield from self._pool.run(job, orders, should_stop)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


class SettingsBackend:
    """Runs on this device or on Ray replicas, as `Settings.where` says; switching drops the
    other's models."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or Settings()
        self._backend: GenerationBackend | None = None

    def active(self) -> GenerationBackend:
        """The backend the next job runs on (made on first use)."""
        if self._backend is None:
            if Where.parse(self._settings.where).uses_ray:
                self._backend = ReplicaBackend(self._settings)
            else:
                self._backend = EngineBackend(self._settings)
        return self._backend

    def configure(self, settings: Settings) -> None:
        was_ray = Where.parse(self._settings.where).uses_ray
        self._settings = settings
        if self._backend is not None and was_ray != Where.parse(settings.where).uses_ray:
            self.close()
            self._backend = None
        elif self._backend is not None:
            self._backend.configure(settings)

    def needs_loading(self) -> bool:
        return self.active().needs_loading()

    def load(self) -> str:
        return self.active().load()

    def probe(self) -> DeviceInfo:
        return self.active().probe()

    def generate(
        self,
        request: GenerationRequest,
        image_prompt_codes: np.ndarray | None,
        should_stop: Callable[[], bool],
    ) -> Iterator[BackendEvent]:
        return self.active().generate(request, image_prompt_codes, should_stop)

    def train_style(
        self, request: StyleTrainingRequest, job_id: int, should_stop: Callable[[], bool]
    ) -> Iterator[JobEvent]:
        backend = self.active()
        if not isinstance(backend, EngineBackend):
            raise StudioError(
                "Styles train on this computer's GPU or CPU only; set the models to run here."
            )
        return backend.train_style(request, job_id, should_stop)

    def close(self) -> None:
        close = getattr(self._backend, "close", None)
        if close is not None:
            close()
