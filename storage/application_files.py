"""`files` rows of applications: the filled form the bot produced and the materials a company sent.

A row with `token` (unguessable, secrets.token_urlsafe) and `token_expires_at` can be served as a
download link until then (WeChat has no document messages): `file_by_token` finds it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, insert, select

from storage.models import StoredFile

_files = StoredFile.__table__

APPLICATION_FORM = "application_form"  # files.kind of the filled .xlsx
MATERIAL = "material"  # files.kind of product materials a company sent
BLANK_FORM = "blank_form"  # files.kind of a blank form sent with /form
EMAIL_FORM = "email_form"  # files.kind of a filled form a company e-mailed, as staff imported it

_INSERT = insert(_files).returning(_files.c.id)
_OF_APPLICATION = select(_files).where(_files.c.application_id == bindparam("aid")).order_by(_files.c.id)
_BY_TOKEN = select(_files).where(
    _files.c.token == bindparam("token"), _files.c.token_expires_at > bindparam("now")
)


def add_file(
    conn: Connection,
    *,
    kind: str,
    name: str,
    now: datetime,
    user_id: int | None = None,
    application_id: int | None = None,
    path: str | None = None,
    url: str | None = None,
    mime: str | None = None,
    size: int | None = None,
    sha256: str | None = None,
    token: str | None = None,
    token_expires_at: datetime | None = None,
) -> int:
    return conn.execute(
        _INSERT,
        {
            "user_id": user_id,
            "application_id": application_id,
            "kind": kind,
            "name": name[:256],
            "path": path,
            "url": url,
            "mime": mime,
            "size": size,
            "sha256": sha256,
            "token": token,
            "token_expires_at": token_expires_at,
            "created_at": now,
        },
    ).scalar_one()


def files_of(conn: Connection, application_id: int, kind: str | None = None) -> list[Row]:
    rows = conn.execute(_OF_APPLICATION, {"aid": application_id}).all()
    return [row for row in rows if kind is None or row.kind == kind]


def file_by_id(conn: Connection, file_id: int) -> Row | None:
    return conn.execute(select(_files).where(_files.c.id == file_id)).first()


def file_link(token: str) -> str:
    """The path of a file's download link (served by `japanmall serve`; prefix JAPANMALL_PUBLIC_URL)."""
    return f"/files/{token}"


def file_by_token(conn: Connection, token: str, now: datetime) -> Row | None:
    """The file a download token names, while the token has not expired."""
    return conn.execute(_BY_TOKEN, {"token": token, "now": now}).first()
