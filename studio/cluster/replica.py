"""The replica: a Ray actor that owns one loaded model on one device and samples batches.

This class is plain Python; `studio.cluster.pool` wraps it with `ray.remote` when it starts
replicas, so importing it needs neither Ray nor (until a model loads) torch. The actor runs two
calls at a time so that `stop` and `progress` are answered while a batch samples.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
from dataclasses import dataclass
from typing import Any

from studio.cluster.errors import ReplicaError
from studio.cluster.plan import BatchOrder, SamplingJob
from studio.errors import StudioError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplicaInfo:
    node: str  # host name of the node it runs on
    device: str
    precision: str
    model_id: str

    @property
    def name(self) -> str:
        return f"{self.node} ({self.device})"


@dataclass(frozen=True)
class ReplicaProgress:
    token: str | None  # the job being sampled, None when idle
    batch_index: int
    step: int
    steps_total: int


class Replica:
    """One model on one device. `models_dir` None is the node's own model store."""

    def __init__(self, models_dir: str | None, device: str | None, precision: str | None) -> None:
        self._models_dir = models_dir
        self._device = device
        self._precision = precision
        self._models: Any = None
        self._node = socket.gethostname()
        self._lock = threading.Lock()
        self._stopped: set[str] = set()
        self._progress = ReplicaProgress(None, 0, 0, 0)

    def load(self) -> ReplicaInfo:
        """Load the model from this node's store; a `ReplicaError` naming the node if absent."""
        from studio.engine import load_models

        try:
            self._models = load_models(
                self._models_dir, device=self._device, precision=self._precision
            )
        except StudioError as exc:
            # Re-raised as a plain message: it crosses process boundaries as it is.
            raise ReplicaError(f"node {self._node}: {exc}") from None
        models = self._models
        return ReplicaInfo(self._node, str(models.device), models.precision, models.model_id)

    def stop(self, token: str) -> None:
        """The job `token` stops at its next sampling step on this replica."""
        with self._lock:
            self._stopped.add(token)

    def progress(self) -> ReplicaProgress:
        with self._lock:
            return self._progress

    def run_batch(self, job: SamplingJob, order: BatchOrder) -> list:
        """Sample one batch; its `GeneratedImage`s, indexed by their place in the job.

        Raises `GenerationCancelled` when the job was stopped (checked between steps)."""
        from studio.engine import BatchReady, ImagePrompt, SamplingParams, StepProgress, generate

        if self._models is None:
            self.load()
        params = SamplingParams(job.top_k, job.top_p, job.temperature, order.seed)
        image_prompt = None
        if job.image_prompt_codes is not None:
            image_prompt = ImagePrompt(job.image_prompt_codes, job.prompt_rows)
        images = []

        def should_stop() -> bool:
            with self._lock:
                return job.token in self._stopped

        try:
            for event in generate(
                self._models,
                job.prompt,
                params,
                n_images=order.size,
                batch_size=order.size,
                image_prompt=image_prompt,
                should_stop=should_stop,
            ):
                if isinstance(event, StepProgress):
                    with self._lock:
                        self._progress = ReplicaProgress(
                            job.token, order.batch_index, event.step, event.steps_total
                        )
                elif isinstance(event, BatchReady):
                    images.extend(
                        dataclasses.replace(image, index=order.first_index + image.index)
                        for image in event.images
                    )
                # A batch halved on CUDA out-of-memory goes on inside `generate`; its second
                # half is then seeded like the next batch (as on a single worker).
        finally:
            with self._lock:
                self._progress = ReplicaProgress(None, 0, 0, 0)
        return images
