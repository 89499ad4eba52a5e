"""Reading and writing applications, their status history, their files and the intake switches.

A draft row exists from the moment a company starts the form; `data` holds every answer so far
and is rewritten after each one, so a draft resumes on any later day and reminders can find it.
Submission runs under the programme's intake lock (storage/intake.py): the capacity and
one-per-company checks and the reference number happen under it, so two companies submitting
at the same moment can neither overfill the programme nor share a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, bindparam, func, insert, select, update

from storage.intake import set_last_reference
from storage.models import Application, StatusChange

_apps = Application.__table__
_history = StatusChange.__table__

DRAFT = "draft"
SUBMITTED = "submitted"
# Applications that hold one of the programme's places (capacity): all but drafts and withdrawals.
NOT_HOLDING_A_PLACE = (DRAFT, "withdrawn")


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: int
    reference: str | None
    programme: str
    user_id: int
    status: str
    track: str | None
    corporate_number: str | None
    company_name: str | None
    data: dict[str, Any]
    meta: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


_COLUMNS = [getattr(_apps.c, name) for name in ApplicationRow.__slots__]

_FOR_USER = select(*_COLUMNS).where(_apps.c.user_id == bindparam("uid")).order_by(_apps.c.id)
_DRAFT_FOR_USER = select(*_COLUMNS).where(
    _apps.c.user_id == bindparam("uid"),
    _apps.c.programme == bindparam("programme"),
    _apps.c.status == DRAFT,
)
_BY_REFERENCE = select(*_COLUMNS).where(_apps.c.reference == bindparam("reference"))
_BY_ID = select(*_COLUMNS).where(_apps.c.id == bindparam("aid"))


def _first_submitted(who: ColumnElement[bool]) -> Select[Any]:
    """The earliest application past draft in a programme, of a user or of a company."""
    return (
        select(*_COLUMNS)
        .where(who, _apps.c.programme == bindparam("programme"), _apps.c.status != DRAFT)
        .order_by(_apps.c.id)
        .limit(1)
    )


_FIRST_OF_USER = _first_submitted(_apps.c.user_id == bindparam("uid"))
_FIRST_OF_COMPANY = _first_submitted(_apps.c.corporate_number == bindparam("number"))

_PLACES_TAKEN = select(func.count()).where(
    _apps.c.programme == bindparam("programme"), _apps.c.status.not_in(NOT_HOLDING_A_PLACE)
)
_INSERT_APP = insert(_apps).returning(_apps.c.id)
_SAVE_DRAFT = (
    update(_apps)
    .where(
        _apps.c.user_id == bindparam("b_uid"),
        _apps.c.programme == bindparam("b_programme"),
        _apps.c.status == DRAFT,
    )
    .values(
        data=bindparam("b_data"),
        track=bindparam("b_track"),
        corporate_number=bindparam("b_number"),
        company_name=bindparam("b_company"),
        updated_at=bindparam("b_now"),
    )
)
_SUBMIT = (
    update(_apps)
    .where(_apps.c.id == bindparam("b_aid"), _apps.c.status == DRAFT)
    .values(
        status=SUBMITTED,
        reference=bindparam("b_reference"),
        data=bindparam("b_data"),
        meta=bindparam("b_meta"),
        updated_at=bindparam("b_now"),
        submitted_at=bindparam("b_now"),
    )
)
_MOVE = (
    update(_apps)
    .where(_apps.c.id == bindparam("b_aid"), _apps.c.status == bindparam("b_from"))
    .values(status=bindparam("b_to"), updated_at=bindparam("b_now"))
)
_INSERT_HISTORY = insert(_history)
_HISTORY = select(_history).where(_history.c.application_id == bindparam("aid")).order_by(_history.c.id)
_REACHED = (
    select(_history.c.at)
    .where(_history.c.application_id == bindparam("aid"), _history.c.to_status == bindparam("status"))
    .order_by(_history.c.id.desc())
    .limit(1)
)


def _row(row: Row | None) -> ApplicationRow | None:
    return None if row is None else ApplicationRow(*row)


# -- lookups --------------------------------------------------------------------------------------
def applications_for_user(conn: Connection, user_id: int) -> Sequence[ApplicationRow]:
    return [ApplicationRow(*row) for row in conn.execute(_FOR_USER, {"uid": user_id})]


def draft_for_user(conn: Connection, user_id: int, programme: str) -> ApplicationRow | None:
    return _row(conn.execute(_DRAFT_FOR_USER, {"uid": user_id, "programme": programme}).first())


def submitted_for_user(conn: Connection, user_id: int, programme: str) -> ApplicationRow | None:
    """The user's application that left the draft state (submitted or any later status)."""
    return _row(conn.execute(_FIRST_OF_USER, {"uid": user_id, "programme": programme}).first())


def first_for_company(conn: Connection, programme: str, corporate_number: str) -> ApplicationRow | None:
    """The company's application that left the draft state, found by its corporate number."""
    return _row(conn.execute(_FIRST_OF_COMPANY, {"number": corporate_number, "programme": programme}).first())


def application_by_reference(conn: Connection, reference: str) -> ApplicationRow | None:
    return _row(conn.execute(_BY_REFERENCE, {"reference": reference}).first())


def application_by_id(conn: Connection, application_id: int) -> ApplicationRow | None:
    return _row(conn.execute(_BY_ID, {"aid": application_id}).first())


def places_taken(conn: Connection, programme: str) -> int:
    return conn.execute(_PLACES_TAKEN, {"programme": programme}).scalar_one()


# -- drafts and submission ------------------------------------------------------------------------
def create_draft(conn: Connection, *, user_id: int, programme: str, actor: str, now: datetime) -> int:
    """A new draft (and its first history row, none → draft)."""
    values = {
        "reference": None,
        "programme": programme,
        "user_id": user_id,
        "status": DRAFT,
        "track": None,
        "corporate_number": None,
        "company_name": None,
        "data": {},
        "meta": {},
        "created_at": now,
        "updated_at": now,
        "submitted_at": None,
    }
    application_id = conn.execute(_INSERT_APP, values).scalar_one()
    add_history(conn, application_id, at=now, actor=actor, from_status=None, to_status=DRAFT)
    return application_id


def save_draft(
    conn: Connection,
    *,
    user_id: int,
    programme: str,
    data: dict[str, Any],
    track: str | None,
    corporate_number: str | None,
    company_name: str | None,
    now: datetime,
) -> bool:
    """Rewrite the user's draft with the answers so far; False when there is no draft."""
    result = conn.execute(
        _SAVE_DRAFT,
        {
            "b_uid": user_id,
            "b_programme": programme,
            "b_data": data,
            "b_track": track,
            "b_number": corporate_number,
            "b_company": company_name[:256] if company_name else None,
            "b_now": now,
        },
    )
    return result.rowcount == 1


def submit(
    conn: Connection,
    *,
    application_id: int,
    programme: str,
    number: int,
    reference: str,
    data: dict[str, Any],
    meta: dict[str, Any],
    actor: str,
    now: datetime,
) -> None:
    """draft → submitted with its reference; call under storage.intake.lock_intake with number = last + 1."""
    result = conn.execute(
        _SUBMIT,
        {"b_aid": application_id, "b_reference": reference, "b_data": data, "b_meta": meta, "b_now": now},
    )
    if result.rowcount != 1:
        raise LookupError(f"application {application_id} is not a draft")
    set_last_reference(conn, programme, number, now)
    add_history(conn, application_id, at=now, actor=actor, from_status=DRAFT, to_status=SUBMITTED)


def move(
    conn: Connection,
    application_id: int,
    *,
    from_status: str,
    to_status: str,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> bool:
    """One move of the status with its history row; False when the status was no longer `from_status`.

    Which moves are allowed, and who may make them, is the status machine's business (staff issue).
    """
    result = conn.execute(
        _MOVE, {"b_aid": application_id, "b_from": from_status, "b_to": to_status, "b_now": now}
    )
    if result.rowcount != 1:
        return False
    add_history(
        conn, application_id, at=now, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    return True


# -- history --------------------------------------------------------------------------------------
def add_history(
    conn: Connection,
    application_id: int,
    *,
    at: datetime,
    actor: str,
    from_status: str | None,
    to_status: str,
    note: str | None = None,
) -> None:
    conn.execute(
        _INSERT_HISTORY,
        {
            "application_id": application_id,
            "at": at,
            "actor": actor,
            "from_status": from_status,
            "to_status": to_status,
            "note": note,
        },
    )


def history(conn: Connection, application_id: int) -> Sequence[Row]:
    return conn.execute(_HISTORY, {"aid": application_id}).all()


def reached_at(conn: Connection, application_id: int, status: str) -> datetime | None:
    """When the application last moved to `status` (e.g. accepted: the samples' due date counts from it)."""
    return conn.execute(_REACHED, {"aid": application_id, "status": status}).scalar_one_or_none()
