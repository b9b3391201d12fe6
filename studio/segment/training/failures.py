"""Each failed test picture (IoU below 0.9) drawn for a person to look at, and listed.

    python -m studio.segment.training.evaluate --count 300 --seed S --ours-only --failures DIR

writes, for our model's failures:

- `DIR/<style>/<picture>.png`, a sheet of four tiles: the picture; the true cut-out and ours on
  a checkerboard; and the picture greyed, with each wrong pixel coloured by its kind of error
  (`evaluate.ERROR_KINDS`), under a caption naming the emoji, the paper, the IoU and the steps
  that flagged the cut-out;
- `DIR/failures.csv`, one row per failure: the style, the picture's index in its test set, the
  emoji drawn into it, the kind of paper, the IoU, the kind of error with the most pixels, and
  the steps that flagged it for review.

The pictures themselves are not kept: a test set's seed and the index draw them again. A
summary table of the same failures is `evaluate.failure_table`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from studio.fileio import atomic_save_image, atomic_write_text
from studio.segment.training.evaluate import (
    FAILURE_IOU,
    Cut,
    TestSet,
    error_masks,
    main_error,
)

LIST_NAME = "failures.csv"
COLUMNS = ("style", "picture", "emoji", "paper", "iou", "main error", "flagged by", "sheet")
# One colour per kind of error on the error tile, told apart at a glance: paper the cut-out
# keeps in warm colours, figure it drops in cool ones, the outline in grey.
ERROR_COLOURS = {
    "edge": (150, 150, 150),
    "shadow kept": (170, 60, 200),
    "enclosed paper": (230, 30, 30),
    "open paper": (255, 150, 0),
    "white enclosed": (30, 60, 230),
    "white open": (0, 190, 230),
    "other missed": (20, 170, 60),
}
CHECKER = 16  # the checkerboard's squares, in picture pixels
CAPTION_LINE = 16  # the caption's line height, in pixels


def on_checkerboard(image: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(H,W,3) uint8: `image` over a light grey checkerboard with opacity `alpha` (H,W) in
    [0, 1], the way an editor shows transparency."""
    ys, xs = np.indices(alpha.shape)
    board = np.where(((ys // CHECKER + xs // CHECKER) % 2)[..., None] == 0, 255.0, 204.0)
    a = alpha[..., None].astype(np.float32)
    return (image * a + board * (1 - a) + 0.5).astype(np.uint8)


def error_tile(image: np.ndarray, masks: dict[str, np.ndarray]) -> np.ndarray:
    """(H,W,3) uint8: the picture faded to light grey, each wrong pixel in its kind's colour."""
    grey = image.astype(np.float32).mean(axis=2, keepdims=True)
    tile = np.repeat(grey * 0.35 + 160, 3, axis=2).astype(np.uint8)
    for kind, mask in masks.items():
        tile[mask] = ERROR_COLOURS[kind]
    return tile


def failure_sheet(
    image: np.ndarray,
    truth: np.ndarray,
    cut: np.ndarray,
    masks: dict[str, np.ndarray],
    caption: str,
) -> Image.Image:
    """The sheet for one picture (H,W,3) uint8 with its true alpha `truth` (H,W) float in
    [0, 1], the cut-out's alpha `cut` (H,W) uint8 and its wrong pixels by kind (`masks`,
    `evaluate.error_masks`): picture | truth over cut-out | errors, 2x2, then `caption` and the
    colours' legend."""
    tiles = [
        image,
        on_checkerboard(image, truth),
        on_checkerboard(image, cut.astype(np.float32) / 255.0),
        error_tile(image, masks),
    ]
    height, width = image.shape[:2]
    lines = caption.splitlines()
    band = CAPTION_LINE * (len(lines) + 1) + 8
    sheet = Image.new("RGB", (2 * width, 2 * height + band), (255, 255, 255))
    for i, tile in enumerate(tiles):
        sheet.paste(Image.fromarray(tile), ((i % 2) * width, (i // 2) * height))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    top = 2 * height + 4
    for line in lines:
        draw.text((6, top), line, fill=(0, 0, 0), font=font)
        top += CAPTION_LINE
    left = 6
    for kind, colour in ERROR_COLOURS.items():
        draw.rectangle((left, top + 2, left + 10, top + 12), fill=colour)
        draw.text((left + 14, top), kind, fill=(0, 0, 0), font=font)
        left += 14 + int(draw.textlength(kind, font=font)) + 14
    return sheet


@dataclass
class FailureSheets:
    """Told of each scored picture (`evaluate.evaluate`'s `on_scored`), draws `method`'s
    failures into `folder` and lists them; `write_list` writes the list when the run is done."""

    folder: Path
    method: str = "ours"
    rows: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, test_set: TestSet, index: int, method: str, cut: Cut, iou: float) -> None:
        if method != self.method or iou >= FAILURE_IOU:
            return
        picture = test_set.pictures[index]
        masks = error_masks(cut.alpha >= 128, picture.alpha, picture.image)
        main = main_error({kind: int(mask.sum()) for kind, mask in masks.items()})
        emoji = " ".join(test_set.glyphs_of(picture))
        flagged = " ".join(step.replace(" ", "-") for step in cut.flagged_by) or "not flagged"
        caption = (
            f"{test_set.name} #{index}   IoU {iou:.3f}   emoji {emoji or 'unknown'}   "
            f"paper {picture.paper}\nlargest error: {main}   flagged by: {flagged}"
        )
        sheet = failure_sheet(picture.image, picture.alpha, cut.alpha, masks, caption)
        relative = Path(folder_name(test_set.name)) / f"{index:05d}.png"
        atomic_save_image(self.folder / relative, sheet)
        self.rows.append(
            {
                "style": test_set.name,
                "picture": str(index),
                "emoji": emoji,
                "paper": picture.paper,
                "iou": f"{iou:.4f}",
                "main error": main,
                "flagged by": "; ".join(cut.flagged_by),
                "sheet": relative.as_posix(),
            }
        )

    def write_list(self) -> Path:
        """Write the list of failures (`LIST_NAME`, CSV) and return its path."""
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        path = self.folder / LIST_NAME
        atomic_write_text(path, text.getvalue())
        return path


def folder_name(style: str) -> str:
    """A test set's name as a folder name ("noto held-out" -> "noto-held-out")."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in style)
