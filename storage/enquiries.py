"""Questions passed to staff: one `enquiries` row each (staff list and answer them elsewhere)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select

from storage.models import Application, Enquiry

_enquiries = Enquiry.__table__
_applications = Application.__table__

QUESTION_LIMIT = 2000  # characters kept of a question

_INSERT = insert(_enquiries).returning(_enquiries.c.id)
_LATEST_APPLICATION = (
    select(_applications.c.id)
    .where(_applications.c.user_id == bindparam("uid"))
    .order_by(_applications.c.id.desc())
    .limit(1)
)


def latest_application_id(conn: Connection, user_id: int) -> int | None:
    """The user's most recent application, if any (the enquiry is filed against it)."""
    return conn.execute(_LATEST_APPLICATION, {"uid": user_id}).scalar_one_or_none()


def create_enquiry(
    conn: Connection,
    *,
    user_id: int,
    language: str,
    question: str,
    now: datetime,
    application_id: int | None = None,
) -> int:
    """Store a question for staff; returns the enquiry's id."""
    return conn.execute(
        _INSERT,
        {
            "user_id": user_id,
            "application_id": application_id,
            "language": language,
            "question": question[:QUESTION_LIMIT],
            "created_at": now,
            "answer": None,
            "answered_by": None,
            "answered_at": None,
        },
    ).scalar_one()
