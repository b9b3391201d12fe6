"""`GenerationRequest`: everything one generation job needs, in one record."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from studio.errors import StudioError
from studio.library import JobSpec

# The paper's sampler settings (Emojich, arXiv 2112.02448): top-k 2048, top-p 0.995, T 1.0.
PAPER_TOP_K = 2048
PAPER_TOP_P = 0.995
PAPER_TEMPERATURE = 1.0
DEFAULT_MODEL_ID = "emojich"


class InvalidRequest(StudioError):
    """A generation request that cannot run as asked."""


@dataclass(frozen=True)
class GenerationRequest:
    """A prompt, the model, the sampler settings, how many images and how many at once.

    `source_candidate_id` and `prompt_rows` make it a "more like this" job: the top
    `prompt_rows` rows of that candidate's image codes are kept and the rest regenerated.
    `prompt` is what the model reads; `prompt_original` the text the user typed when `prompt` is
    its (possibly edited) Russian translation, None when it went as typed.
    """

    prompt: str
    model_id: str = DEFAULT_MODEL_ID
    top_k: int = PAPER_TOP_K
    top_p: float = PAPER_TOP_P
    temperature: float = PAPER_TEMPERATURE
    seed: int = 0
    n_images: int = 8
    batch_size: int = 4
    source_candidate_id: int | None = None
    prompt_rows: int = 0
    prompt_original: str | None = None
    style: str | None = None  # a saved style put on the model for this job (None: the base)

    def validate(self) -> GenerationRequest:
        """Raise `InvalidRequest` with a message the user can act on; returns self."""
        if not self.prompt.strip():
            raise InvalidRequest("Type a prompt first (Emojich understands Russian).")
        if self.n_images < 1:
            raise InvalidRequest("Ask for at least one image.")
        if self.batch_size < 1:
            raise InvalidRequest("The batch size must be at least 1.")
        if self.top_k < 1:
            raise InvalidRequest("top-k must be at least 1.")
        if not 0.0 < self.top_p <= 1.0:
            raise InvalidRequest("top-p must be above 0 and at most 1.")
        if self.temperature <= 0.0:
            raise InvalidRequest("The temperature must be above 0.")
        if self.seed < 0:
            raise InvalidRequest("The seed must be 0 or more.")
        if self.source_candidate_id is not None and self.prompt_rows < 1:
            raise InvalidRequest("Keep at least one row of the chosen image.")
        return self

    def to_spec(self) -> JobSpec:
        """The library's record of this request."""
        return JobSpec(
            prompt=self.prompt.strip(),
            model_id=self.model_id,
            top_k=self.top_k,
            top_p=self.top_p,
            temperature=self.temperature,
            seed=self.seed,
            images_requested=self.n_images,
            batch_size=self.batch_size,
            source_candidate_id=self.source_candidate_id,
            prompt_rows=self.prompt_rows if self.source_candidate_id is not None else 0,
            prompt_original=self._original(),
            style=self.style,
        )

    def _original(self) -> str | None:
        """The typed text worth keeping: None when empty or the same as the prompt."""
        original = (self.prompt_original or "").strip()
        return original if original and original != self.prompt.strip() else None

    @classmethod
    def from_spec(cls, spec: JobSpec) -> GenerationRequest:
        """The request a stored job was made from (to run it again after a restart)."""
        return cls(
            prompt=spec.prompt,
            model_id=spec.model_id,
            top_k=spec.top_k,
            top_p=spec.top_p,
            temperature=spec.temperature,
            seed=spec.seed,
            n_images=spec.images_requested,
            batch_size=spec.batch_size,
            source_candidate_id=spec.source_candidate_id,
            prompt_rows=spec.prompt_rows,
            prompt_original=spec.prompt_original,
            style=spec.style,
        )

    @classmethod
    def resume(
        cls, spec: JobSpec, images_done: int, seeds_done: Collection[int] | None = None
    ) -> GenerationRequest | None:
        """The rest of a stopped job: its settings, the images it did not make, and the seeds
        after the batches it finished (batch b of a job is seeded seed + b). None when done.

        `seeds_done` (the seeds of its stored images) covers a job whose batches finished out
        of order on several replicas: it resumes at the first batch with no image, and the
        finished batches after it run again, so that none is missed."""
        remaining = spec.images_requested - images_done
        if remaining <= 0:
            return None
        batches_done = -(-images_done // spec.batch_size)
        if seeds_done is not None:
            first_missing = 0
            while spec.seed + first_missing in seeds_done:
                first_missing += 1
            batches_done = min(batches_done, first_missing)
            remaining = spec.images_requested - batches_done * spec.batch_size
        return replace(cls.from_spec(spec), n_images=remaining, seed=spec.seed + batches_done)
