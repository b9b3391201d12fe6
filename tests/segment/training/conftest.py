"""Small stand-ins: two Noto glyphs, a design folder of squares, small exported networks."""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from studio.segment.tinyunet import TinyUNet
from studio.segment.training import synth, train

SMALL = (4, 6, 8, 8, 8, 8)


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
    return _squares(tmp_path, range(0x1F7E0, 0x1F7EC))


def held_out_squares(tmp_path: Path) -> Path:
    """A design folder of three coloured squares named as emoji of the held-out split."""
    codes = [code for code in range(0x1F300, 0x1F600) if synth.is_held_out(chr(code))][:3]
    return _squares(tmp_path, codes)


def _squares(tmp_path: Path, codes) -> Path:
    """A design folder "squares" of one coloured square per emoji code point in `codes`."""
    design = tmp_path / "designs" / "squares"
    design.mkdir(parents=True)
    for code in codes:
        rgba = np.zeros((40, 40, 4), np.uint8)
        rgba[5:35, 5:35] = (code % 255, 90, 200, 255)
        Image.fromarray(rgba).save(design / f"{code:x}.png")
    return design


def exported_network(path: Path, seed: int, widths=SMALL, meta: dict | None = None) -> Path:
    """A small random 5-input network exported to `path` as `train` exports one (fed at 64 and
    96 px), with BatchNorm statistics of its own, as a fine-tune would have."""
    torch.manual_seed(seed)
    model = TinyUNet(in_channels=5, widths=widths)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
            module.num_batches_tracked.fill_(seed)
    header = {"widths": list(widths), "input_sizes": [64, 96], "threshold": 0.8, **(meta or {})}
    train.export_weights(model.eval(), path, header)
    return path
