"""Window test fixtures."""

from __future__ import annotations

import pytest

from studio.library import Library


@pytest.fixture
def library(paths):
    lib = Library(paths)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """The engine's tiny random-weight model in the official layouts (written once)."""
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))
