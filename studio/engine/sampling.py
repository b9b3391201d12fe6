"""Sampling image codes from the transformer, and ranking them by perplexity.

`sample_codes` is the reference's `generate_images` loop (temperature, top-k then top-p,
multinomial) on the cached decoder; `perplexity` is its ranking score. Both take a batch of
text ids (b, text_seq_length) as `BpeTokenizer.encode_text` makes them.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from studio.engine.errors import GenerationCancelled
from studio.engine.filtering import candidates
from studio.engine.kvcache import ImageDecoder
from studio.engine.transformer import DalleModel
from studio.errors import StudioError

StepCallback = Callable[[int, int], None]  # (step done, steps total)


class InvalidSamplingParams(StudioError, ValueError):
    """A sampling setting out of its range (the message says which and what is allowed)."""


StopCheck = Callable[[], bool]


@dataclass(frozen=True)
class SamplingParams:
    """How to draw image tokens. `top_k=1` is greedy decoding; `top_k=0` disables top-k;
    `top_p=1.0` keeps the reference's top-p pass but removes nothing in practice. `seed=None`
    draws a fresh seed."""

    top_k: int = 2048
    top_p: float = 0.995
    temperature: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.top_k < 0:
            raise InvalidSamplingParams("top_k must be 0 (off) or a positive number of tokens")
        if not 0.0 < self.top_p <= 1.0:
            raise InvalidSamplingParams(f"top_p must be in (0, 1], not {self.top_p}")
        if not self.temperature > 0.0:
            raise InvalidSamplingParams(f"temperature must be positive, not {self.temperature}")

    def with_seed(self) -> SamplingParams:
        """These parameters with a concrete seed (a random one when `seed` is None)."""
        if self.seed is not None:
            return self
        return SamplingParams(self.top_k, self.top_p, self.temperature, random.randrange(2**31))


@dataclass(frozen=True)
class KnownTokens:
    """Image tokens fixed in advance (image prompts): `mask[j]` says token j is `codes[j]`."""

    codes: torch.Tensor  # (image tokens,) long
    mask: torch.Tensor  # (image tokens,) bool


def choose_tokens(
    logits: torch.Tensor, params: SamplingParams, generator: torch.Generator | None
) -> torch.Tensor:
    """(b, image vocab) float logits -> (b,) sampled image ids."""
    if params.top_k == 1:
        return logits.argmax(dim=-1)
    probs, ids = candidates(logits / params.temperature, params.top_k, params.top_p)
    choice = torch.multinomial(probs, 1, generator=generator)  # (b, 1)
    return ids.gather(-1, choice)[:, 0]


@contextlib.contextmanager
def _step_threads(model: DalleModel, batch: int) -> Iterator[None]:
    """On the CPU, run small steps on one thread: for a single token row, the thread pool's
    start-up and hand-over cost far more than the arithmetic (measured: a 64-wide layer norm
    takes ~5 us on one thread and ~300 us on two busy cores)."""
    hidden = model.config.hidden_size
    small = model.device.type == "cpu" and hidden <= 512 and hidden * batch <= 4096
    before = torch.get_num_threads()
    if small:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if small:
            torch.set_num_threads(before)


def sampling_steps(
    model: DalleModel,
    text_ids: torch.Tensor,
    params: SamplingParams,
    known: KnownTokens | None = None,
    should_stop: StopCheck | None = None,
    step_interval: int = 16,
    cuda_graph: bool = True,
) -> Generator[int, None, tuple[torch.Tensor, torch.Tensor]]:
    """Sample (b, image tokens) codes and their perplexities (b,), as a generator.

    Yields the number of tokens done every `step_interval` tokens and at the end; its return
    value is `(codes, perplexities)`. The perplexity comes from the logits the sampler computes
    anyway, paired with tokens exactly as `perplexity` pairs them (including v2's one-position
    shift), so no second forward is needed. `should_stop()` is checked between steps and
    raises `GenerationCancelled`. On CUDA the per-token step is replayed as a CUDA graph
    (`cuda_graph=False` runs it eagerly; int8 weights always run eagerly).
    """
    with torch.no_grad(), _step_threads(model, text_ids.shape[0]):
        cfg = model.config
        device = model.device
        text_ids = text_ids.to(device)
        batch, total = text_ids.shape[0], cfg.image_seq_length
        generator = None
        if params.top_k != 1:
            generator = torch.Generator(device=device)
            generator.manual_seed(params.with_seed().seed)
        known_mask = known.mask.tolist() if known is not None else [False] * total
        known_codes = known.codes.to(device) if known is not None else None

        decoder = ImageDecoder(model, text_ids)
        if cuda_graph and device.type == "cuda" and not _has_int8_layers(model):
            decoder.capture_cuda_graph()
        codes = torch.zeros(batch, total, dtype=torch.long, device=device)
        # Ranking pairs the logits at sequence position t + m with image token m + 1; step s's
        # logits sit at position P - 1 + s, so token j pairs with step j + offset - 1.
        offset = cfg.text_seq_length - cfg.prompt_length + 1
        exp_sum = torch.zeros(batch, device=device)
        counted = torch.zeros(batch, device=device)
        logits = decoder.first_logits.float()
        previous = logits
        for j in range(total):
            if should_stop is not None and should_stop():
                raise GenerationCancelled()
            if known_mask[j]:
                tokens = known_codes[j].expand(batch)
            else:
                tokens = choose_tokens(logits, params, generator)
            codes[:, j] = tokens
            if j >= 1:
                paired = logits if offset == 1 else previous
                ce = torch.logsumexp(paired, dim=-1) - paired.gather(-1, tokens[:, None])[:, 0]
                nonzero = ce != 0  # the reference averages exp(ce) over non-zero entries only
                exp_sum += torch.where(nonzero, ce.exp(), torch.zeros_like(ce))
                counted += nonzero
            if j + 1 < total:
                previous = logits
                logits = decoder.step(j, tokens).float()
            if (j + 1) % step_interval == 0 or j + 1 == total:
                yield j + 1
        return codes, exp_sum / counted.clamp(min=1)


def _has_int8_layers(model: DalleModel) -> bool:
    return any("8bit" in type(m).__name__ for m in model.modules())


def sample_with_scores(
    model: DalleModel,
    text_ids: torch.Tensor,
    params: SamplingParams,
    known: KnownTokens | None = None,
    on_step: StepCallback | None = None,
    should_stop: StopCheck | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """`sampling_steps` run to the end: (codes, perplexities); `on_step(done, total)`."""
    steps = sampling_steps(model, text_ids, params, known, should_stop)
    total = model.config.image_seq_length
    while True:
        try:
            done = next(steps)
        except StopIteration as finished:
            return finished.value
        if on_step is not None:
            on_step(done, total)


def sample_codes(
    model: DalleModel,
    text_ids: torch.Tensor,
    params: SamplingParams,
    on_step: StepCallback | None = None,
    should_stop: StopCheck | None = None,
    known: KnownTokens | None = None,
) -> torch.Tensor:
    """Sample image codes (b, image tokens) for text ids (b, text_seq_length).

    The same seed on the same device gives the same codes. `known` fixes some tokens (image
    prompts); the rest are sampled after them in raster order.
    """
    codes, _ = sample_with_scores(model, text_ids, params, known, on_step, should_stop)
    return codes


@torch.no_grad()
def perplexity(model: DalleModel, text_ids: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """(b,) the reference's ranking score for codes given text: lower is better.

    One full forward; cross-entropy of the image logits at positions [-n:-1] against tokens
    [-(n-1):], then the mean of exp(ce) over the non-zero entries (in v2 the logits are one
    position ahead of the tokens they are compared with, as in the reference).
    """
    device = model.device
    ids = torch.cat((text_ids.to(device), codes.to(device)), dim=1)
    n = codes.shape[1]
    logits = model(ids)[:, -n:-1, model.config.vocab_size :].float()  # (b, n - 1, image vocab)
    ce = F.cross_entropy(logits.transpose(1, 2), ids[:, -(n - 1) :], reduction="none")
    nonzero = ce != 0
    exp_sum = torch.where(nonzero, ce.exp(), torch.zeros_like(ce)).sum(dim=1)
    return exp_sum / nonzero.sum(dim=1).clamp(min=1)
