"""Drawing a sticker: trim, fit into 512 px, pad, white outline, drop shadow.

One public function, `render_sticker`, used by the export and by the mask editor's live preview,
so what the user sees is what the pack gets. Everything runs on premultiplied float32 arrays with
OpenCV, a few milliseconds for a 512 px sticker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from studio.errors import StudioError
from studio.pack.imageload import to_rgba
from studio.pack.rules import TELEGRAM_RULES
from studio.pack.spec import RenderOptions

STICKER_SIDE = TELEGRAM_RULES["sticker"]["side_px"]


class EmptySticker(StudioError):
    """The picture has no visible pixel left to make a sticker of."""


@dataclass(frozen=True)
class _Margins:
    """Room around the figure for the outline and the shadow, in output pixels."""

    left: int
    top: int
    right: int
    bottom: int


def _as_rgba_array(image: Image.Image | np.ndarray) -> np.ndarray:
    if isinstance(image, np.ndarray):
        if image.ndim != 3 or image.shape[2] != 4 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 4) uint8 array, got {image.shape} {image.dtype}")
        return image
    return np.asarray(to_rgba(image))


def content_box(alpha: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1), exclusive ends, of the pixels with any opacity; None if none."""
    cols = np.flatnonzero(alpha.any(axis=0))
    if cols.size == 0:
        return None
    rows = np.flatnonzero(alpha.any(axis=1))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _margins(outline: float, shadow: bool, scale: float) -> _Margins:
    rule = TELEGRAM_RULES["render"]
    edge = math.ceil(outline)
    if not shadow:
        return _Margins(edge, edge, edge, edge)
    dx, dy = (v * scale for v in rule["shadow_offset_px"])
    # Beyond 3 sigma the shadow's opacity rounds to zero in 8 bits.
    reach = 3.0 * rule["shadow_blur_px"] * scale
    return _Margins(
        left=edge + math.ceil(max(0.0, reach - dx)),
        top=edge + math.ceil(max(0.0, reach - dy)),
        right=edge + math.ceil(reach + dx),
        bottom=edge + math.ceil(reach + dy),
    )


def _premultiplied(rgba: np.ndarray) -> np.ndarray:
    out = rgba.astype(np.float32) * (1.0 / 255.0)
    out[..., :3] *= out[..., 3:4]
    return out  # (H, W, 4) float32, colour already multiplied by alpha


def _over(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Porter-Duff 'over' on premultiplied (H, W, 4) arrays."""
    return top + bottom * (1.0 - top[..., 3:4])


def _layer(color: tuple[int, int, int] | tuple, alpha: np.ndarray) -> np.ndarray:
    """A flat-colour premultiplied layer with the given (H, W) alpha."""
    rgb = np.asarray(color, dtype=np.float32) / 255.0
    return np.concatenate([alpha[..., None] * rgb, alpha[..., None]], axis=2)


def _fit(figure: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale an (h, w, 4) uint8 RGBA figure to (height, width), premultiplied float32 out.

    Colour is always resampled premultiplied, so the (arbitrary) colour of transparent pixels
    never bleeds into the edge as a dark or coloured fringe.
    """
    src_h, src_w = figure.shape[:2]
    if width < src_w or height < src_h:
        # Shrinking: Pillow resamples RGBA premultiplied in 8 bits, so a huge picture never
        # becomes a float array several times its size.
        small = Image.fromarray(figure, "RGBA").resize(
            (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
        return _premultiplied(np.asarray(small))
    # Enlarging (generator output is 256 px): cubic in float keeps the art crisp.
    prem = cv2.resize(_premultiplied(figure), (width, height), interpolation=cv2.INTER_CUBIC)
    alpha = np.clip(prem[..., 3:4], 0.0, 1.0)
    # Cubic overshoot could leave colour brighter than its alpha allows.
    rgb = np.clip(prem[..., :3], 0.0, alpha)
    return np.concatenate([rgb, alpha], axis=2)


def _outline_alpha(alpha: np.ndarray, width: float) -> np.ndarray:
    """A smooth stroke `width` px wide around the figure, from a Euclidean distance transform."""
    outside = (alpha < 0.5).astype(np.uint8)
    # Distance from each outside pixel's centre to the nearest figure pixel's centre; the
    # figure's edge lies half a pixel out, so a pixel is covered by `width + 1 - distance`.
    distance = cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    stroke = np.clip(width + 1.0 - distance, 0.0, 1.0)
    # Under the figure's own soft edge the stroke is solid, so no dark fringe shows through.
    return np.maximum(stroke, alpha)


def _shadow_alpha(alpha: np.ndarray, scale: float) -> np.ndarray:
    rule = TELEGRAM_RULES["render"]
    blurred = cv2.GaussianBlur(alpha, (0, 0), sigmaX=rule["shadow_blur_px"] * scale)
    dx, dy = (round(v * scale) for v in rule["shadow_offset_px"])
    height, width = alpha.shape
    shifted = np.zeros_like(blurred)
    shifted[dy:, dx:] = blurred[: height - dy, : width - dx]
    return shifted * np.float32(rule["shadow_opacity"])


def render_sticker(
    image: Image.Image | np.ndarray,
    options: RenderOptions | None = None,
    *,
    size: int = STICKER_SIDE,
) -> Image.Image:
    """Draw `image` (any PIL mode, or an (H, W, 4) uint8 array) as an RGBA sticker.

    The transparent margins are trimmed, the figure is scaled to fit `size` x `size` keeping its
    aspect ratio, with `options.padding_px` of empty border and room for the outline and shadow;
    the result is exactly `size` px on its long side and at most `size` on the other. Option
    sizes are in pixels of a 512 px sticker and scale with `size` (a smaller editor preview looks
    the same). Raises `EmptySticker` when no pixel of the image is visible.
    """
    options = options or RenderOptions()
    rgba = _as_rgba_array(image)
    box = content_box(rgba[..., 3])
    if box is None:
        raise EmptySticker("the picture is fully transparent; nothing is left to make a sticker of")
    x0, y0, x1, y1 = box
    figure = rgba[y0:y1, x0:x1]  # (h, w, 4) uint8, a view: no copy of a big picture

    scale = size / STICKER_SIDE
    padding = round(options.padding_px * scale)
    outline = options.outline_px * scale
    margins = _margins(outline, options.shadow, scale)
    room_w = size - 2 * padding - margins.left - margins.right
    room_h = size - 2 * padding - margins.top - margins.bottom
    if room_w < 1 or room_h < 1:
        raise EmptySticker("the padding, outline and shadow leave no room for the picture")
    fig_h, fig_w = figure.shape[:2]
    fit = min(room_w / fig_w, room_h / fig_h)
    # The limiting side lands exactly on the room; the other never exceeds it.
    width = min(room_w, max(1, round(fig_w * fit)))
    height = min(room_h, max(1, round(fig_h * fit)))
    figure = _fit(figure, width, height)  # (height, width, 4) premultiplied float32

    canvas_w = width + 2 * padding + margins.left + margins.right
    canvas_h = height + 2 * padding + margins.top + margins.bottom
    canvas = np.zeros((canvas_h, canvas_w, 4), np.float32)
    left, top = padding + margins.left, padding + margins.top
    canvas[top : top + height, left : left + width] = figure

    rule = TELEGRAM_RULES["render"]
    if outline > 0:
        stroke = _outline_alpha(canvas[..., 3], outline)
        canvas = _over(canvas, _layer(rule["outline_color"], stroke))
    if options.shadow:
        shadow = _shadow_alpha(canvas[..., 3], scale)
        # The padding stays empty whatever the blur's tail does.
        shadow[:padding], shadow[canvas_h - padding :] = 0.0, 0.0
        shadow[:, :padding], shadow[:, canvas_w - padding :] = 0.0, 0.0
        canvas = _over(canvas, _layer(rule["shadow_color"], shadow))
    return Image.fromarray(_straight_uint8(canvas), "RGBA")


def _straight_uint8(prem: np.ndarray) -> np.ndarray:
    """Premultiplied float (H, W, 4) back to straight-alpha uint8 RGBA."""
    alpha = prem[..., 3:4]
    rgb = np.divide(prem[..., :3], alpha, out=np.zeros_like(prem[..., :3]), where=alpha > 1e-6)
    out = np.concatenate([np.clip(rgb, 0.0, 1.0), np.clip(alpha, 0.0, 1.0)], axis=2)
    return (out * 255.0 + 0.5).astype(np.uint8)


def render_thumbnail(sticker: Image.Image) -> Image.Image:
    """The set thumbnail: `sticker` scaled into an exactly 100x100 transparent square."""
    rule = TELEGRAM_RULES["thumbnail"]
    box_w, box_h = rule["width_px"], rule["height_px"]
    sticker = to_rgba(sticker)
    fit = min(box_w / sticker.width, box_h / sticker.height)
    width = max(1, min(box_w, round(sticker.width * fit)))
    height = max(1, min(box_h, round(sticker.height * fit)))
    # Pillow resamples RGBA premultiplied, so transparent pixels do not bleed colour.
    small = sticker.resize((width, height), Image.Resampling.LANCZOS)
    thumbnail = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
    thumbnail.paste(small, ((box_w - width) // 2, (box_h - height) // 2))
    return thumbnail
