"""Engine test fixtures: tiny random-weight model folders in the official layouts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

# The reference helpers live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-v2"), hf_version="v2")


@pytest.fixture(scope="session")
def tiny_dir_v3(tmp_path_factory) -> Path:
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-v3"), hf_version="v3")


@pytest.fixture(scope="session")
def tiny_models(tiny_dir):
    from studio.engine import load_models

    return load_models(tiny_dir, device="cpu")


@pytest.fixture(autouse=True)
def _deterministic_threads():
    # Tiny models run fastest (and identically) on one thread on the shared CPU.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
