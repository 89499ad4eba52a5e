"""The staff console's SQL: accounts, sessions, failed sign-ins and the audit log.

A session is stored by the SHA-256 of its cookie's token (the token itself is never kept), so a
copy of the database lets nobody sign in. Sessions end when revoked (sign-out, the account
disabled, its password changed) or when idle too long (the caller gives the cut-off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update

from storage.models import StaffAccount, StaffAudit, StaffSession, StaffSignInFailure

_accounts = StaffAccount.__table__
_sessions = StaffSession.__table__
_failures = StaffSignInFailure.__table__
_audit = StaffAudit.__table__


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    role: str
    password_hash: str
    language: str
    timezone: str
    created_at: datetime
    password_changed_at: datetime
    disabled_at: datetime | None


_ACCOUNT_COLUMNS = [getattr(_accounts.c, name) for name in Account.__slots__]


def add_account(
    conn: Connection,
    *,
    username: str,
    role: str,
    password_hash: str,
    language: str,
    timezone: str,
    now: datetime,
) -> int:
    return conn.execute(
        insert(_accounts).returning(_accounts.c.id),
        {
            "username": username,
            "role": role,
            "password_hash": password_hash,
            "language": language,
            "timezone": timezone,
            "created_at": now,
            "password_changed_at": now,
            "disabled_at": None,
        },
    ).scalar_one()


def account_by_name(conn: Connection, username: str) -> Account | None:
    row = conn.execute(select(*_ACCOUNT_COLUMNS).where(_accounts.c.username == username)).first()
    return None if row is None else Account(*row)


def accounts(conn: Connection) -> list[Account]:
    return [Account(*row) for row in conn.execute(select(*_ACCOUNT_COLUMNS).order_by(_accounts.c.username))]


def set_password(conn: Connection, account_id: int, password_hash: str, now: datetime) -> None:
    """A new hash; every session of the account ends (whoever had the old password is out)."""
    conn.execute(
        update(_accounts)
        .where(_accounts.c.id == account_id)
        .values(password_hash=password_hash, password_changed_at=now)
    )
    revoke_sessions(conn, account_id, now)


def rehash(conn: Connection, account_id: int, password_hash: str) -> None:
    """The same password under stronger parameters (argon2's check_needs_rehash); sessions stay."""
    conn.execute(update(_accounts).where(_accounts.c.id == account_id).values(password_hash=password_hash))


def disable(conn: Connection, account_id: int, now: datetime) -> None:
    conn.execute(update(_accounts).where(_accounts.c.id == account_id).values(disabled_at=now))
    revoke_sessions(conn, account_id, now)


def set_preferences(conn: Connection, account_id: int, *, language: str, timezone: str) -> None:
    conn.execute(
        update(_accounts).where(_accounts.c.id == account_id).values(language=language, timezone=timezone)
    )


# -- sessions ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Session:
    token_hash: str
    csrf_token: str
    last_seen_at: datetime
    account: Account


_SESSION = (
    select(_sessions.c.token_hash, _sessions.c.csrf_token, _sessions.c.last_seen_at, *_ACCOUNT_COLUMNS)
    .join(_accounts, _accounts.c.id == _sessions.c.account_id)
    .where(
        _sessions.c.token_hash == bindparam("token_hash"),
        _sessions.c.revoked_at.is_(None),
        _sessions.c.last_seen_at > bindparam("idle_since"),
        _accounts.c.disabled_at.is_(None),
    )
)


def open_session(conn: Connection, account_id: int, token_hash: str, csrf_token: str, now: datetime) -> None:
    conn.execute(
        insert(_sessions),
        {
            "token_hash": token_hash,
            "account_id": account_id,
            "csrf_token": csrf_token,
            "created_at": now,
            "last_seen_at": now,
            "revoked_at": None,
        },
    )


def live_session(conn: Connection, token_hash: str, idle_since: datetime) -> Session | None:
    """The session if it is neither revoked nor idle since before `idle_since`, and its account
    is not disabled."""
    row = conn.execute(_SESSION, {"token_hash": token_hash, "idle_since": idle_since}).first()
    return None if row is None else Session(row[0], row[1], row[2], Account(*row[3:]))


def touch_session(conn: Connection, token_hash: str, now: datetime) -> None:
    conn.execute(update(_sessions).where(_sessions.c.token_hash == token_hash).values(last_seen_at=now))


def revoke_session(conn: Connection, token_hash: str, now: datetime) -> None:
    conn.execute(
        update(_sessions)
        .where(_sessions.c.token_hash == token_hash, _sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_sessions(conn: Connection, account_id: int, now: datetime) -> int:
    return conn.execute(
        update(_sessions)
        .where(_sessions.c.account_id == account_id, _sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount


# -- failed sign-ins -----------------------------------------------------------------------------
def record_failure(conn: Connection, username: str, address: str, now: datetime) -> None:
    conn.execute(insert(_failures), {"at": now, "username": username[:64], "address": address[:64]})


def failures_since(
    conn: Connection, username: str, address: str, since: datetime
) -> list[tuple[datetime, bool, bool]]:
    """Failures after `since` for this name or this address: (when, same name, same address)."""
    rows = conn.execute(
        select(_failures.c.at, _failures.c.username, _failures.c.address)
        .where(
            _failures.c.at > since,
            or_(_failures.c.username == username[:64], _failures.c.address == address[:64]),
        )
        .order_by(_failures.c.at)
    )
    return [(row.at, row.username == username[:64], row.address == address[:64]) for row in rows]


# -- the audit log -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


_AUDIT_COLUMNS = [getattr(_audit.c, name) for name in AuditRow.__slots__]


def audit(
    conn: Connection, *, actor: str, action: str, target: str | None, now: datetime, **detail: Any
) -> None:
    conn.execute(
        insert(_audit), {"at": now, "actor": actor, "action": action, "target": target, "detail": detail}
    )


def audit_page(conn: Connection, *, offset: int, limit: int) -> tuple[int, list[AuditRow]]:
    total = conn.execute(select(func.count()).select_from(_audit)).scalar_one()
    rows = conn.execute(select(*_AUDIT_COLUMNS).order_by(_audit.c.id.desc()).offset(offset).limit(limit))
    return total, [AuditRow(*row) for row in rows]
