"""Small stand-ins for the training glyphs: two Noto glyphs and a design folder of squares."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.segment.training import synth


@pytest.fixture
def few_glyphs(monkeypatch):
    """Noto's training split cut to two glyphs, so that a run takes seconds."""
    glyphs = list(
        synth.render_font_glyphs(synth.find_noto_font(), ["\U0001f600", "\u26c4"]).values()
    )
    monkeypatch.setattr(synth, "noto_glyphs", lambda split: glyphs)
    return glyphs


def square_design(tmp_path: Path) -> Path:
    """A design folder of twelve coloured squares named as emoji: some in each split."""
    design = tmp_path / "designs" / "squares"
    design.mkdir(parents=True)
    for code in range(0x1F7E0, 0x1F7EC):
        rgba = np.zeros((40, 40, 4), np.uint8)
        rgba[5:35, 5:35] = (code % 255, 90, 200, 255)
        Image.fromarray(rgba).save(design / f"{code:x}.png")
    return design
