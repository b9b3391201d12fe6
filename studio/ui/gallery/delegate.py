"""Paints one gallery cell: the thumbnail, its triage state and its badges.

Drawn, not built from widgets, so thousands of cells cost nothing until they are on screen.
Badges: a star (top left), the triage state (coloured frame; rejected cells are dimmed), the
cut-out method and confidence (bottom left; weak masks in amber), "in pack" (top right) for
candidates in the current pack. The caption below: the perplexity of a generated picture, the
file name of an imported one.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from studio.library import Candidate, CandidateStatus, Cutout, CutoutMethod
from studio.ui.gallery.model import CandidateRole, CutoutRole, InPackRole, needs_review

KEPT = QColor("#2fa84f")
REJECTED = QColor("#d0453b")
STAR = QColor("#f2b705")
WEAK = QColor("#e08a00")
IN_PACK = QColor("#5eb5f7")  # Telegram's blue
BADGE_BG = QColor(20, 20, 20, 190)
IN_PACK_TEXT = "in pack"

_METHOD_SHORT = {
    CutoutMethod.UNET: "U-Net",
    CutoutMethod.CONTOUR: "contour",
    CutoutMethod.MANUAL: "edited",
    CutoutMethod.ALPHA: "alpha",
}


def caption(c: Candidate) -> str:
    """The text under a cell: a generated picture's perplexity (lower is better), an imported
    picture's file name (or the prompt given when it was imported)."""
    if c.job_id is None:
        return c.prompt or "imported"
    return f"{c.perplexity:.1f}" if c.perplexity is not None else ""


def cutout_badge(cutout: Cutout) -> tuple[str, bool]:
    """Badge text and whether the mask is weak (flagged for review)."""
    text = _METHOD_SHORT.get(cutout.method, cutout.method.value)
    if cutout.confidence is not None and cutout.method in (CutoutMethod.UNET, CutoutMethod.CONTOUR):
        text += f" {cutout.confidence:.0%}"
    return text, needs_review(cutout)


class CandidateDelegate(QStyledItemDelegate):
    def __init__(self, thumb_size: int = 128, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.thumb_size = thumb_size
        self.pad = 6
        self.text_h = 18

    def cell_size(self) -> QSize:
        side = self.thumb_size + 2 * self.pad
        return QSize(side, side + self.text_h)

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: ANN001, N802
        return self.cell_size()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        c: Candidate | None = index.data(CandidateRole)
        if c is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        cell = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        current = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if selected:
            painter.fillRect(cell, palette.color(QPalette.ColorRole.Highlight).lighter(100))
        thumb_rect = QRect(
            cell.left() + self.pad - 2, cell.top() + self.pad - 2, self.thumb_size, self.thumb_size
        )
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if pixmap is not None and not pixmap.isNull():
            target = pixmap.rect()
            target.moveCenter(thumb_rect.center())
            painter.drawPixmap(target, pixmap)
        else:
            painter.fillRect(thumb_rect, palette.color(QPalette.ColorRole.AlternateBase))
        if c.status is CandidateStatus.REJECTED:
            painter.fillRect(thumb_rect, QColor(0, 0, 0, 140))
        self._draw_status(painter, thumb_rect, c.status)
        if c.starred:
            self._badge(painter, thumb_rect.topLeft().x() + 3, thumb_rect.top() + 3, "★", STAR)
        cutout: Cutout | None = index.data(CutoutRole)
        if cutout is not None:
            text, weak = cutout_badge(cutout)
            self._badge(
                painter,
                thumb_rect.left() + 3,
                thumb_rect.bottom() - 19,
                ("⚠ " if weak else "✂ ") + text,
                WEAK if weak else QColor("white"),
            )
        if index.data(InPackRole):
            # Top, left of the triage mark: the bottom holds the cut-out badge.
            self._badge(
                painter,
                thumb_rect.right() - 27,
                thumb_rect.top() + 5,
                IN_PACK_TEXT,
                IN_PACK,
                align_right=True,
            )
        if current:
            pen = QPen(palette.color(QPalette.ColorRole.Highlight).darker(130), 2)
            painter.setPen(pen)
            painter.drawRect(cell.adjusted(1, 1, -1, -1))
        text_rect = QRect(cell.left(), thumb_rect.bottom() + 2, cell.width(), self.text_h)
        font = QFont(option.font)
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        painter.setFont(font)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.WindowText
        painter.setPen(palette.color(role))
        label = painter.fontMetrics().elidedText(
            caption(c),
            Qt.TextElideMode.ElideMiddle,
            text_rect.width() - 4,  # keeps the suffix
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()

    def _draw_status(self, painter: QPainter, rect: QRect, status: CandidateStatus) -> None:
        if status is CandidateStatus.NEW:
            return
        color = KEPT if status is CandidateStatus.KEPT else REJECTED
        painter.setPen(QPen(color, 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(1, 1, -2, -2))
        mark = "✓" if status is CandidateStatus.KEPT else "✕"
        size = 20
        badge = QRect(rect.right() - size - 3, rect.top() + 3, size, size)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(badge)
        painter.setPen(QColor("white"))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, mark)

    def _badge(
        self,
        painter: QPainter,
        x: int,
        y: int,
        text: str,
        color: QColor,
        align_right: bool = False,
    ) -> None:
        """A small dark label at (x, y), its left edge there (or its right edge)."""
        font = QFont(painter.font())
        font.setPointSizeF(8)
        font.setBold(True)
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 8
        rect = QRect(x - width if align_right else x, y, width, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE_BG)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(color)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
