"""The cached decoder's memory is laid out once: nothing grows or moves while sampling."""

from __future__ import annotations

import torch

from studio.engine.kvcache import ImageDecoder
from studio.engine.testing import tiny_dalle_config
from studio.engine.transformer import DalleModel


def test_buffers_are_preallocated_and_written_in_place():
    config = tiny_dalle_config()
    model = DalleModel(config).eval().requires_grad_(False)
    text = torch.randint(4, 100, (1, config.text_seq_length)).expand(3, -1)
    with torch.no_grad():
        decoder = ImageDecoder(model, text)
        layer = decoder.layers[0]
        # One prompt for the whole batch: its keys are stored once and broadcast.
        assert layer.text_k.shape[0] == 1
        assert layer.region_k.shape == (3, 4, config.image_seq_length, 16)
        pointers = [(c.region_k.data_ptr(), c.region_v.data_ptr()) for c in decoder.layers]
        tokens = torch.zeros(3, dtype=torch.long)
        for j in range(config.image_seq_length - 1):
            decoder.step(j, tokens)
        assert pointers == [(c.region_k.data_ptr(), c.region_v.data_ptr()) for c in decoder.layers]
        # Every image slot has been written (v2: slot 0 by the prompt, the rest by the steps).
        assert all(bool((c.region_k.abs().sum(-1) > 0).all()) for c in decoder.layers)


def test_different_prompts_in_one_batch_get_their_own_prompt_keys():
    config = tiny_dalle_config()
    model = DalleModel(config).eval().requires_grad_(False)
    text = torch.randint(4, 100, (2, config.text_seq_length))
    with torch.no_grad():
        decoder = ImageDecoder(model, text)
        single = ImageDecoder(model, text[1:])
    assert decoder.layers[0].text_k.shape[0] == 2
    torch.testing.assert_close(decoder.first_logits[1:], single.first_logits)
