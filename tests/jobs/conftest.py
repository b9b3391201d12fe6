"""The scripted backend for the queue's own logic (engine-backed tests use the tiny model)."""

from __future__ import annotations

import pytest

from tests.jobs.scripted_backend import ScriptedBackend


@pytest.fixture
def scripted():
    return ScriptedBackend()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """The engine's tiny random-weight model in the official layouts (written once)."""
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))
