"""The library: SQLite store of jobs, candidates, cut-outs and packs, with their files. Qt-free."""

from studio.library.db import LibraryError, NewerLibraryError
from studio.library.records import (
    Candidate,
    CandidateStatus,
    Cutout,
    CutoutMethod,
    ImportedImage,
    Job,
    JobSpec,
    JobState,
    Pack,
    PackItem,
)
from studio.library.repository import Library

__all__ = [
    "Candidate",
    "CandidateStatus",
    "Cutout",
    "CutoutMethod",
    "ImportedImage",
    "Job",
    "JobSpec",
    "JobState",
    "Library",
    "LibraryError",
    "NewerLibraryError",
    "Pack",
    "PackItem",
]
