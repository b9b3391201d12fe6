"""The style training loop: the paper's recipe, resumable from atomic checkpoints."""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from studio.engine.models import import_bitsandbytes
from studio.engine.styles.loss import training_loss
from studio.engine.styles.recipe import StyleRecipe, is_trainable
from studio.engine.styles.stylefile import StyleFile
from studio.engine.transformer import DalleModel
from studio.errors import StudioError
from studio.fileio import atomic_open

log = logging.getLogger(__name__)
CHECKPOINT_FORMAT = "sticker-studio-style-checkpoint/1"


class CheckpointError(StudioError):
    """A training checkpoint is unreadable or belongs to other settings."""


@dataclass(frozen=True)
class TrainingStep:
    """One optimiser step's figures (losses are the batch's, before the step)."""

    step: int  # 1-based: steps done
    steps: int
    loss: float
    text_loss: float
    image_loss: float
    lr: float
    seconds: float


def default_autocast(device: torch.device) -> torch.dtype | None:
    """bf16 on GPUs that have it, fp16 (with loss scaling) on older ones, none on the CPU
    (CPU bf16 is slower than fp32 on most desktop processors)."""
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def make_optimizer(
    params: list[torch.nn.Parameter], recipe: StyleRecipe
) -> tuple[torch.optim.Optimizer, str]:
    """AdamW 8-bit (bitsandbytes) as the paper, or plain AdamW where bitsandbytes cannot run;
    returns the optimiser and the name of the one used."""
    if recipe.optimizer == "adamw8bit":
        try:
            bnb = import_bitsandbytes()
            optimizer = bnb.optim.AdamW8bit(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
            return optimizer, "adamw8bit"
        except Exception as exc:  # a missing or broken install fails in many ways
            log.warning("8-bit AdamW unavailable (%s); using plain AdamW", exc)
    return torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay), "adamw"


def one_cycle_factor(step: int, recipe: StyleRecipe) -> float:
    """The learning rate of step `step` as a fraction of `recipe.lr`: a cosine warm-up from
    1/start_div over the first `warmup` of the steps, then a cosine down to
    1/(start_div * final_div) at the last step (torch's OneCycleLR, which fails for short runs).
    """
    start = 1.0 / recipe.start_div
    end = start / recipe.final_div
    warm = max(1, round(recipe.warmup * recipe.steps))
    if step < warm:
        return start + (1.0 - start) * (1 - math.cos(math.pi * step / warm)) / 2
    rest = max(1, recipe.steps - 1 - warm)
    done = min(1.0, (step - warm) / rest)
    return end + (1.0 - end) * (1 + math.cos(math.pi * done)) / 2


class StyleTrainer:
    """Trains a style on `model` in place from encoded examples.

    The trainable tensors become fresh float32 tensors (the loaded ones, possibly mapped from the
    model file and in half precision, are kept aside and put back by `restore_base`); frozen
    tensors are never written.
    """

    def __init__(
        self,
        model: DalleModel,
        text_ids: torch.Tensor,
        codes: torch.Tensor,
        recipe: StyleRecipe,
        autocast: torch.dtype | None = None,
        data: list[dict[str, str]] | None = None,
    ) -> None:
        if len(text_ids) != len(codes) or len(codes) == 0:
            raise StudioError("a style needs as many captions as pictures, and at least one")
        self.model = model
        self.recipe = recipe
        self.device = model.device
        self.text_ids = text_ids.cpu()
        self.codes = codes.cpu()
        self.data = data or []
        self.autocast = autocast
        self.step = 0
        self.history: list[TrainingStep] = []
        self._base: dict[str, torch.Tensor] = {}
        self.params: dict[str, torch.nn.Parameter] = {}
        for name, param in model.named_parameters():
            if is_trainable(name):
                self._base[name] = param.data
                param.data = param.data.to(torch.float32, copy=True)
                param.requires_grad_(True)
                self.params[name] = param
            else:
                param.requires_grad_(False)
        self.optimizer, self.optimizer_name = make_optimizer(list(self.params.values()), recipe)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda step: one_cycle_factor(step, recipe)
        )
        # Loss scaling is only needed for fp16, whose range underflows small gradients.
        self.scaler = torch.amp.GradScaler(
            self.device.type, enabled=autocast == torch.float16 and self.device.type == "cuda"
        )

    # -- batches ------------------------------------------------------------------------------

    def batch_indices(self, step: int) -> torch.Tensor:
        """The example indices of step `step` (0-based): consecutive slices of a stream of
        per-epoch permutations seeded by the recipe, so any step's batch is known without
        replaying the ones before it (what makes resuming exact)."""
        n, size = len(self.codes), self.recipe.batch_size
        out = []
        for position in range(step * size, (step + 1) * size):
            epoch, offset = divmod(position, n)
            generator = torch.Generator().manual_seed(self.recipe.seed * 1_000_003 + epoch)
            out.append(int(torch.randperm(n, generator=generator)[offset]))
        return torch.tensor(out)

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.autocast is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.autocast)

    def _forward_backward(self, step: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        index = self.batch_indices(step)
        text_ids = self.text_ids[index].to(self.device)
        codes = self.codes[index].to(self.device)
        self.model.train()
        with self._autocast():
            loss, text_loss, image_loss = training_loss(
                self.model,
                text_ids,
                codes,
                self.recipe.image_loss_weight,
                self.recipe.gradient_checkpointing,
            )
        self.scaler.scale(loss).backward()
        return loss.detach(), text_loss, image_loss

    # -- training -----------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.step >= self.recipe.steps

    def train_step(self) -> TrainingStep:
        """One optimiser step (forward, backward, clipping, AdamW, schedule)."""
        if self.done:
            raise StudioError("the style training is already finished")
        started = time.perf_counter()
        loss, text_loss, image_loss = self._forward_backward(self.step)
        self.scaler.unscale_(self.optimizer)
        torch.nn.utils.clip_grad_norm_(list(self.params.values()), self.recipe.grad_clip)
        lr = self.scheduler.get_last_lr()[0]
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.optimizer.zero_grad(set_to_none=True)
        self.scheduler.step()
        self.step += 1
        self.model.eval()
        record = TrainingStep(
            self.step,
            self.recipe.steps,
            float(loss),
            float(text_loss),
            float(image_loss),
            lr,
            time.perf_counter() - started,
        )
        self.history.append(record)
        return record

    def steps(self, should_stop: Callable[[], bool] | None = None) -> Iterator[TrainingStep]:
        """Train to the end (or until `should_stop()`), yielding each step."""
        while not self.done:
            if should_stop is not None and should_stop():
                return
            yield self.train_step()

    def probe_seconds(self) -> float:
        """Seconds one step takes here, timed on a real forward and backward pass whose
        gradients are thrown away (the weights and the schedule are untouched)."""
        started = time.perf_counter()
        self._forward_backward(self.step)
        self.optimizer.zero_grad(set_to_none=True)
        self.model.eval()
        return time.perf_counter() - started

    # -- results ------------------------------------------------------------------------------

    def style(self, name: str, model_id: str = "") -> StyleFile:
        """The style so far: the trainable tensors, the recipe, the data list and the losses."""
        info = {
            "recipe": self.recipe.to_dict(),
            "optimizer": self.optimizer_name,
            "steps_done": self.step,
            "model": model_id,
            "data": self.data,
            "losses": [asdict(h) for h in self.history],
        }
        tensors = {n: p.detach().clone() for n, p in self.params.items()}
        return StyleFile(name, tensors, info)

    def restore_base(self) -> None:
        """Put the base tensors back and freeze everything (the model is as loaded again)."""
        for name, param in self.params.items():
            param.requires_grad_(False)
            param.data = self._base[name]
            param.grad = None
        self.model.eval()

    # -- checkpoints --------------------------------------------------------------------------

    def save_checkpoint(self, path: str | Path) -> None:
        """Everything needed to continue exactly, written atomically."""
        state = {
            "format": CHECKPOINT_FORMAT,
            "step": self.step,
            "recipe": self.recipe.to_dict(),
            "tensors": {n: p.detach().cpu() for n, p in self.params.items()},
            "optimizer": self.optimizer.state_dict(),
            "optimizer_name": self.optimizer_name,
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "history": [asdict(h) for h in self.history],
            "text_ids": self.text_ids,
            "codes": self.codes,
            "data": self.data,
        }
        with atomic_open(path, "wb") as handle:
            torch.save(state, handle)

    @staticmethod
    def read_checkpoint(path: str | Path) -> dict[str, Any]:
        """A checkpoint's contents; `CheckpointError` when damaged or foreign."""
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise CheckpointError(f"training checkpoint not found: {path}") from None
        except Exception as exc:  # torch raises many kinds for a damaged file
            raise CheckpointError(f"{path} is not a readable training checkpoint: {exc}") from None
        if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointError(f"{path} is not a Sticker Studio training checkpoint")
        return state

    @classmethod
    def resume(
        cls, model: DalleModel, path: str | Path, autocast: torch.dtype | None = None
    ) -> StyleTrainer:
        """A trainer continuing from checkpoint `path` on a freshly loaded base `model`."""
        state = cls.read_checkpoint(path)
        trainer = cls(
            model,
            state["text_ids"],
            state["codes"],
            StyleRecipe.from_dict(state["recipe"]),
            autocast=autocast,
            data=state["data"],
        )
        if trainer.optimizer_name != state["optimizer_name"]:
            raise CheckpointError(
                f"the checkpoint was trained with {state['optimizer_name']}, which is not "
                "available here"
            )
        with torch.no_grad():
            for name, tensor in state["tensors"].items():
                trainer.params[name].copy_(tensor)
        trainer.optimizer.load_state_dict(state["optimizer"])
        trainer.scheduler.load_state_dict(state["scheduler"])
        trainer.scaler.load_state_dict(state["scaler"])
        torch.set_rng_state(state["rng"])
        if state["cuda_rng"] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        trainer.step = int(state["step"])
        trainer.history = [TrainingStep(**h) for h in state["history"]]
        return trainer
