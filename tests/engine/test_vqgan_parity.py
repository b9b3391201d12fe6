"""Our VQGAN against the reference `VQGanGumbelVAE` (taming modules) on the same weights, loaded
from files in both official layouts."""

from __future__ import annotations

import pytest
import torch
from rudalle_reference import randomize_, reference_vqgan

from studio.engine.checkpoints import load_vqgan
from studio.engine.config import VqganConfig
from studio.engine.testing import tiny_vqgan_config, vqgan_file_state
from studio.engine.vqgan import Vqgan

# The official layout of levels and blocks (ch_mult 1,1,2,4, two res blocks, attention at the
# code grid), with few channels so it runs quickly.
OFFICIAL_SHAPE = VqganConfig(
    ch=32,
    ch_mult=(1, 1, 2, 4),
    num_res_blocks=2,
    attn_resolutions=(8,),
    z_channels=64,
    embed_dim=64,
    n_embed=64,
    resolution=64,
)


@pytest.fixture(
    scope="module",
    params=[(False, "tiny"), (True, "tiny"), (False, "official"), (True, "official")],
    ids=["256px-tiny", "dwt512-tiny", "256px-official-shape", "dwt512-official-shape"],
)
def pair(request, tmp_path_factory):
    dwt, shape = request.param
    config = tiny_vqgan_config() if shape == "tiny" else OFFICIAL_SHAPE
    reference = randomize_(reference_vqgan(config, dwt), seed=3)
    path = tmp_path_factory.mktemp("vq") / "vqgan.ckpt"
    if dwt:  # the DWT file holds the whole wrapper, under `model.`
        state = reference.state_dict()
    else:  # the 256 px file holds the bare model plus training extras
        state = {**reference.model.state_dict(), "loss.discriminator.main.0.weight": torch.ones(2)}
    torch.save({"state_dict": state, "global_step": 1}, path)
    return dwt, reference, load_vqgan(path, dwt=dwt, config=config), config


def test_decode_equals_reference(pair):
    dwt, reference, ours, config = pair
    codes = torch.randint(0, config.n_embed, (3, 64), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = reference.decode(codes)
    got = ours.decode(codes)
    assert got.shape == expected.shape == (3, 3, 128 if dwt else 64, 128 if dwt else 64)
    assert float((got - expected).abs().max()) < 2e-3
    assert 0.0 <= float(got.min()) and float(got.max()) <= 1.0


def test_encode_equals_reference(pair):
    _, reference, ours, _ = pair
    images = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    expected = reference.get_codebook_indices(images, disable_gumbel_softmax=True)
    assert torch.equal(ours.encode(images), expected)


def test_our_file_layout_loads_into_the_reference(tmp_path):
    # write_tiny_model_dir's layout is exactly what the reference's own loader accepts.
    config = tiny_vqgan_config()
    ours = Vqgan(config, dwt=True)
    reference = reference_vqgan(config, dwt=True)
    reference.load_state_dict(vqgan_file_state(ours))  # strict, like `get_vae(dwt=True)`
    plain = Vqgan(config, dwt=False)
    missing, _ = reference_vqgan(config, dwt=False).model.load_state_dict(
        vqgan_file_state(plain), strict=False
    )
    assert missing == []
