"""Training pictures for the style dialog's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from style_pictures import draw_pictures


@pytest.fixture
def pictures(tmp_path) -> list[Path]:
    return draw_pictures(tmp_path / "pictures", 20)
