"""Second chat accounts linked to an application by staff (`japanmall staff link`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, or_, select

from storage.applications import _COLUMNS, ApplicationRow
from storage.models import Application, ApplicationLink

_links = ApplicationLink.__table__
_apps = Application.__table__

_EXISTS = select(_links.c.id).where(
    _links.c.application_id == bindparam("aid"), _links.c.user_id == bindparam("uid")
)
_LINKED = (
    select(*_COLUMNS)
    .join(_links, _links.c.application_id == _apps.c.id)
    .where(_links.c.user_id == bindparam("uid"))
    .order_by(_apps.c.id)
)
# A user's own applications and those linked to them, each once, in id order: one statement (it runs
# at every /status, on the hot path).
_VISIBLE = (
    select(*_COLUMNS)
    .where(
        or_(
            _apps.c.user_id == bindparam("uid"),
            _apps.c.id.in_(select(_links.c.application_id).where(_links.c.user_id == bindparam("uid"))),
        )
    )
    .order_by(_apps.c.id)
)
_USERS = select(_links.c.user_id).where(_links.c.application_id == bindparam("aid")).order_by(_links.c.id)


def link(conn: Connection, *, application_id: int, user_id: int, by: str, now: datetime) -> bool:
    """Link the account; False when it was linked already."""
    if conn.execute(_EXISTS, {"aid": application_id, "uid": user_id}).first() is not None:
        return False
    conn.execute(
        insert(_links),
        {"application_id": application_id, "user_id": user_id, "linked_by": by, "linked_at": now},
    )
    return True


def linked_applications(conn: Connection, user_id: int) -> Sequence[ApplicationRow]:
    return [ApplicationRow(*row) for row in conn.execute(_LINKED, {"uid": user_id})]


def linked_users(conn: Connection, application_id: int) -> list[int]:
    return list(conn.execute(_USERS, {"aid": application_id}).scalars())


def visible_to(conn: Connection, user_id: int) -> list[ApplicationRow]:
    """A user's own applications and those linked to them, each once, in id order."""
    return [ApplicationRow(*row) for row in conn.execute(_VISIBLE, {"uid": user_id})]
