"""Where the programme stands now: before intake, open, closed (deadline passed, closed by staff,
or full), during the promotion, after it. The greeting, the FAQ's answers about the deadline and
/apply speak from it (docs/programme-rules.md; the dates are the programme file's).

The programme's promotion may start while intake is still open (the 2025 round's does): while
intake is open the phase is `open`; once it closed, `promotion` until the promotion ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from storage.applications import places_taken
from storage.intake import intake_closed

if TYPE_CHECKING:
    from conversations.context import Context
    from conversations.programme import Programme

BEFORE, OPEN, CLOSED, PROMOTION, AFTER = "before_intake", "open", "closed", "promotion", "after"
PHASES = (BEFORE, OPEN, CLOSED, PROMOTION, AFTER)
DEADLINE, BY_STAFF, FULL = "deadline", "staff", "full"  # why intake is closed


@dataclass(frozen=True)
class Phase:
    name: str
    reason: str | None = None  # for a closed intake (closed, promotion, after): deadline, staff or full

    @property
    def intake_open(self) -> bool:
        return self.name == OPEN


def closed_reason(conn: Connection, programme: Programme, now: datetime) -> str | None:
    """Why no application can be taken now (after intake opened), or None while it is open."""
    if now > programme.dates.deadline:
        return DEADLINE
    if intake_closed(conn, programme.id):
        return BY_STAFF
    if places_taken(conn, programme.id) >= programme.capacity:
        return FULL
    return None


def phase_at(conn: Connection, programme: Programme, now: datetime) -> Phase:
    dates = programme.dates
    if now < dates.intake_opens:
        return Phase(BEFORE)
    reason = closed_reason(conn, programme, now)
    if now > dates.promotion_end:
        return Phase(AFTER, reason or DEADLINE)
    if reason is None:
        return Phase(OPEN)
    if now >= dates.promotion_start:
        return Phase(PROMOTION, reason)
    return Phase(CLOSED, reason)


def current(ctx: Context) -> Phase:
    return phase_at(ctx.conn, ctx.programme, ctx.now)


def variables(ctx: Context, phase: Phase) -> dict[str, object]:
    """What the phase texts (`phase.*`) are filled with."""
    dates = ctx.programme.dates
    closed_line = ctx.t(f"phase.closed_line.{phase.reason}", deadline=dates.deadline) if phase.reason else ""
    return {
        "closed_line": closed_line,
        "phase": phase.name,
        "reason": phase.reason,
        "opens": dates.intake_opens,
        "deadline": dates.deadline,
        "promotion_start": dates.promotion_start,
        "promotion_end": dates.promotion_end,
    }


def say(ctx: Context, key: str, phase: Phase | None = None) -> None:
    """Say `phase.<key>` for the current phase (a text per phase, the reason as a variable)."""
    phase = phase or current(ctx)
    ctx.say(f"phase.{key}.{phase.name}", **variables(ctx, phase))
