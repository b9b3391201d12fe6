"""A gallery panel over the test library, and helpers to give candidates cut-outs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio.library import CutoutMethod, Library
from studio.ui.gallery import GalleryPanel


@pytest.fixture
def gallery(library, qtbot):
    panel = GalleryPanel(library)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    yield panel
    panel.thumbnails.wait_idle()


def left_half_mask(size: int = 32) -> Image.Image:
    """A mask keeping the left half of a `size` px picture."""
    mask = np.zeros((size, size), np.uint8)
    mask[:, : size // 2] = 255
    return Image.fromarray(mask)


def cut_out_left_half(library: Library, candidate_id: int) -> None:
    library.add_cutout(candidate_id, left_half_mask(), CutoutMethod.UNET, 0.9)
