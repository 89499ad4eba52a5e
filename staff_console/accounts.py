"""Staff accounts: roles, Argon2id password hashes (argon2-cffi), adding, disabling, new passwords.

The `japanmall staff user …` commands (bot/staff_users_cli.py) and the console's admin page both
come here. A password is only ever hashed and verified; it is never logged, stored or shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from storage import staff_accounts as store

ROLES = ("viewer", "reviewer", "admin")  # each may do what the one before may, and more
NAME = re.compile(r"[a-z0-9][a-z0-9._\-]{1,63}")
MIN_PASSWORD = 12
TIMEZONES = {"Asia/Tokyo": "jst", "Asia/Shanghai": "cst"}  # the staff's choice of clock
_hasher = PasswordHasher()  # Argon2id with argon2-cffi's recommended parameters (RFC 9106, low memory)
# Checked against when the name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A name, role or password that cannot be used; the message says why (never the password)."""


def may(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may (viewer < reviewer < admin)."""
    return ROLES.index(role) >= ROLES.index(needed)


def check_name(username: str) -> str:
    name = username.strip().lower()
    if not NAME.fullmatch(name):
        raise AccountError("a name is 2-64 of a-z 0-9 . _ - (starting with a letter or digit)")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify(account: store.Account | None, password: str) -> bool:
    """Whether the password is the account's; as slow for an unknown name as for a known one."""
    try:
        return _hasher.verify(account.password_hash if account else _DUMMY, password) and account is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(account: store.Account) -> bool:
    return _hasher.check_needs_rehash(account.password_hash)


def add(
    engine: Engine,
    clock: Callable[[], datetime],
    username: str,
    role: str,
    password: str,
    language: str = "ja",
) -> int:
    if role not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    name = check_name(username)
    hashed = hash_password(password)
    timezone = "Asia/Shanghai" if language == "zh" else "Asia/Tokyo"
    with engine.begin() as conn:
        if store.account_by_name(conn, name) is not None:
            raise AccountError(f"an account {name} already exists")
        return store.add_account(
            conn,
            username=name,
            role=role,
            password_hash=hashed,
            language=language,
            timezone=timezone,
            now=clock(),
        )


def _existing(conn: object, username: str) -> store.Account:
    found = store.account_by_name(conn, username.strip().lower())  # type: ignore[arg-type]
    if found is None:
        raise AccountError(f"no account {username}")
    return found


def disable(engine: Engine, clock: Callable[[], datetime], username: str) -> int:
    """Disable the account and end its sessions; returns how many sessions ended."""
    with engine.begin() as conn:
        found = _existing(conn, username)
        now = clock()
        ended = store.revoke_sessions(conn, found.id, now)
        store.disable(conn, found.id, now)
        return ended


def set_password(engine: Engine, clock: Callable[[], datetime], username: str, password: str) -> None:
    hashed = hash_password(password)
    with engine.begin() as conn:
        store.set_password(conn, _existing(conn, username).id, hashed, clock())


def listing(engine: Engine) -> list[store.Account]:
    with engine.connect() as conn:
        return store.accounts(conn)
