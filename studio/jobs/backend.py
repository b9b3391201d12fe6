"""What the worker needs from a generator, and the engine-backed one the app uses.

The worker speaks to a `GenerationBackend`: it loads models, reports the machine's devices, and
turns a request into the engine's own events (`studio.engine.events`), raising the engine's
`GenerationCancelled` when told to stop. The real
one (`EngineBackend`) imports `studio.engine` (and so torch) only when first used, inside the
worker thread; the window never pays for it.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from studio.cluster.events import ReplicasProgress
from studio.engine.events import GenerationEvent
from studio.jobs.events import JobEvent
from studio.jobs.request import GenerationRequest
from studio.settings import Settings

if TYPE_CHECKING:  # numpy is imported by the worker, not to show the window
    import numpy as np

    from studio.jobs.style_training import StyleTrainingRequest

log = logging.getLogger(__name__)


# The worker consumes the engine's own events; a backend yields exactly those, plus the
# progress of batches sampled side by side when it spreads them over replicas.
BackendEvent = GenerationEvent | ReplicasProgress


@dataclass(frozen=True)
class DeviceInfo:
    """What this machine offers, found in the worker thread after torch has loaded."""

    devices: tuple[str, ...]  # e.g. ("cuda", "cpu")
    default_device: str
    precisions: dict[str, tuple[str, ...]]  # device -> supported precisions
    description: str  # e.g. "NVIDIA RTX 4090, 24.0 GiB" or "CPU, 16 threads"
    suggested_batch_size: int
    error: str | None = None  # torch could not be imported: the message says why
    gpu_memory_bytes: int | None = None  # the default GPU's, for the style-training estimate


class GenerationBackend(Protocol):
    def configure(self, settings: Settings) -> None: ...

    def needs_loading(self) -> bool: ...

    def load(self) -> str:
        """Load the models; returns the loaded model's id."""
        ...

    def probe(self) -> DeviceInfo: ...

    def generate(
        self,
        request: GenerationRequest,
        image_prompt_codes: np.ndarray | None,
        should_stop: Callable[[], bool],
    ) -> Iterator[BackendEvent]: ...


# Memory one image's sampling state needs at 1024 tokens (K/V cache of 24 layers x 2048 hidden in
# 16-bit, plus working space); used only to suggest a batch size, the user can change it.
_GIB_PER_IMAGE = 0.35
_WEIGHTS_GIB = 3.5


# On the CPU (benchmarks/bench_engine.py --full, studio/engine/README.md): a sampling step for
# 16 images cost 3-7x less per image than for 4, and 4 1.4-4.7x less than 1, in fp32 and bf16
# alike. What limits the batch is memory: the weights (fp32 5.2 GB, memory-mapped; bf16
# 2.6 GB) plus each image's keys and values, measured at 0.35 GiB (fp32) and 0.18 GiB (bf16).
CPU_BATCH_SIZES = (16, 4, 1)  # the fastest per image first
_CPU_GIB = {"fp32": (4.8, 0.35), "bf16": (2.4, 0.18), "fp16": (2.4, 0.18), "int8": (1.3, 0.18)}
# The share of the machine's memory a suggested batch may take (the rest: the OS, the window).
_CPU_MEMORY_SHARE = 0.6


def _physical_memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):  # not on this platform
        return None


def suggest_batch_size(
    device: str, total_memory_gib: float | None, precision: str | None = None
) -> int:
    """A batch size that fits comfortably: on the CPU the fastest measured one that fits in
    part of the machine's memory; on a GPU a power of two that fits in its memory."""
    if device != "cuda":
        memory = total_memory_gib or _physical_memory_gib()
        weights, per_image = _CPU_GIB.get(precision or "fp32", _CPU_GIB["fp32"])
        for size in CPU_BATCH_SIZES:
            if memory is not None and weights + size * per_image <= memory * _CPU_MEMORY_SHARE:
                return size
        return 1
    if not total_memory_gib:
        return 1
    fits = int(max(total_memory_gib - _WEIGHTS_GIB, 0.0) / _GIB_PER_IMAGE)
    size = 1
    while size * 2 <= min(fits, 32):
        size *= 2
    return size


class EngineBackend:
    """The real generator: `studio.engine`, imported lazily in the worker thread."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or Settings()
        self._models: Any = None
        self._switcher: Any = None  # StyleSwitcher of the loaded model

    def configure(self, settings: Settings) -> None:
        if settings != self._settings:
            self._settings = settings
            self._models = None  # loaded again, with the new folder/device/precision, when needed
            self._switcher = None

    def needs_loading(self) -> bool:
        return self._models is None

    def load(self) -> str:
        from studio.engine import load_models

        settings = self._settings
        self._models = load_models(
            settings.models_path, device=settings.device, precision=settings.precision
        )
        return str(self._models.model_id)

    def probe(self) -> DeviceInfo:
        try:
            import torch

            from studio.engine import available_precisions, default_device

            # The modules a job needs, imported now rather than when the first job starts:
            # imports hold the interpreter lock, so this is when they disturb the window least.
            importlib.import_module("studio.engine.pipeline")
            importlib.import_module("studio.engine.checkpoints")
        except Exception as exc:  # a broken install: say so instead of crashing the worker
            log.exception("Cannot import the engine")
            return DeviceInfo(("cpu",), "cpu", {"cpu": ("fp32",)}, "unknown", 1, error=str(exc))
        devices: list[str] = []
        description = f"CPU, {torch.get_num_threads()} threads"
        memory_gib = None
        if torch.cuda.is_available():
            devices.append("cuda")
            props = torch.cuda.get_device_properties(0)
            memory_gib = props.total_memory / 2**30
            description = f"{props.name}, {memory_gib:.1f} GiB"
        devices.append("cpu")
        precisions = {d: tuple(available_precisions(d)) for d in devices}
        chosen = self._settings.device or default_device()
        return DeviceInfo(
            devices=tuple(devices),
            default_device=default_device(),
            precisions=precisions,
            description=description,
            suggested_batch_size=suggest_batch_size(
                chosen, memory_gib if chosen == "cuda" else None, self._settings.precision
            ),
            gpu_memory_bytes=int(memory_gib * 2**30) if memory_gib else None,
        )

    def use_style(self, name: str | None) -> None:
        """Put the saved style `name` (None: none) on the loaded model; the base weights stay
        in memory, so switching never reads the model files again."""
        from studio.engine.styles import StyleSwitcher
        from studio.engine.styles.library import load_style

        if self._models is None:
            self.load()
        if self._switcher is None or self._switcher.model is not self._models.dalle:
            self._switcher = StyleSwitcher(self._models.dalle)
        if self._switcher.active != name:
            self._switcher.apply(load_style(name) if name else None)

    def train_style(
        self, request: StyleTrainingRequest, job_id: int, should_stop: Callable[[], bool]
    ) -> Iterator[JobEvent]:
        """Train a style on the loaded base model (no style on it while it trains)."""
        from studio.jobs.style_training import run_training

        self.use_style(None)
        yield from run_training(self._models, request, job_id, should_stop)

    def generate(
        self,
        request: GenerationRequest,
        image_prompt_codes: np.ndarray | None,
        should_stop: Callable[[], bool],
    ) -> Iterator[BackendEvent]:
        from studio.engine import ImagePrompt, SamplingParams, generate

        self.use_style(request.style)
        params = SamplingParams(
            top_k=request.top_k,
            top_p=request.top_p,
            temperature=request.temperature,
            seed=request.seed,
        )
        image_prompt = None
        if image_prompt_codes is not None:
            image_prompt = ImagePrompt(codes=image_prompt_codes, rows=request.prompt_rows)
        yield from generate(
            self._models,
            request.prompt,
            params,
            n_images=request.n_images,
            batch_size=request.batch_size,
            image_prompt=image_prompt,
            should_stop=should_stop,
        )
