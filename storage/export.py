"""What the staff export reads besides the applications, each in one query for all of them: when
each application reached its status, and the form file of each (the filled form the bot sent, or
the one the company e-mailed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from storage.application_files import APPLICATION_FORM, EMAIL_FORM
from storage.models import StatusChange, StoredFile

_history = StatusChange.__table__
_files = StoredFile.__table__

_LATEST_MOVE = select(func.max(_history.c.id)).group_by(_history.c.application_id).scalar_subquery()
_STATUS_SINCE = select(_history.c.application_id, _history.c.at).where(_history.c.id.in_(_LATEST_MOVE))
_FORM_FILES = (
    select(_files.c.application_id, _files.c.name, _files.c.path, _files.c.token)
    .where(_files.c.application_id.is_not(None), _files.c.kind.in_((APPLICATION_FORM, EMAIL_FORM)))
    .order_by(_files.c.id)
)


@dataclass(frozen=True, slots=True)
class FormFile:
    name: str
    path: str | None
    token: str | None


def status_since(conn: Connection) -> dict[int, datetime]:
    """Application id -> when its latest move (the one to its present status) was made."""
    return {row.application_id: row.at for row in conn.execute(_STATUS_SINCE)}


def form_files(conn: Connection) -> dict[int, FormFile]:
    """Application id -> its latest form file."""
    return {row.application_id: FormFile(row.name, row.path, row.token) for row in conn.execute(_FORM_FILES)}
