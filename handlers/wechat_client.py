"""wechatpy's WeChatClient with ONE access_token shared by every process, kept in the database.

Fetching a token invalidates the one before (docs/architecture.md), so processes must not each fetch their
own. The token lives in the `kv` row "wechat:access_token" through a wechatpy session storage;
when it is missing or about to expire, one process takes the lease "wechat:access_token:lease"
(an insert-or-take-over-if-expired, i.e. a compare-and-set) and fetches; the others wait a
bounded time for the new row. A token WeChat calls invalid (40001, 40014, 42001) is replaced only
if it is still the stored one, so a process holding an old token never throws away a fresh one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import Engine
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from storage import kv

log = logging.getLogger(__name__)

TOKEN_KEY = "wechat:access_token"
LEASE_KEY = "wechat:access_token:lease"
EXPIRY_MARGIN = timedelta(minutes=5)  # renew this long before WeChat's expiry
LEASE_TTL = timedelta(seconds=20)
WAIT_FOR_TOKEN = 15.0  # seconds a process waits for another's refresh before giving up
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
MEMO_SECONDS = 30.0  # a process re-reads the shared token this often (a 40001 re-reads it at once)


class TokenUnavailable(WeChatClientException):
    """No access_token could be had within the bound (recorded as a failed delivery)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class DatabaseSessionStorage(SessionStorage):
    """wechatpy's session storage on our `kv` table (values with a time to live)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def get(self, key: str, default: Any = None) -> Any:
        value, _expires_at = self.get_with_expiry(key)
        return default if value is None else value

    def get_with_expiry(self, key: str) -> tuple[Any, datetime | None]:
        """The live value and when it expires, or (None, None)."""
        with self.engine.begin() as conn:
            entry = kv.get(conn, key)
        if entry is None or not entry.live(self.clock(), EXPIRY_MARGIN) or not isinstance(entry.value, dict):
            return None, None
        return entry.value.get("value"), entry.expires_at

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value is None:
            return
        now = self.clock()
        expires_at = now + timedelta(seconds=ttl) if ttl else None
        with self.engine.begin() as conn:
            kv.put(conn, key, {"value": value}, now, expires_at)

    def delete(self, key: str) -> None:
        with self.engine.begin() as conn:
            kv.remove(conn, key)


class SharedTokenClient(WeChatClient):
    """A WeChatClient against `api_url` whose token is shared through `storage` (no auto_retry loops)."""

    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        storage: DatabaseSessionStorage,
        api_url: str = "https://api.weixin.qq.com",
        timeout: float = 5.0,
    ) -> None:
        super().__init__(appid, secret, session=storage, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_url.rstrip("/") + "/cgi-bin/"
        self.storage = storage
        self.holder = uuid.uuid4().hex
        self.fetches = 0
        self._memo: tuple[str, datetime | None, float] | None = None  # token, expiry, read at

    @property
    def access_token_key(self) -> str:
        return TOKEN_KEY

    @property
    def access_token(self) -> str:
        """The shared token; read from the database at most every MEMO_SECONDS while it is valid."""
        memo = self._memo
        if memo is not None and time.monotonic() - memo[2] < MEMO_SECONDS:
            token, expires_at, _at = memo
            if expires_at is None or expires_at - EXPIRY_MARGIN > self.storage.clock():
                return token
        token, expires_at = self.storage.get_with_expiry(TOKEN_KEY)
        if not token:
            token = self.refresh(stale=None)
            expires_at = self.storage.get_with_expiry(TOKEN_KEY)[1]
        self._memo = (token, expires_at, time.monotonic())
        return token

    def fetch_access_token(self) -> dict[str, Any]:
        """GET /cgi-bin/token (wechatpy's request, with our base URL and a timeout)."""
        self.fetches += 1
        try:
            response = self._http.get(
                self.API_BASE_URL + "token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
                timeout=self.timeout,
            )
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise TokenUnavailable(f"token request failed: {type(exc).__name__}") from None
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(TOKEN_KEY, result["access_token"], expires_in)
        log.info("wechat access_token refreshed", extra={"expires_in": expires_in})
        return result

    def refresh(self, stale: str | None) -> str:
        """A valid token other than `stale`: fetched by this process if it wins the lease, else awaited."""
        self._memo = None
        deadline = time.monotonic() + WAIT_FOR_TOKEN
        while True:
            with self.storage.engine.begin() as conn:
                won = kv.take_lease(conn, LEASE_KEY, self.holder, self.storage.clock(), LEASE_TTL)
            if won:
                try:
                    current = self.session.get(TOKEN_KEY)
                    if current and current != stale:
                        return current  # someone refreshed while we were deciding
                    self.fetch_access_token()
                    return self.session.get(TOKEN_KEY)
                finally:
                    with self.storage.engine.begin() as conn:
                        kv.release_lease(conn, LEASE_KEY, self.holder)
            current = self.session.get(TOKEN_KEY)
            if current and current != stale:
                return current
            if time.monotonic() > deadline:
                raise TokenUnavailable("another process holds the token refresh and has not finished")
            time.sleep(0.05)

    def call(self, request: Callable[[], Any]) -> Any:
        """Run one API request; on an invalid token, refresh once and try once more (never a loop)."""
        token = self.access_token
        try:
            return request()
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.warning(
                "wechat said the access_token is invalid; refreshing once", extra={"errcode": exc.errcode}
            )
        self.refresh(stale=token)
        return request()
