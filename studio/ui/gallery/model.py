"""`GalleryModel`: the candidates of the library as a Qt list model, filtered and sorted.

It holds plain `Candidate` records (a few hundred bytes each, so thousands are cheap); pictures
come lazily from the `ThumbnailCache`. New batches are inserted in place (the current sort order
is kept, the selection and scroll position survive), instead of reloading everything.
The pictures are the white originals or the cut-outs on a background (`set_backdrop`); a
candidate not cut out yet shows its original until its cut-out is stored.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPixmap

from studio.library import Candidate, CandidateStatus, Cutout, Job, Library, LibraryError
from studio.library.repository import CandidateSort
from studio.ui.gallery.pictures import Backdrop, PictureRequest
from studio.ui.gallery.thumbnails import ThumbnailCache

CandidateRole = Qt.ItemDataRole.UserRole + 1
CutoutRole = Qt.ItemDataRole.UserRole + 2
JobRole = Qt.ItemDataRole.UserRole + 3
InPackRole = Qt.ItemDataRole.UserRole + 4  # bool: in the pack the Pack tab shows

# Below this U-Net confidence a cut-out is flagged for review.
WEAK_CUTOUT = 0.6


def needs_review(cutout: Cutout | None) -> bool:
    """A made cut-out whose confidence is low, or that the segmenter flagged (specks removed
    after the network); an edited or alpha mask never needs review."""
    if cutout is None or cutout.edited:
        return False
    weak = cutout.confidence is not None and cutout.confidence < WEAK_CUTOUT
    return weak or cutout.review is not None


# Short, so the sort box shows its whole choice beside the filters on a laptop screen;
# the tooltips say it in full.
SORT_LABELS: dict[str, str] = {
    "perplexity": "Best first",
    "time": "Newest first",
    "prompt": "By prompt",
}
SORT_TOOLTIPS: dict[str, str] = {
    "perplexity": "Best first: lowest perplexity (the model's surest pictures) first",
    "time": "Newest first: the most recently made or imported first",
    "prompt": "By prompt: prompts in alphabetical order",
}


@dataclass(frozen=True)
class GalleryQuery:
    """What the gallery shows: the library's candidate query, as the toolbar sets it."""

    sort: CandidateSort = "perplexity"
    prompt_contains: str = ""
    job_id: int | None = None
    status: CandidateStatus | None = None
    starred_only: bool = False
    review_only: bool = False  # only candidates whose cut-out needs a look

    def matches(self, c: Candidate) -> bool:
        if self.job_id is not None and c.job_id != self.job_id:
            return False
        if self.status is not None and c.status is not self.status:
            return False
        if self.starred_only and not c.starred:
            return False
        if self.prompt_contains:
            wanted = self.prompt_contains.casefold()
            # Either text finds it: what the model read, or what the user typed.
            return any(wanted in (text or "").casefold() for text in (c.prompt, c.prompt_original))
        return True

    def sort_key(self, c: Candidate) -> tuple:
        """The library's ORDER BY, in Python, to insert new candidates in place."""
        ppl = (c.perplexity is None, c.perplexity if c.perplexity is not None else 0.0)
        if self.sort == "time":
            return (-c.created_at, -c.id)
        if self.sort == "prompt":
            return ((c.prompt or "").casefold(), *ppl, c.id)
        return (*ppl, c.id)


def describe_candidate(c: Candidate, job: Job | None, cutout: Cutout | None) -> str:
    """The tooltip: prompt, seed, parameters, score."""
    lines = [c.prompt or "(no prompt)"]
    if c.prompt_original:
        lines.append(f"typed: {c.prompt_original}")
    if c.perplexity is not None:
        lines.append(f"perplexity {c.perplexity:.2f} (lower is better)")
    if job is not None:
        s = job.spec
        lines.append(f"seed {c.seed}  ·  top-k {s.top_k}  ·  top-p {s.top_p}  ·  T {s.temperature}")
        lines.append(f"job {job.id}, image {c.index + 1} of {s.images_requested}")
    else:
        lines.append("imported image")
    status = c.status.value + (", starred" if c.starred else "")
    lines.append(f"status: {status}")
    if cutout is not None:
        conf = f" {cutout.confidence:.0%}" if cutout.confidence is not None else ""
        lines.append(f"cut-out: {cutout.method.value}{conf}")
    return "\n".join(lines)


class GalleryModel(QAbstractListModel):
    def __init__(
        self, library: Library, thumbnails: ThumbnailCache, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._thumbs = thumbnails
        self._query = GalleryQuery()
        self._rows: list[Candidate] = []
        self._keys: list[tuple] = []
        self._row_of: dict[int, int] | None = None
        self._cutouts: dict[int, Cutout] = {}
        self._jobs: dict[int, Job] = {}
        self._backdrop = Backdrop.ORIGINAL
        self._in_pack: frozenset[int] = frozenset()
        thumbnails.ready.connect(self._on_thumbnail)

    # -- queries --------------------------------------------------------------------------------

    @property
    def query(self) -> GalleryQuery:
        return self._query

    def set_query(self, query: GalleryQuery) -> None:
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Read the library again with the current query."""
        q = self._query
        self.beginResetModel()
        self._rows = self._library.candidates(
            job_id=q.job_id,
            statuses=[q.status] if q.status is not None else None,
            prompt_contains=q.prompt_contains or None,
            starred=True if q.starred_only else None,
            sort=q.sort,
        )
        self._cutouts = self._library.current_cutouts()
        if q.review_only:
            self._rows = [c for c in self._rows if needs_review(self._cutouts.get(c.id))]
        self._keys = [q.sort_key(c) for c in self._rows]
        self._row_of = None
        self._jobs = {j.id: j for j in self._library.jobs()}
        self.endResetModel()

    def add_candidates(self, candidate_ids: Iterable[int]) -> int:
        """Insert newly stored candidates where the sort order puts them; returns how many
        passed the filter."""
        added = 0
        for cid in candidate_ids:
            if self.row_of(cid) is not None:
                continue
            try:
                c = self._library.candidate(cid)
            except LibraryError:
                continue  # deleted meanwhile
            if c.job_id is not None and c.job_id not in self._jobs:
                self._jobs[c.job_id] = self._library.job(c.job_id)
            if not self._query.matches(c) or self._query.review_only:
                continue  # (a new candidate has no cut-out to review yet)
            key = self._query.sort_key(c)
            row = bisect.bisect_right(self._keys, key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, c)
            self._keys.insert(row, key)
            self._row_of = None
            self.endInsertRows()
            added += 1
        return added

    def candidate(self, row: int) -> Candidate:
        return self._rows[row]

    def candidates(self) -> Sequence[Candidate]:
        return tuple(self._rows)

    def job(self, job_id: int | None) -> Job | None:
        if job_id is None:
            return None
        if job_id not in self._jobs:
            try:
                self._jobs[job_id] = self._library.job(job_id)
            except LibraryError:
                return None
        return self._jobs[job_id]

    def cutout(self, candidate_id: int) -> Cutout | None:
        return self._cutouts.get(candidate_id)

    def row_of(self, candidate_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {c.id: i for i, c in enumerate(self._rows)}
        return self._row_of.get(candidate_id)

    # -- triage ---------------------------------------------------------------------------------

    def set_status(self, rows: Sequence[int], status: CandidateStatus) -> list[int]:
        """Keep or reject; written to the library at once. Returns the candidate ids."""
        ids = [self._rows[r].id for r in rows]
        self._library.set_status(ids, status)
        for r in rows:
            self._replace(r, status=status)
        return ids

    def toggle_star(self, rows: Sequence[int]) -> bool:
        """Star the rows, or unstar them when all are starred already; returns the new state."""
        starred = not all(self._rows[r].starred for r in rows)
        self._library.set_starred([self._rows[r].id for r in rows], starred)
        for r in rows:
            self._replace(r, starred=starred)
        return starred

    def refresh_cutout(self, candidate_id: int) -> None:
        cutout = self._library.current_cutout(candidate_id)
        if cutout is not None:
            self._cutouts[candidate_id] = cutout
        row = self.row_of(candidate_id)
        if row is not None:
            index = self.index(row)
            roles = [CutoutRole, Qt.ItemDataRole.ToolTipRole]
            if self._backdrop is not Backdrop.ORIGINAL:
                roles.append(Qt.ItemDataRole.DecorationRole)  # the cut-out replaces the original
            self.dataChanged.emit(index, index, roles)

    # -- what the cells show --------------------------------------------------------------------

    @property
    def backdrop(self) -> Backdrop:
        return self._backdrop

    def set_backdrop(self, backdrop: Backdrop) -> None:
        """Show the originals, or the cut-outs on a background; the cells on screen re-render."""
        if backdrop is self._backdrop:
            return
        self._backdrop = backdrop
        if self._rows:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._rows) - 1), [Qt.ItemDataRole.DecorationRole]
            )

    def set_pack_members(self, candidate_ids: Iterable[int]) -> None:
        """The candidates in the current pack (they get the "in pack" badge)."""
        members = frozenset(candidate_ids)
        changed = members ^ self._in_pack
        self._in_pack = members
        for cid in changed:
            row = self.row_of(cid)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index, [InPackRole])

    def in_pack(self, candidate_id: int) -> bool:
        return candidate_id in self._in_pack

    def picture_request(self, c: Candidate, size: int) -> PictureRequest:
        """What shows `c` at `size` px: its cut-out on the backdrop when it has one, else the
        original."""
        background = self._backdrop.background
        cutout = self._cutouts.get(c.id) if background is not None else None
        mask = str(self._library.abspath(cutout.mask_path)) if cutout is not None else None
        return PictureRequest(
            c.id,
            str(self._library.abspath(c.image_path)),
            mask,
            background if mask is not None else None,
            size,
        )

    def picture(self, row: int, size: int) -> QPixmap | None:
        """The row's picture at `size` px, or None while it renders (`ready` follows). While a
        cut-out renders, the original shows if it is at hand, so switching is never blank."""
        request = self.picture_request(self._rows[row], size)
        pixmap = self._thumbs.get(request)
        if pixmap is None and request.mask_path is not None:
            pixmap = self._thumbs.cached(replace(request, mask_path=None, background=None))
        return pixmap

    def _replace(self, row: int, **changes: Any) -> None:
        self._rows[row] = replace(self._rows[row], **changes)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    # -- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: E501
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return c.prompt or ""
        if role == Qt.ItemDataRole.DecorationRole:
            return self.picture(index.row(), self._thumbs.size)
        if role == CandidateRole:
            return c
        if role == CutoutRole:
            return self._cutouts.get(c.id)
        if role == JobRole:
            return self.job(c.job_id)
        if role == InPackRole:
            return c.id in self._in_pack
        if role == Qt.ItemDataRole.ToolTipRole:
            return describe_candidate(c, self.job(c.job_id), self._cutouts.get(c.id))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{c.prompt or ''}, {c.status.value}"
        return None

    def _on_thumbnail(self, candidate_id: int) -> None:
        row = self.row_of(candidate_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
