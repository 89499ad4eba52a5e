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


def populate(app: App) -> dict[str, Any]:
    """A programme in full swing: companies on Telegram, WeChat and the console, in both languages,
    at many statuses, drafts standing at different questions, real chat steps in the message log,
    and one open enquiry. Returns the rows the tests use."""
    from datetime import timedelta

    from conversations import Inbound, UserKey
    from storage import applications as apps
    from storage import dialog
    from storage.enquiries import create_enquiry
    from tests.application_kit import PROFILE, VERDICT, seed
    from tests.staff_kit import submitted

    clock = app.services.clock
    start = clock()
    made: dict[str, Any] = {}
    plan = [
        ("7101", "telegram", "zh", "under_review", {"company_name_ja": "上海桜商事有限公司"}),
        (
            "7102",
            "telegram",
            "ja",
            "accepted",
            {"company_name_ja": "株式会社もみじ製菓", "track": "group_buying"},
        ),
        (
            "7103",
            "telegram",
            "ja",
            "submitted",
            {"company_name_ja": "株式会社ふじ化粧品", "product_category": "cosmetics"},
        ),
        ("oWx1", "wechat", "zh", "under_review", {"company_name_ja": "株式会社さくら食品"}),
        (
            "oWx2",
            "wechat",
            "zh",
            "waitlisted",
            {"company_name_ja": "株式会社あおば文具", "product_category": "stationery"},
        ),
        ("con1", "console", "ja", "rejected", {"company_name_ja": "株式会社こだま", "japanese_brand": False}),
        (
            "7104",
            "telegram",
            "zh",
            "samples_shipped",
            {"company_name_ja": "株式会社ひかり", "employees": 900},
        ),
    ]
    for number, (user, channel, lang, status, data) in enumerate(plan):
        app.services.clock.set(start - timedelta(days=6 - number, hours=number))  # type: ignore[attr-defined]
        key = UserKey(channel, user)
        app.dialog.handle(key, Inbound(text="こんにちは" if lang == "ja" else "你好", language_hint=lang))
        app.dialog.handle(key, Inbound(text="/status"))
        made[user] = submitted(app, user=user, channel=channel, lang=lang, status=status, **data)
    app.services.clock.set(start)  # type: ignore[attr-defined]
    drafts = [
        ("d1", "company_name_ja"),
        ("d2", "company_name_ja"),
        ("d3", "email"),
        ("d4", "product_name_ja"),
    ]
    for user, step in drafts:
        user_id = seed(
            app, user=user, answers={**PROFILE, "eligibility_verdict": VERDICT}, flow="application", step=step
        )
        with app.engine.begin() as conn:
            apps.create_draft(conn, user_id=user_id, programme=app.programme.id, actor="setup", now=start)
    seed(app, user="p1", answers={"applicant_type": "japanese_corporation"}, flow="eligibility", step="track")
    asking = UserKey("telegram", "7101")
    app.dialog.handle(asking, Inbound(text="样品可以寄到上海吗？我们在上海有仓库。"))
    with app.engine.begin() as conn:
        user = dialog.get_or_create_user(conn, "telegram", "7101", start)
        made["enquiry"] = create_enquiry(
            conn,
            user_id=user.id,
            language="zh",
            question="样品可以寄到上海吗？我们在上海有仓库。",
            now=start,
            application_id=made["7101"].id,
        )
    return made
