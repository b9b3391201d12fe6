"""How much memory a style training needs, before it starts (the time is measured instead, by
`StyleTrainer.probe_seconds`)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.engine.config import DalleConfig
from studio.engine.styles.recipe import StyleRecipe
from studio.errors import StudioError

GIB = 1024**3
# The process itself (torch's libraries, the tokenizer, the VQGAN; on a GPU its CUDA context):
# benchmarks/bench_style.py measured 8.78 GiB peak at the real size on the CPU where the terms
# below (before this one and the kept base tensors were counted) gave 7.05.
RUNTIME_BYTES = 1 * GIB


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes by purpose; `total` adds a tenth for the allocator's fragmentation and the
    process's own memory."""

    weights: int  # frozen ones, the trained float32 copies and the base tensors kept aside
    gradients: int
    optimizer: int
    activations: int

    @property
    def total(self) -> int:
        parts = self.weights + self.gradients + self.optimizer + self.activations
        return int(1.1 * parts + RUNTIME_BYTES)


def parameter_counts(config: DalleConfig) -> tuple[int, int]:
    """(all parameters, trainable ones under the paper's recipe), from the shapes alone."""
    h, layers = config.hidden_size, config.num_layers
    attention = h * 3 * h + 3 * h + h * h + h
    mlp = h * 4 * h + 4 * h + 4 * h * h + h
    norms = (4 if config.cogview_sandwich_layernorm else 2) * 2 * h
    embeddings = (
        config.vocab_size
        + config.image_vocab_size
        + config.text_seq_length
        + 1
        + 2 * config.image_tokens_per_dim
    ) * h
    head = 2 * h + h * config.total_vocab_size + config.total_vocab_size + 2 * h
    trainable = embeddings + layers * norms + head
    return trainable + layers * (attention + mlp), trainable


def estimate_training_memory(
    config: DalleConfig, recipe: StyleRecipe, weight_bytes: int, autocast: bool
) -> MemoryEstimate:
    """Peak memory of a training step: the frozen weights at `weight_bytes` per value, the
    trainable ones as float32 with their gradients and AdamW moments (1 byte each in 8 bits),
    and the activations of a batch (one layer at a time with gradient checkpointing)."""
    total, trainable = parameter_counts(config)
    b, s, h = recipe.batch_size, config.total_seq_length, config.hidden_size
    act = 2 if autocast else 4
    moments = 2 if recipe.optimizer == "adamw8bit" else 8
    # One layer: attention scores and probabilities, the MLP's 4h activations, ~10 h-wide tensors.
    layer = b * config.num_attention_heads * s * s * act * 3 + b * s * 4 * h * act * 3
    layer += b * s * h * act * 10
    kept = (
        config.num_layers * b * s * h * 4 + layer
        if recipe.gradient_checkpointing
        else (config.num_layers * layer)
    )
    logits = b * s * config.total_vocab_size * (act + 4 + 4)  # logits, float copy, gradient
    return MemoryEstimate(
        weights=total * weight_bytes + trainable * 4,
        gradients=trainable * 4,
        optimizer=trainable * moments,
        activations=kept + logits,
    )


class DeviceTooSmall(StudioError):
    """The GPU cannot hold the training with the chosen settings."""


def check_fits(need: int, free: int, recipe: StyleRecipe, command_line: bool = True) -> None:
    """Raise `DeviceTooSmall` saying what to change when `need` bytes exceed the `free` ones
    (the changes named as command-line options, or as the window's settings)."""
    if need <= free:
        return
    raise DeviceTooSmall(
        f"the GPU has {free / GIB:.1f} GiB free but this training needs about {need / GIB:.1f} "
        f"GiB: try {', '.join(suggested_changes(recipe, command_line))}"
    )


def suggested_changes(recipe: StyleRecipe, command_line: bool = True) -> list[str]:
    """What would make the training need less memory, most effective first."""
    changes = []
    if recipe.batch_size > 1:
        changes.append("--batch-size 1" if command_line else "batch size 1")
    if not recipe.gradient_checkpointing:
        changes.append("gradient checkpointing")
    if recipe.optimizer != "adamw8bit":
        changes.append("--optimizer adamw8bit" if command_line else "the 8-bit AdamW optimizer")
    changes.append("closing other programs that use the GPU")
    changes.append("--device cpu (slow)" if command_line else "the CPU as device (slow)")
    return changes
