"""Signing in, sessions, CSRF and the lockout.

- The session cookie holds a random token (HttpOnly, SameSite=Lax, Secure when the console is
  served over https, path /staff/); the database keeps its SHA-256 only, with the session's CSRF
  token. A session ends on sign-out, when its account is disabled or gets a new password, and
  after IDLE without a request.
- Every POST carries the session's CSRF token (form field `csrf`, or the X-CSRF-Token header);
  without the right one the answer is 403 and nothing is done. The sign-in form has a token of
  its own (double-submit: a cookie and the same value in the form), since there is no session yet.
- After LOCK_AFTER failed sign-ins within WINDOW for one name or from one address, sign-in is
  refused for LOCK_FOR (the password is not even checked), and the log says so.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from staff_console import accounts
from storage import staff_accounts as store
from storage.runner import StepRunner

log = logging.getLogger(__name__)

COOKIE = "jm_staff"
LOGIN_COOKIE = "jm_staff_login"
PATH = "/staff/"
IDLE = timedelta(minutes=30)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
LOCK_AFTER = 5
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def locked_until(failures: list[tuple[datetime, bool, bool]], now: datetime) -> datetime | None:
    """When the lockout ends, if LOCK_AFTER failures for the name, or from the address, fell within
    WINDOW and the last of them was less than LOCK_FOR ago."""
    ends = []
    for index in (1, 2):  # same name, same address
        times = [row[0] for row in failures if row[index]]
        for i in range(LOCK_AFTER - 1, len(times)):
            if times[i] - times[i - LOCK_AFTER + 1] <= WINDOW and times[i] + LOCK_FOR > now:
                ends.append(times[i] + LOCK_FOR)
    return max(ends, default=None)


@dataclass(frozen=True)
class SignIn:
    outcome: str  # "ok", "wrong", "locked"
    token: str | None = None


@dataclass(frozen=True)
class Staff:
    """Who is asking: the signed-in account and its session."""

    account: store.Account
    session: store.Session

    @property
    def actor(self) -> str:
        return f"console:{self.account.username}"

    @property
    def csrf(self) -> str:
        return self.session.csrf_token


class Auth:
    def __init__(
        self, engine: Engine, clock: Callable[[], datetime], runner: StepRunner, *, secure: bool
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.runner = runner
        self.secure = secure

    # -- sessions ---------------------------------------------------------------------------
    def _live(self, token: str) -> store.Session | None:
        now = self.clock()
        with self.engine.begin() as conn:
            found = store.live_session(conn, digest(token), now - IDLE)
            if found is not None and now - found.last_seen_at >= TOUCH_EVERY:
                store.touch_session(conn, found.token_hash, now)
        return found

    async def staff(self, request: Request) -> Staff | None:
        token = request.cookies.get(COOKIE)
        if not token or len(token) > 128:
            return None
        found = await self.runner.run(self._live, token)
        return None if found is None else Staff(found.account, found)

    def _sign_in(self, username: str, password: str, address: str) -> SignIn:
        name = username.strip().lower()[:64]
        now = self.clock()
        with self.engine.begin() as conn:
            until = locked_until(store.failures_since(conn, name, address, now - WINDOW - LOCK_FOR), now)
            if until is not None:
                log.warning(
                    "staff sign-in refused: locked out", extra={"staff_user": name, "address": address}
                )
                store.audit(conn, actor=f"console:{name}", action="sign_in_locked", target=address, now=now)
                return SignIn("locked")
            account = store.account_by_name(conn, name)
            if not accounts.verify(account, password) or account is None or account.disabled_at is not None:
                store.record_failure(conn, name, address, now)
                store.audit(conn, actor=f"console:{name}", action="sign_in_failed", target=address, now=now)
                failures = store.failures_since(conn, name, address, now - WINDOW)
                if locked_until(failures, now) is not None:
                    log.warning(
                        "staff sign-in locked after %d failures",
                        LOCK_AFTER,
                        extra={"staff_user": name, "address": address},
                    )
                else:
                    log.info("staff sign-in failed", extra={"staff_user": name, "address": address})
                return SignIn("wrong")
            if accounts.needs_rehash(account):
                store.rehash(conn, account.id, accounts.hash_password(password))
            token = secrets.token_urlsafe(32)
            store.open_session(conn, account.id, digest(token), secrets.token_urlsafe(32), now)
            store.audit(conn, actor=f"console:{name}", action="sign_in", target=address, now=now)
        log.info("staff signed in", extra={"staff_user": name})
        return SignIn("ok", token)

    async def sign_in(self, username: str, password: str, address: str) -> SignIn:
        return await self.runner.run(self._sign_in, username, password, address)

    def _sign_out(self, staff: Staff) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            store.revoke_session(conn, staff.session.token_hash, now)
            store.audit(conn, actor=staff.actor, action="sign_out", target=None, now=now)

    async def sign_out(self, staff: Staff) -> None:
        await self.runner.run(self._sign_out, staff)

    # -- cookies ----------------------------------------------------------------------------
    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=PATH, httponly=True, samesite="lax", secure=self.secure
        )

    def forget_cookie(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path=PATH, httponly=True, samesite="lax", secure=self.secure)


Handler = Callable[[Request, Staff], Awaitable[Response]]


def forbidden(request: Request) -> Response:
    from staff_console.signin import refused

    return refused(request)


def guard(role: str = "viewer") -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A page for signed-in staff of at least `role`: anyone else is sent to the sign-in page (and
    learns nothing); a POST without the session's CSRF token, or by too small a role, gets 403."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            auth: Auth = request.app.state.console.auth
            staff = await auth.staff(request)
            if staff is None:
                response = RedirectResponse(f"{PATH}login", status_code=303)
                if request.cookies.get(COOKIE):
                    auth.forget_cookie(response, COOKIE)
                return response
            request.state.staff = staff
            if request.method == "POST":
                form = await request.form()
                given: Any = form.get("csrf") or request.headers.get("x-csrf-token")
                if not same(given, staff.csrf):
                    log.warning(
                        "staff console: POST without the CSRF token refused", extra={"path": request.url.path}
                    )
                    return Response("CSRF token missing or wrong", status_code=403, media_type="text/plain")
            if not accounts.may(staff.account.role, role):
                log.warning(
                    "staff console: %s refused to a %s",
                    request.url.path,
                    staff.account.role,
                    extra={"staff_user": staff.account.username},
                )
                return forbidden(request)
            return await handler(request, staff)

        return endpoint

    return wrap
