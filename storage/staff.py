"""What staff read and write: filtered lists of applications, counts, per-application settings,
deliveries, and the enquiries they answer. The status moves themselves are storage.applications.move."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, bindparam, func, or_, select, update

from storage.applications import _COLUMNS, ApplicationRow
from storage.models import Application, Delivery, Enquiry, User

_apps = Application.__table__
_users = User.__table__
_deliveries = Delivery.__table__
_enquiries = Enquiry.__table__


@dataclass(frozen=True)
class Filters:
    """The column filters of `japanmall staff list`; None means any. `search` matches reference,
    company name and corporate number. Category and size (in the `data` JSON) are filtered by the
    caller (conversations/staff/review.py)."""

    status: str | None = None
    track: str | None = None
    channel: str | None = None
    lang: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class Listed:
    application: ApplicationRow
    channel: str
    language: str | None


_LISTED = (
    select(*_COLUMNS, _users.c.channel, _users.c.language)
    .join(_users, _users.c.id == _apps.c.user_id)
    .where(_apps.c.status != "draft")
    .order_by(_apps.c.id)
)


def _query(filters: Filters) -> Select[Any]:
    query = _LISTED
    if filters.status:
        query = query.where(_apps.c.status == filters.status)
    if filters.track:
        query = query.where(_apps.c.track == filters.track)
    if filters.channel:
        query = query.where(_users.c.channel == filters.channel)
    if filters.lang:
        query = query.where(_users.c.language == filters.lang)
    if filters.search:
        like = f"%{filters.search}%"
        query = query.where(
            or_(
                _apps.c.reference.ilike(like),
                _apps.c.company_name.ilike(like),
                _apps.c.corporate_number.ilike(like),
            )
        )
    return query


def list_applications(
    conn: Connection, filters: Filters | None = None, *, after: int = 0, limit: int | None = None
) -> list[Listed]:
    """Submitted applications (drafts are not staff's business) matching the filters, by id; with
    `after` and `limit` one page of them (an export reads thousands a page at a time)."""
    query = _query(filters or Filters())
    if after:
        query = query.where(_apps.c.id > after)
    if limit:
        query = query.limit(limit)
    width = len(_COLUMNS)
    return [Listed(ApplicationRow(*row[:width]), row[width], row[width + 1]) for row in conn.execute(query)]


def count_applications(conn: Connection, filters: Filters | None = None) -> int:
    return conn.execute(
        select(func.count()).select_from(_query(filters or Filters()).subquery())
    ).scalar_one()


_SET_META = update(_apps).where(_apps.c.id == bindparam("b_aid")).values(meta=bindparam("b_meta"))


def set_meta(conn: Connection, application_id: int, meta: dict[str, Any]) -> None:
    """Rewrite the application's `meta` (staff settings, shipment, sales data)."""
    conn.execute(_SET_META, {"b_aid": application_id, "b_meta": meta})


_DELIVERIES = (
    select(_deliveries.c.id, _deliveries.c.kind, _deliveries.c.channel, _deliveries.c.outcome)
    .add_columns(_deliveries.c.created_at, _deliveries.c.sent_at, _deliveries.c.error)
    .where(_deliveries.c.application_id == bindparam("aid"))
    .order_by(_deliveries.c.id)
)


def deliveries_for(conn: Connection, application_id: int) -> Sequence[Row]:
    return conn.execute(_DELIVERIES, {"aid": application_id}).all()


# -- enquiries ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnquiryRow:
    id: int
    user_id: int
    application_id: int | None
    language: str
    question: str
    created_at: datetime
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None


_ENQ_COLUMNS = [getattr(_enquiries.c, name) for name in EnquiryRow.__dataclass_fields__]
_ENQUIRIES = select(*_ENQ_COLUMNS).order_by(_enquiries.c.id)
_ENQUIRY = select(*_ENQ_COLUMNS).where(_enquiries.c.id == bindparam("eid"))
_ANSWER = (
    update(_enquiries)
    .where(_enquiries.c.id == bindparam("b_eid"))
    .values(answer=bindparam("b_answer"), answered_by=bindparam("b_by"), answered_at=bindparam("b_at"))
)


def enquiries(conn: Connection, *, open_only: bool = False) -> list[EnquiryRow]:
    rows = [EnquiryRow(*row) for row in conn.execute(_ENQUIRIES)]
    return [row for row in rows if row.answer is None] if open_only else rows


def enquiry(conn: Connection, enquiry_id: int) -> EnquiryRow | None:
    row = conn.execute(_ENQUIRY, {"eid": enquiry_id}).first()
    return EnquiryRow(*row) if row else None


def answer_enquiry(conn: Connection, enquiry_id: int, *, answer: str, by: str, now: datetime) -> None:
    conn.execute(_ANSWER, {"b_eid": enquiry_id, "b_answer": answer, "b_by": by, "b_at": now})
