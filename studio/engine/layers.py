"""Module constructors shared by the transformer and the VQGAN."""

from __future__ import annotations

import torch
from torch import nn


def embedding(num_embeddings: int, dim: int) -> nn.Embedding:
    """`nn.Embedding`, without its random start values when built on the meta device.

    The loader builds its models on the meta device and assigns the file's tensors. There,
    `nn.Embedding`'s `normal_` start values go through torch's reference implementations, whose
    first use imports torch's compiler stack (about 900 modules, 1.3 s here and far more on a
    busy machine) to compute values that are never stored.
    """
    weight = torch.empty(num_embeddings, dim)  # on the default device: meta inside the loader
    if weight.device.type == "meta":
        return nn.Embedding(num_embeddings, dim, _weight=weight)
    return nn.Embedding(num_embeddings, dim)
