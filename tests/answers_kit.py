"""A context of one step, without a database, for the readers that only need the texts and the
language (conversations/answers, the staff's readers): the real Texts, programme and registry."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from bot.programme import load_programme
from bot.wiring import build_texts
from conversations import Context, Inbound, Services, build_registry
from storage.dialog import StateRow, UserRow

NOW = datetime(2026, 1, 10, tzinfo=UTC)


@cache
def services() -> Services:
    programme = load_programme("japan-mall-2025", today=NOW.date())
    return Services(
        programme=programme, texts=build_texts(programme), clock=lambda: NOW, registry=build_registry()
    )


def context(lang: str = "ja") -> Context:
    user = UserRow(1, "console", "kit", lang, None, None)
    state = StateRow("menu", "choose", {}, [], {}, 1)
    return Context(conn=None, user=user, state=state, services=services(), now=NOW, inbound=Inbound())  # type: ignore[arg-type]
