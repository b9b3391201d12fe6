"""The memory estimate and the too-small-GPU message."""

from __future__ import annotations

import pytest

from studio.engine.config import DalleConfig
from studio.engine.styles import StyleRecipe, trainable_names
from studio.engine.styles.estimate import (
    GIB,
    DeviceTooSmall,
    check_fits,
    estimate_training_memory,
    parameter_counts,
)
from studio.engine.testing import tiny_dalle_config
from studio.engine.transformer import DalleModel


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_parameter_counts_match_the_model(version):
    model = DalleModel(tiny_dalle_config(version))
    total, trainable = parameter_counts(model.config)
    assert total == sum(p.numel() for p in model.parameters())
    params = dict(model.named_parameters())
    assert trainable == sum(params[n].numel() for n in trainable_names(model))


def test_emojich_estimate_grows_with_the_batch_and_without_checkpointing():
    config = DalleConfig.emojich()
    base = estimate_training_memory(config, StyleRecipe(batch_size=1), 2, True).total
    assert 3 * GIB < base < 8 * GIB  # 2.6 GB of fp16 weights plus the trained part
    assert estimate_training_memory(config, StyleRecipe(batch_size=4), 2, True).total > base
    no_ckpt = StyleRecipe(batch_size=1, gradient_checkpointing=False)
    assert estimate_training_memory(config, no_ckpt, 2, True).total > base


def test_a_small_gpu_is_told_what_to_change():
    recipe = StyleRecipe(batch_size=4, optimizer="adamw")
    check_fits(5 * GIB, 6 * GIB, recipe)
    with pytest.raises(DeviceTooSmall) as caught:
        check_fits(9 * GIB, 6 * GIB, recipe)
    message = str(caught.value)
    assert "6.0 GiB free" in message and "9.0 GiB" in message
    assert "--batch-size 1" in message and "--optimizer adamw8bit" in message
    assert "--device cpu" in message
