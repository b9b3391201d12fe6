"""The training loss against the reference `DalleModel.forward(return_loss=True)`."""

from __future__ import annotations

import pytest
import torch
from rudalle_reference import randomize_, reference_causal_mask, reference_dalle

from studio.engine.checkpoints import load_dalle
from studio.engine.config import DalleConfig
from studio.engine.styles import trainable_names, training_loss


def _config(version: str) -> DalleConfig:
    return DalleConfig(
        num_layers=4,
        hidden_size=64,
        num_attention_heads=4,
        text_seq_length=16,
        image_tokens_per_dim=8,
        vocab_size=200,
        image_vocab_size=96,
        hf_version=version,
    )


@pytest.mark.parametrize("version", ["v2", "v3"])
@pytest.mark.parametrize("checkpointing", [False, True])
def test_loss_and_gradients_equal_reference(version, checkpointing):
    config = _config(version)
    reference = randomize_(reference_dalle(config), seed=3)
    reference.loss_img_weight = 1000.0
    ours = load_dalle(reference.state_dict(), config).requires_grad_(True)
    g = torch.Generator().manual_seed(4)
    text = torch.randint(4, 150, (2, config.text_seq_length), generator=g)
    text[:, 10:] = 0
    text[:, 0] = 2
    codes = torch.randint(0, config.image_vocab_size, (2, config.image_seq_length), generator=g)

    expected, parts = reference(
        torch.cat((text, codes), dim=1), reference_causal_mask(2, config), return_loss=True
    )
    expected.backward()
    loss, text_loss, image_loss = training_loss(ours, text, codes, 1000.0, checkpointing)
    loss.backward()

    torch.testing.assert_close(loss, expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(text_loss, parts["text"], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(image_loss, parts["image"], rtol=1e-5, atol=1e-6)
    ref_params = dict(reference.named_parameters())
    ours_params = dict(ours.named_parameters())
    for name in trainable_names(ours):  # embeddings (with the 0.1 shrink), norms, head
        torch.testing.assert_close(
            ours_params[name].grad, ref_params[name].grad, rtol=1e-4, atol=1e-7, msg=name
        )


def test_trainable_names_follow_the_paper():
    names = trainable_names(load_dalle(reference_dalle(_config("v2")).state_dict(), _config("v2")))
    assert "text_embeddings.weight" in names and "image_embeddings.weight" in names
    assert "to_logits.1.weight" in names and "transformer.final_layernorm.weight" in names
    assert "transformer.layers.0.input_layernorm.weight" in names
    assert not any(".attention." in n or ".mlp." in n for n in names)
