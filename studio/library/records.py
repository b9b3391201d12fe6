"""The library's records: plain dataclasses the repository reads and writes.

Paths are relative to the data folder; `Library.abspath` turns them into real paths.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Was running when the app stopped (crash, power cut); its finished batches are kept.
    INTERRUPTED = "interrupted"


class CandidateStatus(enum.StrEnum):
    NEW = "new"
    KEPT = "kept"
    REJECTED = "rejected"


class CutoutMethod(enum.StrEnum):
    UNET = "unet"
    CONTOUR = "contour"
    MANUAL = "manual"  # drawn or fixed by hand in the mask editor
    ALPHA = "alpha"  # the image came with its own transparency


@dataclass(frozen=True)
class JobSpec:
    """What a generation job asks for; everything needed to run it again."""

    prompt: str
    model_id: str
    top_k: int
    top_p: float
    temperature: float
    seed: int
    images_requested: int
    batch_size: int
    source_candidate_id: int | None = None  # "more like this": the candidate whose rows are kept
    prompt_rows: int = 0  # how many of its top image rows are kept
    # The prompt as the user typed it when `prompt` (what the model reads) is its translation.
    prompt_original: str | None = None
    style: str | None = None  # a trained style put on the model (None: the base model)


@dataclass(frozen=True)
class Job:
    id: int
    spec: JobSpec
    state: JobState
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class Candidate:
    id: int
    job_id: int | None
    import_id: int | None
    index: int
    image_path: str
    codes: bytes | None
    perplexity: float | None
    seed: int | None
    status: CandidateStatus
    starred: bool
    created_at: float
    prompt: str | None = None  # the job's prompt, or the imported file's name
    prompt_original: str | None = None  # the job's prompt as typed, when it was translated


@dataclass(frozen=True)
class ImportedImage:
    id: int
    original_name: str
    created_at: float
    candidate_id: int


@dataclass(frozen=True)
class Cutout:
    id: int
    candidate_id: int
    version: int
    mask_path: str
    method: CutoutMethod
    confidence: float | None
    edited: bool
    created_at: float
    review: str | None = None  # why it needs a person's look (`Segmenter`), or None


@dataclass(frozen=True)
class Pack:
    id: int
    title: str
    name: str
    created_at: float
    updated_at: float
    outline_px: int = 0
    shadow: bool = False
    padding_px: int = 0
    kind: str = "stickers"  # studio.pack.PackKind's value: 'stickers' or 'emoji'
    needs_repainting: bool = False


@dataclass(frozen=True)
class PackItem:
    id: int
    pack_id: int
    candidate_id: int
    position: int
    emoji_list: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
