"""Every status move goes through here: the status machine (conversations/statuses.py) says
whether this actor may make it, storage.applications.move writes it with its history row, and
`notice` says to the company, in its language, what changed and what to do next.

Due dates and the sample address come from the programme file unless staff set them for one
application in `applications.meta` (keys below, set with `japanmall staff set-status … --note`
or directly): a date as YYYY-MM-DD in the programme's zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from conversations.statuses import Actor, MoveRefused, check_move
from storage import applications as store

if TYPE_CHECKING:
    from conversations.i18n import Texts
    from conversations.programme import Programme

# Per-application settings staff may put in applications.meta.
SAMPLES_DUE = "samples_due"  # YYYY-MM-DD
SALES_DATA_DUE = "sales_data_due"  # YYYY-MM-DD
SAMPLE_ADDRESS = "sample_address"  # free text, shown as is in both languages
SAMPLES_UNITS = "samples_units"  # how many samples to ship


class NotFound(LookupError):
    """No application with that reference."""


def make_move(
    conn: Connection,
    reference_or_row: str | store.ApplicationRow,
    wanted: str,
    *,
    actor: Actor,
    who: str,
    now: datetime,
    note: str | None = None,
) -> store.ApplicationRow:
    """Move the application to `wanted` if `actor` may; returns the row after the move.

    Raises NotFound, or MoveRefused (nothing changed) with the moves this actor may make."""
    row = reference_or_row
    if isinstance(row, str):
        found = store.application_by_reference(conn, row.strip().upper())
        if found is None:
            raise NotFound(row)
        row = found
    check_move(row.status, wanted, actor)
    if not store.move(conn, row.id, from_status=row.status, to_status=wanted, actor=who, now=now, note=note):
        # someone moved it in between: refuse against what it is now
        fresh = store.application_by_id(conn, row.id)
        current = fresh.status if fresh else row.status
        check_move(current, wanted, actor)
        raise MoveRefused(current, wanted, ())
    moved = store.application_by_id(conn, row.id)
    assert moved is not None
    return moved


def _day(value: Any, programme: Programme) -> datetime | None:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return datetime.combine(day, time(23, 59), tzinfo=programme.tz)


def samples_due(conn: Connection, programme: Programme, row: store.ApplicationRow) -> datetime | None:
    """Staff's date for this application, else `samples_due_days` after acceptance."""
    if row.meta.get(SAMPLES_DUE):
        return _day(row.meta[SAMPLES_DUE], programme)
    accepted = store.reached_at(conn, row.id, "accepted")
    return accepted + timedelta(days=programme.dates.samples_due_days) if accepted else None


def sales_data_due(conn: Connection, programme: Programme, row: store.ApplicationRow) -> datetime:
    """Staff's date for this application, else `sales_data_due_days` after the promotion's end."""
    if row.meta.get(SALES_DATA_DUE):
        day = _day(row.meta[SALES_DATA_DUE], programme)
        if day is not None:
            return day
    ended = store.reached_at(conn, row.id, "promotion_ended")
    end = max(ended or programme.dates.promotion_end, programme.dates.promotion_end)
    return end + timedelta(days=programme.dates.sales_data_due_days)


def notice_variables(conn: Connection, programme: Programme, row: store.ApplicationRow) -> dict[str, Any]:
    return {
        "reference": row.reference or "",
        "units": row.meta.get(SAMPLES_UNITS) or row.data.get("samples_count") or programme.samples.max_units,
        "address": row.meta.get(SAMPLE_ADDRESS),
        "samples_due": samples_due(conn, programme, row),
        "sales_data_due": sales_data_due(conn, programme, row),
        "promotion_start": programme.dates.promotion_start,
        "promotion_end": programme.dates.promotion_end,
        "ship_days": programme.shipping.max_days_after_order,
    }


def notice(
    conn: Connection,
    texts: Texts,
    programme: Programme,
    row: store.ApplicationRow,
    lang: str,
    *,
    from_status: str,
    note: str | None = None,
) -> str:
    """What the company is told about a move: what changed, then what to do next."""
    variables = notice_variables(conn, programme, row)
    status = texts.render(lang, f"core.status_names.{row.status}")
    before = texts.render(lang, f"core.status_names.{from_status}")
    head = texts.render(
        lang, "staff.notice.changed", reference=row.reference or "", status=status, before=before
    )
    body = texts.render(lang, f"staff.notice.next.{row.status}", **variables)
    tail = texts.render(lang, "staff.notice.note", note=note) if note else ""
    return "\n".join(part for part in (head, body, tail) if part)
