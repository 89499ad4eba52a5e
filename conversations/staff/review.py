"""What staff see of the applications: the filters the columns cannot do (category, company
size), counts, and one application in full. Pure reading. The export's rows are export.py's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from conversations.application.fields import NAMES
from conversations.eligibility.size import company_size
from storage import applications as store
from storage import staff as staff_store

if TYPE_CHECKING:
    from conversations.programme import Programme

SIZES = ("sme", "mid_tier", "large", "review", "unknown")


def size_of(row: store.ApplicationRow, programme: Programme) -> str:
    return company_size(dict(row.data), programme).size or "unknown"


def _kept(item: staff_store.Listed, programme: Programme, category: str | None, size: str | None) -> bool:
    row = item.application
    if category and row.data.get("product_category") != category:
        return False
    return not size or size_of(row, programme) == size


def find(
    conn: Connection,
    programme: Programme,
    filters: staff_store.Filters | None = None,
    *,
    category: str | None = None,
    size: str | None = None,
) -> list[staff_store.Listed]:
    rows = staff_store.list_applications(conn, filters or staff_store.Filters())
    return [item for item in rows if _kept(item, programme, category, size)]


def pages(
    connect: Callable[[], AbstractContextManager[Connection]],
    programme: Programme,
    filters: staff_store.Filters | None = None,
    *,
    category: str | None = None,
    size: str | None = None,
    page: int = 500,
) -> Iterator[staff_store.Listed]:
    """The applications of `find`, read a page at a time, each page in a short transaction of its
    own: a long export holds neither all of them in memory nor a lock (SQLite's write lock)."""
    after = 0
    while True:
        with connect() as conn:
            rows = staff_store.list_applications(conn, filters, after=after, limit=page)
        if not rows:
            return
        after = rows[-1].application.id
        yield from (item for item in rows if _kept(item, programme, category, size))


def summary(item: staff_store.Listed, programme: Programme) -> dict[str, Any]:
    """One line of `staff list`."""
    row = item.application
    return {
        "reference": row.reference,
        "status": row.status,
        "track": row.track,
        "company": row.company_name,
        "category": row.data.get("product_category"),
        "size": size_of(row, programme),
        "channel": item.channel,
        "language": item.language,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
    }


def stats(conn: Connection, programme: Programme) -> dict[str, Any]:
    """Counts by status, track, category, company size, language and channel; applications per day."""
    keys = ("status", "track", "category", "size", "language", "channel")
    counts: dict[str, Counter[str]] = {key: Counter() for key in (*keys, "per_day")}
    items = find(conn, programme)
    for item in items:
        line = summary(item, programme)
        for key in keys:
            counts[key][str(line[key] or "unknown")] += 1
        day = (item.application.submitted_at or item.application.created_at).astimezone(programme.tz)
        counts["per_day"][day.date().isoformat()] += 1
    result: dict[str, Any] = {"total": len(items)}
    result.update({key: dict(sorted(value.items())) for key, value in counts.items()})
    return result


def detail(conn: Connection, programme: Programme, row: store.ApplicationRow) -> dict[str, Any]:
    """Every field, the staff settings and reports, the history and the deliveries (`staff show`)."""
    return {
        "reference": row.reference,
        "status": row.status,
        "track": row.track,
        "company": row.company_name,
        "corporate_number": row.corporate_number,
        "size": size_of(row, programme),
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "fields": {name: row.data.get(name) for name in NAMES if name in row.data},
        "meta": row.meta,
        "history": [
            {
                "at": h.at.isoformat(),
                "actor": h.actor,
                "from": h.from_status,
                "to": h.to_status,
                "note": h.note,
            }
            for h in store.history(conn, row.id)
        ],
        "deliveries": [
            {
                "id": d.id,
                "kind": d.kind,
                "channel": d.channel,
                "outcome": d.outcome,
                "at": d.created_at.isoformat(),
                "error": d.error,
            }
            for d in staff_store.deliveries_for(conn, row.id)
        ],
    }
