"""Helpers for the window tests: fake model checks, a fake segmenter, a filled library."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from studio.jobs.request import GenerationRequest
from studio.library import JobState, Library
from studio.ui.model_files import ModelCheck


@dataclass
class FakeFile:
    key: str
    filename: str
    present: bool
    size_bytes: int | None = None
    expected_size: int | None = None
    required: bool = True


def ready_check(folder):
    return ModelCheck(folder, [FakeFile("dalle", "pytorch_model.bin", True, 10)])


def missing_check(folder):
    return ModelCheck(folder, [FakeFile("dalle", "pytorch_model.bin", False, None, 2**30)])


@dataclass
class FakeCutout:
    rgba: object
    mask: np.ndarray
    method: str
    confidence: float
    review: str | None = None


class FakeSegmenter:
    """A centred square mask: stands in for the U-Net where the test is about the plumbing."""

    def __init__(self):
        self.calls = 0

    def cutout(self, image):
        self.calls += 1
        w, h = image.size
        mask = np.zeros((h, w), np.uint8)
        mask[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = 255
        return FakeCutout(image.convert("RGBA"), mask, "unet", 0.42)


def fill_library(library: Library, perplexities, prompt="кот") -> list[int]:
    """One finished job whose candidates have the given perplexities; returns their ids.

    Marked finished as the worker marks it: a job left queued is run again when a window
    starts on this library, and storing its first picture twice failed ("UNIQUE constraint
    failed" in `bench_ui_idle.py`)."""
    job = library.create_job(GenerationRequest(prompt, n_images=len(perplexities)).to_spec())
    ids = []
    for i, ppl in enumerate(perplexities):
        image = Image.new("RGB", (32, 32), ((i * 37) % 255, 120, 60))
        codes = (np.arange(64, dtype=np.uint16) + i).astype("<u2").tobytes()
        ids.append(library.add_candidate(job.id, i, image, codes, ppl, seed=7).id)
    library.set_job_state(job.id, JobState.FINISHED)
    return ids
