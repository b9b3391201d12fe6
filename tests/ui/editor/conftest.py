"""A library with one candidate picture for the editor tests, and a panel showing it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio.library import CutoutMethod

SIZE = 96


def picture() -> np.ndarray:
    """(96, 96, 3): white background, a red square and a blue disc, a white spot in the square."""
    rgb = np.full((SIZE, SIZE, 3), 250, np.uint8)
    rgb[10:40, 10:40] = (210, 40, 40)
    yy, xx = np.mgrid[:SIZE, :SIZE]
    rgb[(yy - 65) ** 2 + (xx - 65) ** 2 <= 18**2] = (40, 60, 200)
    rgb[22:28, 22:28] = (250, 250, 250)
    return rgb


def first_mask() -> np.ndarray:
    """The 'automatic' cut-out the tests start from: both shapes, the square's spot a hole."""
    rgb = picture()
    return np.where((rgb != 250).any(axis=2), 255, 0).astype(np.uint8)


@pytest.fixture
def candidate_id(library) -> int:
    imported = library.import_image(Image.fromarray(picture()), "shapes.png")
    library.add_cutout(
        imported.candidate_id, Image.fromarray(first_mask(), "L"), CutoutMethod.CONTOUR, 0.93
    )
    return imported.candidate_id


@pytest.fixture
def panel(qtbot, library, candidate_id):
    from studio.ui.editor import MaskEditorPanel

    widget = MaskEditorPanel(library)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.load(candidate_id)
    widget.canvas.setFocus()
    yield widget
    widget.shutdown()
