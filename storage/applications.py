"""Reading and writing applications (the application feature grows this module)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Row, bindparam, select

from storage.models import Application

_applications = Application.__table__

_FOR_USER = (
    select(_applications.c.id, _applications.c.reference, _applications.c.status, _applications.c.track)
    .where(_applications.c.user_id == bindparam("uid"))
    .order_by(_applications.c.id)
)


def applications_for_user(conn: Connection, user_id: int) -> Sequence[Row]:
    return conn.execute(_FOR_USER, {"uid": user_id}).all()
