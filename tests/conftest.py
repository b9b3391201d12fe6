"""Every test runs headless, in its own temporary STUDIO_HOME, and never downloads anything."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Model hubs are unreachable by design in tests: fail fast instead of waiting on the network.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def studio_home(tmp_path_factory, monkeypatch):
    """A fresh portable home for each test."""
    home = tmp_path_factory.mktemp("studio-home")
    monkeypatch.setenv("STUDIO_HOME", str(home))
    return home


@pytest.fixture
def paths(studio_home):
    from studio.paths import studio_paths

    return studio_paths().ensure()


@pytest.fixture
def library(paths):
    """The library in the test's STUDIO_HOME, closed after the test."""
    from studio.library import Library

    with Library(paths) as lib:
        yield lib


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """The engine's tiny random-weight model in the official layouts (written once)."""
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))
