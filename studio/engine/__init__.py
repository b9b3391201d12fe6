"""The Emojich engine: loads the official ruDALL-E files and generates what the reference
generates, with a cached, batched sampler. Qt-free.

Names are imported on first use, so `from studio.engine import ModelStore` (the models folder)
does not pull in torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DalleConfig": "studio.engine.config",
    "VqganConfig": "studio.engine.config",
    "DalleModel": "studio.engine.transformer",
    "Vqgan": "studio.engine.vqgan",
    "load_dalle": "studio.engine.checkpoints",
    "load_vqgan": "studio.engine.checkpoints",
    "read_state_dict": "studio.engine.checkpoints",
    "BpeTokenizer": "studio.engine.tokenizer",
    "SamplingParams": "studio.engine.sampling",
    "KnownTokens": "studio.engine.sampling",
    "InvalidSamplingParams": "studio.engine.sampling",
    "sample_codes": "studio.engine.sampling",
    "perplexity": "studio.engine.sampling",
    "EmojichModels": "studio.engine.models",
    "load_models": "studio.engine.models",
    "available_precisions": "studio.engine.models",
    "default_device": "studio.engine.models",
    "UnsupportedPrecision": "studio.engine.models",
    "generate": "studio.engine.pipeline",
    "estimate_seconds": "studio.engine.pipeline",
    "ImagePrompt": "studio.engine.pipeline",
    "StepProgress": "studio.engine.events",
    "BatchReady": "studio.engine.events",
    "BatchSizeReduced": "studio.engine.events",
    "GeneratedImage": "studio.engine.events",
    "ModelStore": "studio.engine.store",
    "ModelFileStatus": "studio.engine.store",
    "DownloadCancelled": "studio.engine.store",
    "GenerationCancelled": "studio.engine.errors",
    "ModelFilesMissing": "studio.engine.errors",
    "ModelFileError": "studio.engine.errors",
    "ModelDownloadError": "studio.engine.errors",
    "TokenizerError": "studio.engine.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'studio.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
