"""The applications table: the CLI's filters (conversations/staff/review.py) and the console's
own (priority, eligibility problems), search, sorting and paging. Pure reading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from conversations.eligibility.profile import ProfileError
from conversations.eligibility.rules import evaluate
from conversations.programme import Programme
from conversations.staff import review
from storage import applications as apps
from storage import staff as staff_store

PAGE = 25
PRIORITIES = ("yes", "no", "unknown")
PROBLEMS = ("failed", "unknown", "none")


@dataclass(frozen=True)
class Judged:
    priority: str  # yes | no | unknown
    failed: tuple[str, ...]
    unknown: tuple[str, ...]
    verdict: dict[str, Any]

    @property
    def problems(self) -> str:
        return "failed" if self.failed else ("unknown" if self.unknown else "none")


def judged(row: apps.ApplicationRow, programme: Programme) -> Judged:
    """The eligibility engine's verdict on what the application says (rules.evaluate)."""
    try:
        verdict = evaluate(row.data, programme)
    except ProfileError:
        verdict = {"priority": None, "failed": [], "unknown": ["E1"]}
    priority = {True: "yes", False: "no"}.get(verdict["priority"], "unknown")
    return Judged(priority, tuple(verdict["failed"]), tuple(verdict["unknown"]), verdict)


@dataclass(frozen=True)
class Query:
    status: str | None = None
    track: str | None = None
    category: str | None = None
    size: str | None = None
    priority: str | None = None
    channel: str | None = None
    lang: str | None = None
    problems: str | None = None
    q: str | None = None
    sort: str = "reference"
    desc: bool = False
    page: int = 1

    def params(self) -> dict[str, Any]:
        values = dict(vars(self))
        values["desc"] = "1" if self.desc else None
        return values


@dataclass(frozen=True)
class Line:
    item: staff_store.Listed
    size: str
    judged: Judged


@dataclass(frozen=True)
class Page:
    lines: list[Line]
    total: int
    page: int
    pages: int


def find(conn: Connection, programme: Programme, query: Query) -> Page:
    filters = staff_store.Filters(
        status=query.status, track=query.track, channel=query.channel, lang=query.lang, search=query.q
    )
    items = review.find(conn, programme, filters, category=query.category, size=query.size)
    lines = [
        Line(item, review.size_of(item.application, programme), judged(item.application, programme))
        for item in items
    ]
    if query.priority:
        lines = [line for line in lines if line.judged.priority == query.priority]
    if query.problems:
        lines = [line for line in lines if line.judged.problems == query.problems]
    lines.sort(key=SORT_KEYS[query.sort], reverse=query.desc)
    pages = max(1, -(-len(lines) // PAGE))
    page = min(max(1, query.page), pages)
    return Page(lines[(page - 1) * PAGE : page * PAGE], len(lines), page, pages)


SORT_KEYS: dict[str, Callable[[Line], Any]] = {
    "reference": lambda line: line.item.application.reference or "",
    "submitted": lambda line: line.item.application.submitted_at or line.item.application.created_at,
    "company": lambda line: line.item.application.company_name or "",
    "status": lambda line: line.item.application.status,
    "size": lambda line: line.size,
}
