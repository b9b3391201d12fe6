"""A fake Bot API server per test (127.0.0.1 only)."""

from __future__ import annotations

import pytest

from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.publish_helpers import TOKEN, USER_ID


@pytest.fixture
def fake():
    api = FakeBotApi(TOKEN)
    api.started_users.add(USER_ID)
    api.url = api.start()
    yield api
    api.stop()
