"""A library with generated-looking candidates (RGB pictures of a figure) and their cut-outs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from studio.library import CutoutMethod, JobSpec, Library

PROMPTS = ["рыжий кот спит", "собака в шляпе", "красное сердце", "пицца с сыром"]


def figure_image(seed: int, side: int = 256) -> tuple[Image.Image, Image.Image]:
    """An RGB picture of a coloured ellipse on white, and its mask (L, 255 = figure)."""
    rng = np.random.default_rng(seed)
    picture = Image.new("RGB", (side, side), "white")
    mask = Image.new("L", (side, side), 0)
    box = (side // 8, side // 5, side - side // 6, side - side // 8)
    color = tuple(int(c) for c in rng.integers(0, 200, 3))
    ImageDraw.Draw(picture).ellipse(box, fill=color)
    ImageDraw.Draw(mask).ellipse(box, fill=255)
    return picture, mask


def add_candidates(library: Library, count: int, *, cut_out: bool = True) -> list[int]:
    """`count` candidates, prompts cycling through PROMPTS, each with a cut-out if asked."""
    ids = []
    for index in range(count):
        prompt = PROMPTS[index % len(PROMPTS)]
        job = library.create_job(JobSpec(prompt, "emojich", 2048, 0.995, 1.0, index, 1, 1))
        picture, mask = figure_image(index)
        candidate = library.add_candidate(job.id, 0, picture)
        if cut_out:
            library.add_cutout(candidate.id, mask, CutoutMethod.UNET, 0.9)
        ids.append(candidate.id)
    return ids


@pytest.fixture
def panel(qtbot, library):
    from studio.ui.pack import PackPanel

    widget = PackPanel(library)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    yield widget
    widget.shutdown()
