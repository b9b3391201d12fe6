"""What a style training does: which tensors learn, and the optimiser settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from studio.errors import StudioError

if TYPE_CHECKING:  # the window reads recipes without importing torch
    from torch import nn

# The paper freezes the feed-forward (`mlp`) and self-attention (`attention`) sublayers of every
# transformer layer; their layer norms, the embeddings and the output head keep learning.
FROZEN_PARTS = (".attention.", ".mlp.")
OPTIMIZERS = ("adamw8bit", "adamw")


class InvalidRecipe(StudioError, ValueError):
    """A training setting is out of range."""


@dataclass(frozen=True)
class StyleRecipe:
    """Training settings. The defaults are the paper's, scaled to a few hundred pictures:
    max lr 1e-5 reached after 10 % of the steps from lr/25, ending at lr/500 (the paper's start
    4e-7, peak 1e-5, end 2e-8), batch 2, gradient clipping 1.0, image-loss weight 1000."""

    steps: int = 400
    lr: float = 1e-5
    image_loss_weight: float = 1000.0
    batch_size: int = 2
    warmup: float = 0.1
    start_div: float = 25.0
    final_div: float = 20.0
    grad_clip: float = 1.0
    weight_decay: float = 0.01
    optimizer: str = "adamw8bit"
    gradient_checkpointing: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise InvalidRecipe("the number of steps must be at least 1")
        if not 0 < self.lr < 1:
            raise InvalidRecipe("the learning rate must be between 0 and 1 (paper: 1e-5)")
        if self.image_loss_weight < 0:
            raise InvalidRecipe("the image-loss weight cannot be negative (paper: 1000)")
        if self.batch_size < 1:
            raise InvalidRecipe("the batch size must be at least 1")
        if not 0 < self.warmup < 1:
            raise InvalidRecipe("the warm-up fraction must be between 0 and 1")
        if self.optimizer not in OPTIMIZERS:
            raise InvalidRecipe(f"the optimizer must be one of {', '.join(OPTIMIZERS)}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StyleRecipe:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def is_trainable(name: str) -> bool:
    """Whether the transformer parameter `name` learns under the paper's recipe."""
    return not (name.startswith("transformer.layers.") and any(p in name for p in FROZEN_PARTS))


def trainable_names(model: nn.Module) -> list[str]:
    """The names of the parameters a style changes, in the model's order."""
    return [name for name, _ in model.named_parameters() if is_trainable(name)]
