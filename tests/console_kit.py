"""Helpers of the staff console's tests: accounts, the server over real HTTP, a signed-in client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bot.server import create_asgi
from bot.wiring import App
from staff_console import accounts
from storage.runner import StepRunner
from tests.fakes.telegram_http import UvicornThread

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def account(app: App, name: str, role: str, language: str = "ja") -> str:
    accounts.add(app.engine, app.services.clock, name, role, PASSWORD, language)
    return name


@contextmanager
def serving(app: App, channels: list[Any] | None = None) -> Iterator[str]:
    """`japanmall serve`'s app (the given channels, no scheduler) on 127.0.0.1; its base URL."""
    runner = StepRunner(app.engine)
    server = UvicornThread(create_asgi(app, channels=channels or [], runner=runner))
    try:
        yield server.start()
    finally:
        server.stop()


def browser_client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, follow_redirects=False, timeout=30)


def csrf_of(response: httpx.Response) -> str:
    found = _CSRF.search(response.text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(http: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    form = http.get("/staff/login")
    return http.post("/staff/login", data={"username": name, "password": password, "csrf": csrf_of(form)})


def signed_in(url: str, name: str) -> httpx.Client:
    http = browser_client(url)
    assert sign_in(http, name).status_code == 303
    return http
