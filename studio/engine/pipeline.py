"""`generate`: a prompt in, a stream of candidates out, batch by batch, as events.

Events are small records; a caller (the window's worker, the CLI) turns them into progress and
pictures, and stops generation through `should_stop`, checked between sampling steps.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image

from studio.engine.errors import GenerationCancelled
from studio.engine.events import (
    BatchReady,
    BatchSizeReduced,
    GeneratedImage,
    GenerationEvent,
    StepProgress,
)
from studio.engine.models import EmojichModels
from studio.engine.sampling import KnownTokens, SamplingParams, sampling_steps
from studio.errors import StudioError

log = logging.getLogger(__name__)
DECODE_CHUNK = 4


@dataclass(frozen=True)
class ImagePrompt:
    """Known image tokens: keep the top `rows` rows of `codes` and generate the rest."""

    codes: Any  # numpy array or tensor, (image tokens,)
    rows: int

    def known_tokens(self, tokens_per_dim: int) -> KnownTokens:
        codes = torch.as_tensor(np.asarray(self.codes), dtype=torch.long).flatten()
        if codes.numel() != tokens_per_dim**2:
            raise StudioError(
                f"the image prompt has {codes.numel()} codes; this model needs {tokens_per_dim**2}"
            )
        if not 0 <= self.rows <= tokens_per_dim:
            raise StudioError(f"image prompt rows must be between 0 and {tokens_per_dim}")
        mask = torch.zeros(codes.numel(), dtype=torch.bool)
        mask[: self.rows * tokens_per_dim] = True
        return KnownTokens(codes=codes, mask=mask)


def to_pil(images: torch.Tensor) -> list[Image.Image]:
    """(b, 3, H, W) in [0, 1] -> RGB images (x255 truncated, as the reference converts)."""
    array = images.mul(255).byte().permute(0, 2, 3, 1).cpu().numpy()
    return [Image.fromarray(a, mode="RGB") for a in array]


def _is_out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, torch.cuda.OutOfMemoryError) or "out of memory" in str(exc)


def generate(
    models: EmojichModels,
    prompt: str,
    params: SamplingParams,
    n_images: int,
    batch_size: int,
    image_prompt: ImagePrompt | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[GenerationEvent]:
    """Generate `n_images` candidates for `prompt` in batches of `batch_size`.

    Batch b uses seed `params.seed + b` (a random base seed when `params.seed` is None), so the
    same seed gives the same images on the same device and precision. On CUDA out-of-memory
    the batch size is halved (`BatchSizeReduced`) and the batch is run again. When
    `should_stop()` returns True, `GenerationCancelled` is raised between steps.
    """
    text = prompt.lower().strip()  # as the reference pipeline does
    if not text:
        raise StudioError("the prompt is empty; describe the sticker you want")
    if n_images < 1 or batch_size < 1:
        raise StudioError("the number of images and the batch size must be at least 1")
    cfg = models.config
    params = params.with_seed()
    ids = models.tokenizer.encode_text(text, cfg.text_seq_length)
    known = image_prompt.known_tokens(cfg.image_tokens_per_dim) if image_prompt else None
    done, batch_index, size = 0, 0, batch_size
    while done < n_images:
        n = min(size, n_images - done)
        seed = params.seed + batch_index
        batch_params = dataclasses.replace(params, seed=seed)
        started = time.perf_counter()
        try:
            steps = sampling_steps(
                models.dalle, ids.expand(n, -1), batch_params, known, should_stop
            )
            while True:
                try:
                    step = next(steps)
                except StopIteration as finished:
                    codes, scores = finished.value
                    break
                yield StepProgress(batch_index, step, cfg.image_seq_length, done, n_images)
            if should_stop is not None and should_stop():
                raise GenerationCancelled()
            # Decoding 512 px images takes far more memory per image than sampling: a few at
            # a time, so a batch that samples fine never fails in the decoder.
            pictures = [
                image
                for chunk in codes.split(DECODE_CHUNK)
                for image in to_pil(models.vqgan.decode(chunk))
            ]
        except (torch.cuda.OutOfMemoryError, RuntimeError) as exc:
            if not (models.device.type == "cuda" and _is_out_of_memory(exc)):
                raise
            if size == 1:
                raise StudioError(
                    "the GPU ran out of memory even for one image; close other programs using "
                    "it, or choose the int8 precision or the CPU"
                ) from None
            steps = None  # drop the failed batch's caches before trying again
            gc.collect()
            torch.cuda.empty_cache()
            yield BatchSizeReduced(size, size // 2, "CUDA out of memory")
            size //= 2
            continue
        log.info("batch %d: %d images in %.1f s", batch_index, n, time.perf_counter() - started)
        codes_np = codes.cpu().numpy()
        images = [
            GeneratedImage(done + i, pictures[i], codes_np[i], float(scores[i]), seed)
            for i in range(n)
        ]
        yield BatchReady(batch_index, images)
        done += n
        batch_index += 1


def estimate_seconds(
    models: EmojichModels, n_images: int, batch_size: int, probe_steps: int = 8
) -> float:
    """Seconds `generate` should take here, from timing a few real sampling steps and one
    decode: an honest figure to show before a long CPU run."""
    cfg = models.config
    batch = min(batch_size, n_images)
    ids = models.tokenizer.encode_text("probe", cfg.text_seq_length).expand(batch, -1)
    params = SamplingParams(seed=0)
    steps = sampling_steps(models.dalle, ids, params, step_interval=1)
    started = time.perf_counter()
    next(steps)  # the prompt pass and the first token
    prompt_time = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(probe_steps):
        next(steps)
    per_step = (time.perf_counter() - started) / probe_steps
    steps.close()
    started = time.perf_counter()
    models.vqgan.decode(torch.zeros(1, cfg.image_seq_length, dtype=torch.long))
    decode_time = (time.perf_counter() - started) * batch
    batches = -(-n_images // batch)
    return batches * (prompt_time + per_step * cfg.image_seq_length + decode_time)
