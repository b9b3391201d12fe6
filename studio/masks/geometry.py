"""Boxes (dirty rectangles) and the checks every mask operation makes on its input.

A mask is a numpy `uint8` array of shape (H, W): 0 is transparent, 255 opaque, values between
are the soft (anti-aliased) edge. Operations keep that softness; none of them binarises the
whole mask unless asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.masks.errors import MaskError

#: Above this a pixel counts as "inside" when a hard decision is needed (contours, islands).
DEFAULT_THRESHOLD = 128


@dataclass(frozen=True)
class Box:
    """A half-open pixel rectangle: columns x0..x1-1, rows y0..y1-1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return max(0, self.x1 - self.x0)

    @property
    def height(self) -> int:
        return max(0, self.y1 - self.y0)

    @property
    def empty(self) -> bool:
        return self.width == 0 or self.height == 0

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def slices(self) -> tuple[slice, slice]:
        """Index a (H, W) array with `array[box.slices]`."""
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    def union(self, other: Box | None) -> Box:
        if other is None or other.empty:
            return self
        if self.empty:
            return other
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def clipped(self, width: int, height: int) -> Box:
        """This box cut to an image of the given size (possibly empty)."""
        x0, y0 = max(0, self.x0), max(0, self.y0)
        return Box(x0, y0, max(x0, min(width, self.x1)), max(y0, min(height, self.y1)))

    def grown(self, margin: int) -> Box:
        return Box(self.x0 - margin, self.y0 - margin, self.x1 + margin, self.y1 + margin)

    @staticmethod
    def of_array(shape: tuple[int, ...]) -> Box:
        """The whole of an (H, W, ...) array."""
        return Box(0, 0, int(shape[1]), int(shape[0]))


def changed_box(before: np.ndarray, after: np.ndarray, within: Box | None = None) -> Box | None:
    """The smallest box holding every pixel that differs, or None when nothing changed."""
    box = within or Box.of_array(before.shape)
    diff = before[box.slices] != after[box.slices]
    rows = np.flatnonzero(diff.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(diff.any(axis=0))
    return Box(
        box.x0 + int(cols[0]),
        box.y0 + int(rows[0]),
        box.x0 + int(cols[-1]) + 1,
        box.y0 + int(rows[-1]) + 1,
    )


def check_mask(mask: object, name: str = "mask") -> np.ndarray:
    """Return `mask` when it is a 2-D uint8 array; raise `MaskError` saying what is wrong."""
    if not isinstance(mask, np.ndarray):
        raise MaskError(f"The {name} must be a numpy array, not {type(mask).__name__}.")
    if mask.ndim != 2:
        raise MaskError(
            f"The {name} must be a single-channel (H, W) array; this one has shape {mask.shape}. "
            "Convert it to greyscale ('L') first."
        )
    if mask.dtype != np.uint8:
        raise MaskError(
            f"The {name} must hold uint8 values 0..255; this one is {mask.dtype}. "
            "Scale it to 0..255 and convert with .astype(np.uint8)."
        )
    if mask.size == 0:
        raise MaskError(f"The {name} is empty (shape {mask.shape}).")
    return mask


def check_same_size(mask: np.ndarray, image: np.ndarray, what: str = "image") -> None:
    if mask.shape[:2] != image.shape[:2]:
        raise MaskError(
            f"The {what} is {image.shape[1]}x{image.shape[0]} but the mask is "
            f"{mask.shape[1]}x{mask.shape[0]}; they must be the same size."
        )


def check_rgb(image: object) -> np.ndarray:
    """Return `image` as a (H, W, 3) uint8 array (drops alpha, expands grey)."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise MaskError("The image must be a uint8 numpy array (H, W, 3) or (H, W, 4).")
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] in (3, 4):
        return np.ascontiguousarray(image[:, :, :3])
    raise MaskError(f"The image must be RGB or RGBA; this one has shape {image.shape}.")


def point_in_mask(mask: np.ndarray, point: tuple[float, float]) -> tuple[int, int]:
    """The integer pixel (x, y) under `point`; raise `MaskError` when it lies outside."""
    x, y = int(np.floor(point[0])), int(np.floor(point[1]))
    h, w = mask.shape[:2]
    if not (0 <= x < w and 0 <= y < h):
        raise MaskError(f"The point ({point[0]:.0f}, {point[1]:.0f}) is outside the {w}x{h} image.")
    return x, y
