"""Golden masks for the mask tests: small PNGs compared with a tolerance, and ASCII masks.

Regenerate the PNGs (after a deliberate change, then look at them) with:
    STUDIO_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/masks -q
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

GOLDEN_DIR = Path(__file__).parent / "golden"


def ascii_mask(text: str) -> np.ndarray:
    """'#' is 255, '.' is 0, digits 1-9 are that many tenths of 255 (soft pixels)."""
    rows = [line.strip() for line in text.strip().splitlines()]
    table = {"#": 255, ".": 0, **{str(d): round(d * 25.5) for d in range(1, 10)}}
    return np.array([[table[c] for c in row] for row in rows], dtype=np.uint8)


def to_ascii(mask: np.ndarray) -> str:
    """The inverse of `ascii_mask` for masks of 0 / 255 (for readable failure messages)."""
    return "\n".join("".join("#" if v >= 128 else "." for v in row) for row in mask)


def assert_golden(name: str, mask: np.ndarray, max_abs: int = 2, max_fraction: float = 0.01):
    """Compare with tests/masks/golden/<name>.png: at most `max_fraction` of the pixels may differ
    at all, and none by more than `max_abs` (OpenCV's anti-aliasing may move by a level)."""
    path = GOLDEN_DIR / f"{name}.png"
    if os.environ.get("STUDIO_UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        Image.fromarray(mask, "L").save(path, optimize=True)
    assert path.exists(), f"no golden {path.name}; run with STUDIO_UPDATE_GOLDEN=1 to create it"
    expected = np.asarray(Image.open(path).convert("L"))
    assert expected.shape == mask.shape, f"{name}: shape {mask.shape} != golden {expected.shape}"
    diff = np.abs(expected.astype(np.int16) - mask.astype(np.int16))
    assert diff.max() <= max_abs, f"{name}: a pixel differs by {diff.max()}"
    assert (diff > 0).mean() <= max_fraction, f"{name}: {(diff > 0).mean():.2%} of pixels differ"
