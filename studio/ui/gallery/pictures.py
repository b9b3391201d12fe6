"""What a gallery cell (or the large viewer) shows of a candidate: its original picture, or its
cut-out on a checkerboard or a chat background.

`render_picture` runs on the thumbnail pool's threads: it reads, cuts out, scales and composes
with `QImage` and `QPainter` on images only (both thread-safe), never with pixmaps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QImageReader, QPainter

from studio.ui.backdrops import Background, fill_background


class Backdrop(enum.StrEnum):
    """The gallery's choice: the white original, or the cut-out on one of the backgrounds."""

    ORIGINAL = "original"
    CHECKERBOARD = "checkerboard"
    LIGHT_CHAT = "light"
    DARK_CHAT = "dark"

    @property
    def background(self) -> Background | None:
        """The background a cut-out is shown on; None for the original picture."""
        return None if self is Backdrop.ORIGINAL else Background(self.value)

    def next(self) -> Backdrop:
        """The following choice, round to the first (what the shortcut steps through)."""
        members = list(Backdrop)
        return members[(members.index(self) + 1) % len(members)]


BACKDROP_TITLES = {
    Backdrop.ORIGINAL: "Original pictures",
    Backdrop.CHECKERBOARD: "Cut-outs on a checkerboard",
    Backdrop.LIGHT_CHAT: "Cut-outs on a light chat",
    Backdrop.DARK_CHAT: "Cut-outs on a dark chat",
}


@dataclass(frozen=True)
class PictureRequest:
    """One picture to render: the candidate's image, its mask when a cut-out is shown (None:
    the original), at most `size` px on a side."""

    candidate_id: int
    image_path: str
    mask_path: str | None
    background: Background | None
    size: int

    @property
    def key(self) -> tuple:
        """What the cache keys on: a new cut-out version has a new mask file, so a finished
        cut-out replaces the original without anyone invalidating anything."""
        return (self.candidate_id, self.mask_path, self.background, self.size)


def _scaled(image: QImage, size: int) -> QImage:
    return image.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def cut_out(image: QImage, mask: QImage) -> QImage:
    """The picture with the mask as its alpha channel (premultiplied ARGB32)."""
    rgba = image.convertToFormat(QImage.Format.Format_ARGB32)
    alpha = mask.convertToFormat(QImage.Format.Format_Grayscale8)
    if alpha.size() != rgba.size():
        alpha = alpha.scaled(
            rgba.size(),
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    rgba.setAlphaChannel(alpha)
    return rgba.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def render_picture(request: PictureRequest) -> QImage:
    """The picture as `request` asks, or a null image when the picture cannot be read. A mask
    that cannot be read shows the original (the cell still shows something true)."""
    image = QImageReader(request.image_path).read()
    if image.isNull():
        return image
    if request.mask_path is None or request.background is None:
        return _scaled(image, request.size)
    mask = QImageReader(request.mask_path).read()
    if mask.isNull():
        return _scaled(image, request.size)
    sticker = _scaled(cut_out(image, mask), request.size)
    # A square tile, so every cell of the grid shows the same background area.
    tile = QImage(request.size, request.size, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(tile)
    fill_background(painter, tile.rect(), request.background)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    corner = QPoint((request.size - sticker.width()) // 2, (request.size - sticker.height()) // 2)
    painter.drawImage(corner, sticker)
    painter.end()
    return tile
