"""Fixtures of the WeChat tests (`pytest_plugins = ["tests.wechat_fixtures"]` in a test module)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config import Settings
from bot.wiring import App
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.wechat_support import RunningServer, make_app, serve, wechat_settings


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatAPI]:
    with FakeWeChatAPI() as api:
        yield api


@pytest.fixture
def wechat_app(settings: Settings, engine: Engine, clock: Any, wechat_api: FakeWeChatAPI) -> App:
    return make_app(wechat_settings(settings, wechat_api), engine, clock)


@pytest.fixture
def wechat(wechat_app: App, wechat_api: FakeWeChatAPI) -> Iterator[RunningServer]:
    with serve(wechat_app, wechat_api) as running:
        yield running
