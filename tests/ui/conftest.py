"""Window test fixtures."""

from __future__ import annotations

import pytest

from studio.library import Library


@pytest.fixture
def library(paths):
    lib = Library(paths)
    yield lib
    lib.close()
