"""Helpers of the staff tests: a submitted application placed at any status, as the moves before
would have left it (each step a history row)."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

from bot.wiring import App
from conversations.statuses import MOVES
from storage import applications as apps
from tests.application_kit import FIELDS, PROFILE, VERDICT, corporate_number, draft_with, seed

_serial = iter(range(500, 100_000))


def path_to(status: str) -> list[str]:
    """The shortest way from submitted to `status` through the status machine."""
    seen = {"submitted": ["submitted"]}
    queue = deque(["submitted"])
    while queue:
        here = queue.popleft()
        for there in MOVES[here]:
            if there not in seen:
                seen[there] = [*seen[here], there]
                queue.append(there)
    return seen[status]


def submitted(
    app: App,
    *,
    user: str | None = None,
    channel: str = "console",
    lang: str = "ja",
    status: str = "submitted",
    meta: dict[str, Any] | None = None,
    **data: Any,
) -> apps.ApplicationRow:
    """A company on `channel` speaking `lang` whose application stands at `status`."""
    number = next(_serial)
    user = user or f"co{number}"
    answers = {**PROFILE, **FIELDS, "corporate_number": corporate_number(number), **data}
    user_id = seed(app, user=user, channel=channel, lang=lang, answers={"eligibility_verdict": VERDICT})
    now = app.services.clock()
    with app.engine.begin() as conn:
        if status == "draft":
            aid = apps.create_draft(conn, user_id=user_id, programme=app.programme.id, actor="setup", now=now)
            return apps.application_by_id(conn, aid)
        aid = draft_with(conn, app, user_id, answers, actor="setup", now=now)
        apps.submit(
            conn,
            application_id=aid,
            programme=app.programme.id,
            number=number,
            reference=f"JM25-{number:04d}",
            data=answers,
            meta={"language": lang, "channel": channel, **(meta or {})},
            actor="setup",
            now=now,
        )
        steps = path_to(status)
        for before, after in itertools.pairwise(steps):
            assert apps.move(conn, aid, from_status=before, to_status=after, actor="setup", now=now)
        return apps.application_by_id(conn, aid)


def reload(app: App, row: apps.ApplicationRow) -> apps.ApplicationRow:
    with app.engine.connect() as conn:
        fresh = apps.application_by_id(conn, row.id)
    assert fresh is not None
    return fresh


def history(app: App, row: apps.ApplicationRow) -> list[Any]:
    with app.engine.connect() as conn:
        return list(apps.history(conn, row.id))
