"""Our cut-out network's shape, and BatchNorm folded into its convolutions for inference."""

import pytest

torch = pytest.importorskip("torch")

from studio.segment.tinyunet import TinyUNet, fold_batchnorm  # noqa: E402


def _trained_looking(seed: int = 0) -> TinyUNet:
    """A small TinyUNet whose BatchNorms hold statistics far from their defaults, as training
    leaves them (with the defaults folding would hardly change a weight)."""
    torch.manual_seed(seed)
    model = TinyUNet(in_channels=5, widths=(4, 8, 8, 8, 8, 8))
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-2, 2)
            module.running_var.uniform_(0.05, 4)
            module.weight.data.uniform_(0.2, 3)
            module.bias.data.uniform_(-1, 1)
    return model.eval()


def test_the_output_is_two_logits_at_the_input_size():
    model = _trained_looking()
    with torch.inference_mode():
        assert model(torch.rand(2, 5, 96, 64)).shape == (2, 2, 96, 64)


def test_folded_network_predicts_as_the_trained_one():
    model = _trained_looking()
    x = torch.rand(3, 5, 64, 64)
    with torch.inference_mode():
        reference = model(x)
        folded = fold_batchnorm(_trained_looking())
        assert torch.allclose(folded(x), reference, atol=1e-4, rtol=1e-4)
        # The statistics matter here: the same weights with the BatchNorms dropped differ.
        dropped = _trained_looking()
        for block in dropped.modules():
            if isinstance(block, torch.nn.Sequential) and len(block) == 3:
                block[1] = torch.nn.Identity()
        assert not torch.allclose(dropped(x), reference, atol=1e-2)
    kinds = {type(m) for m in folded.modules()}
    assert torch.nn.BatchNorm2d not in kinds
    assert all(m.bias is not None for m in folded.modules() if isinstance(m, torch.nn.Conv2d))


def test_folding_leaves_the_network_in_eval_mode_whatever_it_was_in():
    model = _trained_looking()
    model.train()
    folded = fold_batchnorm(model)
    assert not folded.training
