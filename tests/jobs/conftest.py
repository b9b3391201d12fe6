"""The scripted backend for the queue's own logic (engine-backed tests use the tiny model)."""

from __future__ import annotations

import pytest

from tests.jobs.scripted_backend import ScriptedBackend


@pytest.fixture
def scripted():
    return ScriptedBackend()
