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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.jobs.codes import grid_rows
from studio.library import Candidate, CandidateStatus, Library, LibraryError
from studio.ui.gallery.model import needs_review
from studio.ui.gallery.thumbnails import load_thumbnail

PREVIEW_SIZE = 256


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
        #: Why automatic cut-outs cannot be made here, once the cut-out thread has found out.
        self.cutouts_unavailable: str | None = None
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
        self.fields = {
            name: QLabel()
            for name in ("score", "seed", "sampler", "job", "status", "cutout")
        }
        form = QFormLayout()
        form.addRow("Perplexity", self.fields["score"])
        form.addRow("Seed", self.fields["seed"])
        form.addRow("Sampler", self.fields["sampler"])
        form.addRow("Job", self.fields["job"])
        form.addRow("Status", self.fields["status"])
        form.addRow("Cut-out", self.fields["cutout"])
        for label in self.fields.values():
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)

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

        self.keep_button.clicked.connect(lambda: self.status_requested.emit(CandidateStatus.KEPT))
        self.reject_button.clicked.connect(
            lambda: self.status_requested.emit(CandidateStatus.REJECTED)
        )
        self.star_button.clicked.connect(self.star_requested)
        self.edit_button.clicked.connect(self._open)
        self.pack_button.clicked.connect(self.add_to_pack_requested)
        self.more_button.clicked.connect(self._more)
        self.show_candidate(None)

    def show_candidate(self, candidate: Candidate | None) -> None:
        self._candidate = candidate
        self.empty.setVisible(candidate is None)
        self.body.setVisible(candidate is not None)
        if candidate is None:
            return
        image = load_thumbnail(str(self._library.abspath(candidate.image_path)), PREVIEW_SIZE)
        self.preview.setPixmap(QPixmap.fromImage(image))
        self.prompt.setText(candidate.prompt or "")
        self.typed.setText(f"Typed: {candidate.prompt_original}" if candidate.prompt_original
                           else "")
        self.typed.setVisible(bool(candidate.prompt_original))
        f = self.fields
        f["score"].setText(
            f"{candidate.perplexity:.2f} (lower is better)"
            if candidate.perplexity is not None
            else "— (imported)"
        )
        f["seed"].setText(str(candidate.seed) if candidate.seed is not None else "—")
        job = None
        if candidate.job_id is not None:
            try:
                job = self._library.job(candidate.job_id)
            except LibraryError:
                job = None
        if job is not None:
            s = job.spec
            f["sampler"].setText(f"top-k {s.top_k} · top-p {s.top_p} · T {s.temperature}")
            source = (
                f", from candidate {s.source_candidate_id}" if s.source_candidate_id else ""
            )
            f["job"].setText(f"{job.id}, image {candidate.index + 1} of "
                             f"{s.images_requested}{source}")
        else:
            f["sampler"].setText("—")
            f["job"].setText("imported")
        f["status"].setText(candidate.status.value + (" ★" if candidate.starred else ""))
        cutout = self._library.current_cutout(candidate.id)
        if cutout is None:
            if self.cutouts_unavailable:
                f["cutout"].setText(f"none: {self.cutouts_unavailable}")
            else:
                f["cutout"].setText(
                    "being made…" if candidate.status is CandidateStatus.KEPT else "made when kept"
                )
        else:
            conf = "" if cutout.confidence is None else f", confidence {cutout.confidence:.0%}"
            weak = ""
            if needs_review(cutout):
                why = f" ({cutout.review})" if cutout.review and not cutout.edited else ""
                weak = f" — please review{why}"
            f["cutout"].setText(f"{cutout.method.value} v{cutout.version}{conf}{weak}")
        self.star_button.setText("Unstar (S)" if candidate.starred else "Star (S)")
        has_codes = candidate.codes is not None
        self.more_button.setEnabled(has_codes)
        self.rows_spin.setEnabled(has_codes)
        if has_codes:
            rows = grid_rows(candidate.codes)
            self.rows_spin.setMaximum(max(rows - 1, 1))
        else:
            self.more_button.setToolTip("Only generated candidates can seed new ones")

    def _open(self) -> None:
        if self._candidate is not None:
            self.open_requested.emit(self._candidate.id)

    def _more(self) -> None:
        if self._candidate is not None:
            self.more_like_this.emit(self._candidate.id, self.rows_spin.value())
