"""Image codes as the library stores them: little-endian uint16 (the VQGAN has 8192 codes)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def codes_to_bytes(codes: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(codes).astype("<u2").tobytes()


def codes_from_bytes(data: bytes) -> np.ndarray:
    """(image_tokens,) int64 codes."""
    import numpy as np

    return np.frombuffer(data, dtype="<u2").astype(np.int64)


def grid_rows(data: bytes) -> int:
    """Rows of the square code grid (32 for Emojich's 1024 tokens)."""
    return math.isqrt(len(data) // 2)
