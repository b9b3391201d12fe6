"""The triage keys as typed actions: the grid and the large viewer read keys with the same
`triage_action`, and the panel carries any action out in one place (`GalleryPanel.triage`)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from studio.library import CandidateStatus


@dataclass(frozen=True)
class SetStatus:
    status: CandidateStatus


@dataclass(frozen=True)
class ToggleStar:
    pass


@dataclass(frozen=True)
class AddToPack:
    pass


@dataclass(frozen=True)
class OpenEditor:
    pass


TriageAction = SetStatus | ToggleStar | AddToPack | OpenEditor

_PLAIN_KEYS: dict[int, TriageAction] = {
    Qt.Key.Key_K: SetStatus(CandidateStatus.KEPT),
    Qt.Key.Key_X: SetStatus(CandidateStatus.REJECTED),
    Qt.Key.Key_U: SetStatus(CandidateStatus.NEW),
    Qt.Key.Key_S: ToggleStar(),
    Qt.Key.Key_P: AddToPack(),
}

#: The context menu's entries: label with its key, and the action.
MENU_ENTRIES: tuple[tuple[str, TriageAction], ...] = (
    ("Keep\tK", SetStatus(CandidateStatus.KEPT)),
    ("Reject\tX", SetStatus(CandidateStatus.REJECTED)),
    ("Undecided\tU", SetStatus(CandidateStatus.NEW)),
    ("Star / unstar\tS", ToggleStar()),
    ("Add to pack\tP", AddToPack()),
    ("Edit mask\tEnter", OpenEditor()),
)


def triage_action(key: int, modifiers: Qt.KeyboardModifier) -> TriageAction | None:
    """The action a key press asks for, or None when the key is not a triage key. The letters
    count only without Ctrl or Alt (those belong to the window's shortcuts)."""
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return OpenEditor()
    if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return None
    return _PLAIN_KEYS.get(key)
