"""Fixtures of the Telegram tests: the fake Bot API on 127.0.0.1 and the app serving webhooks to it.

A test module takes them with `pytest_plugins = ["tests.telegram_fixtures"]`.
"""

from __future__ import annotations

import pytest

from handlers.telegram_limits import ChatRateLimiter
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_chat import serving


@pytest.fixture
def fake():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def served(app, fake):
    """`japanmall serve`'s app in webhook mode, without the per-chat pacing (tests send fast)."""
    with serving(app, fake, mode="webhook", limiter=ChatRateLimiter(chat_rate=0)) as served:
        yield served
