"""Messages the bot sends first on WeChat: customer service, template, or waiting. The public API.

    outcome = send_to_user(app, user_id_or_openid, [Outbound(...) or "text"], kind="notice",
                           dedup_key="notice:JM25-0042:accepted", template=Template({...}))

- Within 48 hours of the user's last message (`users.last_inbound_at`): customer-service texts.
- Outside it, or when WeChat answers 45015: a template message if one is given and configured
  (fields cut to 20 characters), else the delivery waits for the user's next message.
- 45047 (too many customer-service messages): waits for the user's next message.
- 43004 (not subscribed): recorded, the user marked unsubscribed, nothing retried.
- 40001 (invalid token): refreshed once and tried once more (wechat_client). Nothing retries unbounded.

Every call leaves one `deliveries` row with its outcome and error; with `dedup_key` the row is
claimed first, so a repeated call (another process, a restart) sends nothing twice. Waiting rows
are sent by `send_open()` once the user has written again (the server runs it every minute).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from wechatpy.exceptions import WeChatClientException

from bot.wiring import App
from conversations import Outbound
from handlers.wechat_client import DatabaseSessionStorage, SharedTokenClient
from handlers.wechat_render import reply_parts
from storage import channel_users, deliveries
from storage.channel_users import ChannelUser
from storage.deliveries import FAILED, PENDING, SENT, UNSUBSCRIBED, WAITING, DeliveryRow

log = logging.getLogger(__name__)

CHANNEL = "wechat"
WINDOW = timedelta(hours=48) - timedelta(minutes=1)  # a minute's margin against clock skew
STUCK_AFTER = timedelta(minutes=5)  # a pending row this old was left by a process that died
TEMPLATE_FIELD_CHARS = 20
MAX_MEDIA_BYTES = 20 * 1024 * 1024
ERRORS = {
    45015: "45015 out of the 48-hour window",
    45047: "45047 customer-service message limit reached",
    43004: "43004 the user has unsubscribed",
    40001: "40001 invalid access_token (after one refresh)",
}


@dataclass(frozen=True)
class Template:
    """A template message: field name -> text (at most 20 characters each, cut if longer)."""

    fields: Mapping[str, str]
    template_id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | waiting | failed | unsubscribed | pending (another sender has it)
    delivery_id: int | None
    via: str | None = None  # cs | template
    error: str | None = None
    duplicate: bool = False


class NotConfigured(RuntimeError):
    """JAPANMALL_WECHAT_APP_ID / _APP_SECRET are needed for messages the bot sends first."""


class WeChatOutbound:
    def __init__(self, app: App, client: SharedTokenClient | None = None, timeout: float = 5.0) -> None:
        self.app = app
        self.engine = app.engine
        self.clock = app.services.clock
        self.timeout = timeout
        self._client = client

    @property
    def configured(self) -> bool:
        settings = self.app.settings
        return self._client is not None or bool(settings.wechat_app_id and settings.wechat_app_secret)

    @property
    def client(self) -> SharedTokenClient:
        if self._client is None:
            settings = self.app.settings
            if not (settings.wechat_app_id and settings.wechat_app_secret):
                raise NotConfigured("JAPANMALL_WECHAT_APP_ID and JAPANMALL_WECHAT_APP_SECRET are not set")
            storage = DatabaseSessionStorage(self.engine, self.clock)
            self._client = SharedTokenClient(
                settings.wechat_app_id,
                settings.wechat_app_secret,
                storage=storage,
                api_url=settings.wechat_api_url,
                timeout=self.timeout,
            )
        return self._client

    # -- the public API --------------------------------------------------------------------------
    def send_to_user(
        self,
        user: int | str,
        messages: Sequence[Outbound | str],
        *,
        kind: str,
        dedup_key: str | None = None,
        template: Template | None = None,
        application_id: int | None = None,
    ) -> Outcome:
        """Send (or hold) messages for a WeChat user, by users.id or openid; returns the outcome."""
        items = [Outbound(m) if isinstance(m, str) else m for m in messages]
        parts = reply_parts(items, self.app.settings.public_url)
        return self.send_parts(
            user, parts, kind=kind, dedup_key=dedup_key, template=template, application_id=application_id
        )

    def send_parts(
        self,
        user: int | str,
        parts: Sequence[str],
        *,
        kind: str,
        dedup_key: str | None = None,
        template: Template | None = None,
        application_id: int | None = None,
    ) -> Outcome:
        """Texts already cut to size (a reply's remaining parts)."""
        now = self.clock()
        payload: dict[str, Any] = {"parts": list(parts), "sent_parts": 0}
        if template is not None:
            payload["template"] = {
                "fields": dict(template.fields),
                "id": template.template_id,
                "url": template.url,
            }
        with self.engine.begin() as conn:
            found = (
                channel_users.by_id(conn, user)
                if isinstance(user, int)
                else channel_users.find(conn, CHANNEL, user)
            )
            if found is None or found.channel != CHANNEL:
                log.warning("wechat send to an unknown user", extra={"kind": kind})
                return Outcome(FAILED, None, error="unknown WeChat user")
            row, new = deliveries.claim(
                conn,
                user_id=found.id,
                channel=CHANNEL,
                kind=kind,
                payload=payload,
                now=now,
                dedup_key=dedup_key,
                application_id=application_id,
            )
        if not new:
            return Outcome(row.outcome, row.id, row.payload.get("via"), row.error, duplicate=True)
        return self._deliver(row, found)

    def send_open(self, limit: int = 200) -> list[Outcome]:
        """Send waiting rows whose user has written since, and rows a dead process left pending."""
        now = self.clock()
        with self.engine.begin() as conn:
            rows = deliveries.open_for_channel(conn, CHANNEL, limit)
        outcomes = []
        for row, last_inbound_at, _subscribed in rows:
            if row.outcome == WAITING:
                since = datetime.fromisoformat(row.payload.get("waiting_since", row.created_at.isoformat()))
                if last_inbound_at is None or last_inbound_at <= since or now - last_inbound_at >= WINDOW:
                    continue
            elif row.created_at > now - STUCK_AFTER:
                continue
            with self.engine.begin() as conn:
                if not deliveries.retake(conn, row):
                    continue  # another process took it
                user = channel_users.by_id(conn, row.user_id)
            if row.outcome == PENDING:
                row.attempts += 1
            if user is not None:
                outcomes.append(self._deliver(row, user))
        return outcomes

    def download_media(
        self, media_id: str, directory: Path, name: str
    ) -> tuple[Path, int, str | None] | None:
        """Fetch a user's image through media/get into `directory`; None when WeChat will not give it."""
        try:
            response = self.client.call(lambda: self.client.media.download(media_id))
        except (WeChatClientException, requests.RequestException, NotConfigured) as exc:
            log.warning("wechat media/get failed", extra={"error": type(exc).__name__})
            return None
        if not isinstance(response, requests.Response) or len(response.content) > MAX_MEDIA_BYTES:
            return None
        mime = response.headers.get("Content-Type", "").split(";")[0].strip() or None
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / Path(name).name
        path.write_bytes(response.content)
        return path, len(response.content), mime

    # -- delivering one row ----------------------------------------------------------------------
    def _deliver(self, row: DeliveryRow, user: ChannelUser) -> Outcome:
        now = self.clock()
        payload = dict(row.payload)
        attempts = [row.attempts]
        if not user.subscribed:
            return self._finish(row, payload, UNSUBSCRIBED, attempts[0], error="the user has unsubscribed")
        window_open = user.last_inbound_at is not None and now - user.last_inbound_at < WINDOW
        code: int | None = None
        if window_open:
            code, error = self._send_texts(user.channel_user_id, payload, attempts)
            if code is None and error is None:
                payload["via"] = "cs"
                return self._finish(row, payload, SENT, attempts[0], sent_at=self.clock())
            if code == 45047:
                payload["waiting_since"] = self.clock().isoformat()
                return self._finish(row, payload, WAITING, attempts[0], error=error)
            if code == 43004:
                return self._unsubscribed(row, payload, user, attempts[0])
            if code != 45015:
                return self._finish(row, payload, FAILED, attempts[0], error=error)
        template = payload.get("template")
        template_id = (template or {}).get("id") or self.app.settings.wechat_template_id
        if template and template_id:
            code, error = self._send_template(user.channel_user_id, template_id, template, attempts)
            if code is None and error is None:
                payload["via"] = "template"
                return self._finish(row, payload, SENT, attempts[0], sent_at=self.clock())
            if code == 43004:
                return self._unsubscribed(row, payload, user, attempts[0])
            return self._finish(row, payload, FAILED, attempts[0], error=error)
        payload["waiting_since"] = self.clock().isoformat()
        reason = ERRORS[45015] if code == 45015 else "outside the 48-hour window; no template message"
        return self._finish(row, payload, WAITING, attempts[0], error=reason)

    def _send_texts(
        self, openid: str, payload: dict[str, Any], attempts: list[int]
    ) -> tuple[int | None, str | None]:
        parts = payload["parts"]
        for index in range(payload.get("sent_parts", 0), len(parts)):
            code, error = self._request(
                lambda part=parts[index]: self.client.message.send_text(openid, part), attempts
            )
            if code is not None or error is not None:
                return code, error
            payload["sent_parts"] = index + 1
        return None, None

    def _send_template(
        self, openid: str, template_id: str, template: dict[str, Any], attempts: list[int]
    ) -> tuple[int | None, str | None]:
        data = {
            name: {"value": str(text)[:TEMPLATE_FIELD_CHARS]} for name, text in template["fields"].items()
        }
        return self._request(
            lambda: self.client.message.send_template(openid, template_id, data, url=template.get("url")),
            attempts,
        )

    def _request(self, send: Any, attempts: list[int]) -> tuple[int | None, str | None]:
        """One API request (at most two calls: one token refresh); (errcode, error) or (None, None)."""

        def counted() -> Any:
            attempts[0] += 1
            return send()

        try:
            self.client.call(counted)
        except NotConfigured as exc:
            return None, str(exc)
        except WeChatClientException as exc:
            code = exc.errcode if isinstance(exc.errcode, int) else None
            if code is None:
                return None, str(exc.errmsg)
            return code, ERRORS.get(code, f"{code} {exc.errmsg}")
        except requests.RequestException as exc:
            return None, f"network: {type(exc).__name__}"
        return None, None

    def _unsubscribed(
        self, row: DeliveryRow, payload: dict[str, Any], user: ChannelUser, attempts: int
    ) -> Outcome:
        with self.engine.begin() as conn:
            channel_users.set_subscribed(conn, CHANNEL, user.channel_user_id, False)
        return self._finish(row, payload, UNSUBSCRIBED, attempts, error=ERRORS[43004])

    def _finish(
        self,
        row: DeliveryRow,
        payload: dict[str, Any],
        outcome: str,
        attempts: int,
        error: str | None = None,
        sent_at: datetime | None = None,
    ) -> Outcome:
        with self.engine.begin() as conn:
            deliveries.finish(
                conn,
                row.id,
                outcome=outcome,
                payload=payload,
                attempts=attempts,
                error=error,
                sent_at=sent_at,
            )
        level = logging.INFO if outcome in (SENT, WAITING) else logging.WARNING
        log.log(
            level,
            "wechat delivery %s",
            outcome,
            extra={"delivery_id": row.id, "kind": row.kind, "user_id": row.user_id, "error": error},
        )
        return Outcome(outcome, row.id, payload.get("via"), error)


def outbound(app: App) -> WeChatOutbound:
    """The app's one WeChatOutbound (its client keeps an HTTP session)."""
    found = app.services.options.get("wechat.outbound")
    if found is None:
        found = app.services.options["wechat.outbound"] = WeChatOutbound(app)
    return found


def send_to_user(
    app: App,
    user: int | str,
    messages: Sequence[Outbound | str],
    *,
    kind: str,
    dedup_key: str | None = None,
    template: Template | None = None,
    application_id: int | None = None,
) -> Outcome:
    """See the module's docstring."""
    return outbound(app).send_to_user(
        user, messages, kind=kind, dedup_key=dedup_key, template=template, application_id=application_id
    )
