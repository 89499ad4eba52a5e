"""The dashboard's figures: applications by status, track, size and priority; places and days
left; applications per day; the chat's funnel and where unfinished drafts stand. Pure reading."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from conversations.application.fields import NAMES, SECTION, SECTIONS, open_fields
from conversations.eligibility.profile import PROFILE_KEYS
from conversations.programme import Programme
from conversations.staff import review
from staff_console.listing import judged
from storage import applications as apps
from storage import funnel as funnel_store
from storage import intake

# The funnel's stages, in order: started the pre-check, passed it, started the form, reached each
# section of the form, submitted.
PRECHECK, PASSED, FORM, SUBMITTED = "precheck", "passed", "form", "submitted"
FUNNEL = (PRECHECK, PASSED, FORM, *(f"section.{name}" for name in SECTIONS), SUBMITTED)


@dataclass(frozen=True)
class Figures:
    total: int
    by: dict[str, dict[str, int]]  # status, track, size, priority -> value -> count
    per_day: list[tuple[date, int]]
    places_taken: int
    capacity: int
    days_left: int | None  # None once the deadline has passed
    intake_closed: bool
    funnel: list[tuple[str, int]]
    drafts_at: list[tuple[str, int]]  # question (field key) -> unfinished drafts standing there


def figures(conn: Connection, programme: Programme, now: datetime, tz: Any) -> Figures:
    items = review.find(conn, programme)
    by: dict[str, Counter[str]] = {key: Counter() for key in ("status", "track", "size", "priority")}
    days: Counter[date] = Counter()
    for item in items:
        row = item.application
        by["status"][row.status] += 1
        by["track"][row.track or ""] += 1
        by["size"][review.size_of(row, programme)] += 1
        by["priority"][judged(row, programme).priority] += 1
        days[(row.submitted_at or row.created_at).astimezone(tz).date()] += 1
    left = programme.dates.deadline - now
    return Figures(
        total=len(items),
        by={key: dict(counter.most_common()) for key, counter in by.items()},
        per_day=_every_day(days),
        places_taken=apps.places_taken(conn, programme.id),
        capacity=programme.capacity,
        days_left=None if left.total_seconds() < 0 else left.days,
        intake_closed=intake.intake_closed(conn, programme.id),
        **_funnel(funnel_store.everyone(conn, programme.id)),
    )


def _every_day(days: Counter[date]) -> list[tuple[date, int]]:
    """Every day from the first application to the last, none left out (a quiet day shows as 0)."""
    if not days:
        return []
    first, last = min(days), max(days)
    return [(first + timedelta(n), days.get(first + timedelta(n), 0)) for n in range((last - first).days + 1)]


def _funnel(people: list[funnel_store.Where]) -> dict[str, Any]:
    stages: Counter[str] = Counter()
    standing: Counter[str] = Counter()
    order = {name: index for index, name in enumerate(SECTIONS)}
    for who in people:
        answers = {**who.answers, **who.data}
        verdict = answers.get("eligibility_verdict") or {}
        started = (
            who.status is not None or who.flow == "eligibility" or any(k in answers for k in PROFILE_KEYS)
        )
        if not started:
            continue
        stages[PRECHECK] += 1
        submitted = who.status not in (None, "draft")
        if submitted or verdict.get("eligible") is True:
            stages[PASSED] += 1
        if who.status is None:
            continue
        stages[FORM] += 1
        if submitted:
            reached = len(SECTIONS) - 1
            stages[SUBMITTED] += 1
        else:
            here = _question(who, answers)
            standing[here] += 1
            sections = [order[SECTION[name]] for name in NAMES if name in who.data] + [order[SECTION[here]]]
            reached = max(sections)
        for index in range(reached + 1):
            stages[f"section.{SECTIONS[index]}"] += 1
    drafts = sorted(standing.items(), key=lambda pair: NAMES.index(pair[0]))
    return {"funnel": [(stage, stages[stage]) for stage in FUNNEL], "drafts_at": drafts}


def _question(who: funnel_store.Where, answers: dict[str, Any]) -> str:
    """The question an unfinished draft stands at: where the user is in the form, else the first
    field still open (they left the form to do something else)."""
    if who.flow == "application" and who.step in SECTION:
        return who.step
    still = open_fields(answers)
    return still[0] if still else NAMES[-1]
