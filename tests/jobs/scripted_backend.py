"""A test double: a generation backend that samples nothing, for the queue's and the window's logic.

The engine-backed tests use the engine's tiny random-weight model instead.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PIL import Image

from studio.engine.errors import GenerationCancelled
from studio.engine.events import BatchReady, BatchSizeReduced, GeneratedImage, StepProgress
from studio.jobs.backend import DeviceInfo


class ScriptedBackend:
    """Samples nothing: walks `steps` steps per batch, sleeping `step_s`, and makes flat images
    whose perplexity falls with the index, so ordering is known."""

    def __init__(self, steps: int = 16, step_s: float = 0.0, halve_at_batch: int | None = None):
        self.steps = steps
        self.step_s = step_s
        self.halve_at_batch = halve_at_batch
        self.loads = 0
        self.started: list[str] = []
        self.steps_after_stop = 0
        self.thread_names: set[str] = set()
        self.prompt_codes = []
        self.settings = None

    def configure(self, settings):
        self.settings = settings

    def needs_loading(self):
        return self.loads == 0

    def load(self):
        self.loads += 1
        return "scripted"

    def probe(self):
        return DeviceInfo(("cpu",), "cpu", {"cpu": ("fp32",)}, "CPU, test", 2)

    def generate(self, request, image_prompt_codes, should_stop):
        on_main = threading.current_thread() is threading.main_thread()
        self.thread_names.add("main" if on_main else "other")
        self.started.append(request.prompt)
        self.prompt_codes.append(image_prompt_codes)
        done = 0
        batch = request.batch_size
        b = 0
        while done < request.n_images:
            if self.halve_at_batch == b and batch > 1:
                yield BatchSizeReduced(batch, batch // 2, "CUDA out of memory")
                batch //= 2
            n = min(batch, request.n_images - done)
            for step in range(1, self.steps + 1):
                if should_stop():
                    raise GenerationCancelled()
                time.sleep(self.step_s)
                yield StepProgress(b, step, self.steps, done, request.n_images)
            images = []
            for i in range(n):
                index = done + i
                shade = (index * 29) % 255
                images.append(
                    GeneratedImage(
                        index,
                        Image.new("RGB", (16, 16), (shade, 80, 200)),
                        np.arange(64) % 7 + index,
                        perplexity=100.0 - index * 3.5 + (index % 3),
                        seed=request.seed + b,
                    )
                )
            done += n
            yield BatchReady(b, images)
            b += 1
