"""What the Details panel says about a candidate, worked out without widgets (so it is tested
without them): the texts of each field, the star button's label, and whether the candidate can
seed "More like this"."""

from __future__ import annotations

from dataclasses import dataclass

from studio.jobs.codes import grid_rows
from studio.library import Candidate, CandidateStatus, Library, LibraryError
from studio.ui.gallery.model import needs_review


@dataclass(frozen=True)
class CandidateDetails:
    prompt: str
    typed: str  # "Typed: …" when the model read a translation, else ""
    score: str
    seed: str
    sampler: str
    job: str
    status: str
    cutout: str
    star_label: str
    seed_rows: int | None  # the most top rows "More like this" may keep; None: cannot seed


def describe_candidate(
    library: Library, candidate: Candidate, cutouts_unavailable: str | None = None
) -> CandidateDetails:
    """The Details panel's texts for `candidate`; `cutouts_unavailable` says why automatic
    cut-outs cannot be made here, once the cut-outs have found out."""
    job = None
    if candidate.job_id is not None:
        try:
            job = library.job(candidate.job_id)
        except LibraryError:  # a damaged job row: the candidate still shows
            job = None
    if job is not None:
        s = job.spec
        sampler = f"top-k {s.top_k} · top-p {s.top_p} · T {s.temperature}"
        source = f", from candidate {s.source_candidate_id}" if s.source_candidate_id else ""
        job_text = f"{job.id}, image {candidate.index + 1} of {s.images_requested}{source}"
    else:
        sampler, job_text = "—", "imported"
    seed_rows = None
    if candidate.codes is not None:
        seed_rows = max(grid_rows(candidate.codes) - 1, 1)
    return CandidateDetails(
        prompt=candidate.prompt or "",
        typed=f"Typed: {candidate.prompt_original}" if candidate.prompt_original else "",
        score=(
            f"{candidate.perplexity:.2f} (lower is better)"
            if candidate.perplexity is not None
            else "— (imported)"
        ),
        seed=str(candidate.seed) if candidate.seed is not None else "—",
        sampler=sampler,
        job=job_text,
        status=candidate.status.value + (" ★" if candidate.starred else ""),
        cutout=_cutout_text(library, candidate, cutouts_unavailable),
        star_label="Unstar (S)" if candidate.starred else "Star (S)",
        seed_rows=seed_rows,
    )


def _cutout_text(library: Library, candidate: Candidate, unavailable: str | None) -> str:
    cutout = library.current_cutout(candidate.id)
    if cutout is None:
        if unavailable:
            return f"none: {unavailable}"
        return "being made…" if candidate.status is CandidateStatus.KEPT else "made when kept"
    conf = "" if cutout.confidence is None else f", confidence {cutout.confidence:.0%}"
    weak = ""
    if needs_review(cutout):
        why = f" ({cutout.review})" if cutout.review and not cutout.edited else ""
        weak = f" — please review{why}"
    return f"{cutout.method.value} v{cutout.version}{conf}{weak}"
