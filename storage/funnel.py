"""What the staff console's funnel reads: every user's place in the dialog beside their application.

One row per user who has talked to the bot: their state (flow, step, answers) and, when they
have one, their application of the programme (status and answers). The console counts from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, select

from storage.models import Application, ConversationState, User

_u = User.__table__
_s = ConversationState.__table__
_a = Application.__table__


@dataclass(frozen=True, slots=True)
class Where:
    flow: str | None
    step: str | None
    answers: dict[str, Any]
    status: str | None  # of the application, None when there is none
    data: dict[str, Any]


def everyone(conn: Connection, programme: str) -> list[Where]:
    query = (
        select(_s.c.flow, _s.c.step, _s.c.answers, _a.c.status, _a.c.data)
        .select_from(_u)
        .outerjoin(_s, _s.c.user_id == _u.c.id)
        .outerjoin(_a, and_(_a.c.user_id == _u.c.id, _a.c.programme == programme))
        .order_by(_u.c.id)
    )
    return [
        Where(row.flow, row.step, dict(row.answers or {}), row.status, dict(row.data or {}))
        for row in conn.execute(query)
    ]
