"""The names the window and the CLI code against are all importable from `studio.engine`."""

from __future__ import annotations

import studio.engine

CONTRACT = [
    "DalleConfig",
    "load_dalle",
    "load_vqgan",
    "BpeTokenizer",
    "SamplingParams",
    "sample_codes",
    "perplexity",
    "generate",
    "EmojichModels",
    "load_models",
    "ModelStore",
    "ModelFilesMissing",
    "GenerationCancelled",
    "ImagePrompt",
    "StepProgress",
    "BatchReady",
    "BatchSizeReduced",
    "GeneratedImage",
    "available_precisions",
    "default_device",
]


def test_contract_names():
    for name in CONTRACT:
        assert getattr(studio.engine, name) is not None, name
        assert name in studio.engine.__all__


def test_presets():
    emojich, malevich = studio.engine.DalleConfig.emojich(), studio.engine.DalleConfig.malevich()
    assert (emojich.num_layers, emojich.hidden_size, emojich.num_attention_heads) == (24, 2048, 16)
    assert (emojich.vocab_size, emojich.image_vocab_size, emojich.image_seq_length) == (
        16512,
        8192,
        1024,
    )
    assert emojich.hf_version == "v2" and malevich.hf_version == "v3"
    assert emojich.prompt_length == 129 and malevich.prompt_length == 128
