"""Translator fixtures: tiny MarianMT folders in the hub snapshot layout, built once."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory):
    from tests.translate.tiny_marian import write_tiny_marian

    return write_tiny_marian(tmp_path_factory.mktemp("marian-safetensors"))


@pytest.fixture(scope="session")
def tiny_marian_bin(tmp_path_factory):
    from tests.translate.tiny_marian import write_tiny_marian

    return write_tiny_marian(tmp_path_factory.mktemp("marian-bin"), weights="bin", seed=1)


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
