"""The side view of the current candidate: a larger preview, prompt, seed, parameters, score,
cut-out, and the actions (keep, reject, star, open in the editor, more like this)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.library import Candidate, CandidateStatus, Library
from studio.ui.details_model import describe_candidate
from studio.ui.gallery.thumbnails import load_thumbnail

PREVIEW_SIZE = 256
# The fields of `CandidateDetails` shown in the form, with their titles.
_FIELDS = {
    "score": "Perplexity",
    "seed": "Seed",
    "sampler": "Sampler",
    "job": "Job",
    "status": "Status",
    "cutout": "Cut-out",
}


class DetailsPanel(QWidget):
    status_requested = Signal(object)  # CandidateStatus
    star_requested = Signal()
    open_requested = Signal(int)
    add_to_pack_requested = Signal()
    more_like_this = Signal(int, int)  # candidate id, rows kept

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._candidate: Candidate | None = None
        # Why automatic cut-outs cannot be made here, once the cut-outs have found out.
        self._cutouts_unavailable: str | None = None
        self._build()
        self._connect()
        # As wide with a candidate as without: showing the first one never widens the window.
        self.setMinimumWidth(self.minimumSizeHint().width())
        self.show_candidate(None)

    def _build(self) -> None:
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setObjectName("preview")
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt.setObjectName("detailsPrompt")
        self.prompt.setToolTip("The prompt the model read")
        self.typed = QLabel()  # the prompt as typed, when the model read its translation
        self.typed.setWordWrap(True)
        self.typed.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.typed.setObjectName("hint")
        self.typed.setToolTip("The prompt as you typed it; the model read the Russian above")
        self.fields = {name: QLabel() for name in _FIELDS}
        form = QFormLayout()
        for name, title in _FIELDS.items():
            form.addRow(title, self.fields[name])
        for label in (*self.fields.values(), self.prompt, self.typed):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            # The texts change with the candidate (a cut-out's review note, a long prompt):
            # they wrap in the width the panel has and never widen the window.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.keep_button = QPushButton("Keep (K)")
        self.reject_button = QPushButton("Reject (X)")
        self.star_button = QPushButton("Star (S)")
        self.edit_button = QPushButton("Edit mask (Enter)")
        self.pack_button = QPushButton("Add to pack (P)")
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.pack_button)
        triage = QHBoxLayout()
        for b in (self.keep_button, self.reject_button, self.star_button):
            triage.addWidget(b)
        self.rows_spin = QSpinBox(minimum=1, maximum=31, value=8)
        self.rows_spin.setSuffix(" rows")
        self.rows_spin.setToolTip("How many top rows of this picture the new images keep")
        self.more_button = QPushButton("More like this")
        self.more_button.setToolTip(
            "Queue a job that keeps the top rows of this picture and regenerates the rest"
        )
        more = QHBoxLayout()
        more.addWidget(QLabel("Keep top"))
        more.addWidget(self.rows_spin)
        more.addWidget(self.more_button, 1)

        self.empty = QLabel("Select a candidate to see its details.")
        self.empty.setObjectName("hint")
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        body.addWidget(self.prompt)
        body.addWidget(self.typed)
        body.addLayout(form)
        body.addLayout(triage)
        body.addLayout(actions)
        body.addLayout(more)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)

    def _connect(self) -> None:
        self.keep_button.clicked.connect(lambda: self.status_requested.emit(CandidateStatus.KEPT))
        self.reject_button.clicked.connect(
            lambda: self.status_requested.emit(CandidateStatus.REJECTED)
        )
        self.star_button.clicked.connect(self.star_requested)
        self.edit_button.clicked.connect(self._open)
        self.pack_button.clicked.connect(self.add_to_pack_requested)
        self.more_button.clicked.connect(self._more)

    def set_cutouts_unavailable(self, reason: str) -> None:
        """Automatic cut-outs cannot be made here: the cut-out field says why from now on."""
        self._cutouts_unavailable = reason
        self.show_candidate(self._candidate)

    def show_candidate(self, candidate: Candidate | None) -> None:
        self._candidate = candidate
        self.empty.setVisible(candidate is None)
        self.body.setVisible(candidate is not None)
        if candidate is None:
            return
        image = load_thumbnail(str(self._library.abspath(candidate.image_path)), PREVIEW_SIZE)
        self.preview.setPixmap(QPixmap.fromImage(image))
        details = describe_candidate(self._library, candidate, self._cutouts_unavailable)
        self.prompt.setText(details.prompt)
        self.typed.setText(details.typed)
        self.typed.setVisible(bool(details.typed))
        for name in _FIELDS:
            self.fields[name].setText(getattr(details, name))
        self.star_button.setText(details.star_label)
        can_seed = details.seed_rows is not None
        self.more_button.setEnabled(can_seed)
        self.rows_spin.setEnabled(can_seed)
        if details.seed_rows is not None:
            self.rows_spin.setMaximum(details.seed_rows)
        else:
            self.more_button.setToolTip("Only generated candidates can seed new ones")

    def _open(self) -> None:
        if self._candidate is not None:
            self.open_requested.emit(self._candidate.id)

    def _more(self) -> None:
        if self._candidate is not None:
            self.more_like_this.emit(self._candidate.id, self.rows_spin.value())
