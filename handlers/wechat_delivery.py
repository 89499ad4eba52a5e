"""Delivering one `deliveries` row on WeChat: customer service within the window, else a template,
else waiting for the user's next message; each WeChat error code turned into an outcome of the
outbox (storage/deliveries.py), transient ones (system busy, a network error) retried with backoff.
`WeChatOutbound` (wechat_out) is the public face; this is its engine room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from wechatpy.exceptions import WeChatClientException

from storage.deliveries import FAILED, SENT, UNSUBSCRIBED, WAITING, Claimed, Settlement

if TYPE_CHECKING:
    from handlers.app import App
    from handlers.wechat_client import SharedTokenClient

log = logging.getLogger(__name__)

CHANNEL = "wechat"
WINDOW = timedelta(hours=48) - timedelta(minutes=1)  # a minute's margin against clock skew
TEMPLATE_FIELD_CHARS = 20
ERRORS = {
    45015: "45015 out of the 48-hour window",
    45047: "45047 customer-service message limit reached",
    43004: "43004 the user has unsubscribed",
    40001: "40001 invalid access_token (after one refresh)",
}
TRANSIENT = frozenset({-1, 45009})  # system busy, API rate limit: tried again with backoff


@dataclass(frozen=True)
class Template:
    """A template message: field name -> text (at most 20 characters each, cut if longer)."""

    fields: Mapping[str, str]
    template_id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: str  # an outcome of storage/deliveries (queued, sent, waiting, failed, unsubscribed…)
    delivery_id: int | None
    via: str | None = None  # cs | template
    error: str | None = None
    duplicate: bool = False


class NotConfigured(RuntimeError):
    """JAPANMALL_WECHAT_APP_ID / _APP_SECRET are needed for messages the bot sends first."""


class Deliverer:
    """Sends one claimed row (blocking: the sender runs it in the runner's I/O pool). Needs `app`
    and `client` from the class using it; returns the row's Settlement and writes nothing."""

    app: App
    clock: Callable[[], datetime]
    client: SharedTokenClient

    def deliver_row(self, item: Claimed) -> Settlement:
        from handlers.sender import retry_failure

        row = item.row
        now = self.clock()
        payload = dict(row.payload)
        if "parts" not in payload:
            from conversations import Outbound
            from handlers.wechat_render import reply_parts

            messages = [Outbound.from_json(m) for m in payload.get("messages", [])]
            payload["parts"] = reply_parts(messages, self.app.settings.public_url)
            payload.setdefault("sent_parts", 0)
        calls = [row.attempts]  # attempts count the API calls (a token refresh makes two)

        def done(outcome: str, error: str | None = None, **extra: Any) -> Settlement:
            return Settlement(row.id, outcome, calls[0], payload, error, **extra)

        def again(error: str) -> Settlement:
            row.payload, row.attempts = payload, calls[0] - 1
            return retry_failure(item, error, self.clock())

        if not item.subscribed:
            return done(UNSUBSCRIBED, "the user has unsubscribed")
        window_open = item.last_inbound_at is not None and now - item.last_inbound_at < WINDOW
        code: int | None = None
        if window_open:
            code, error = self._send_texts(item.channel_user_id, payload, calls)
            if code is None and error is None:
                payload["via"] = "cs"
                return done(SENT)
            if code == 45047:
                return done(WAITING, error, retry_at=self.clock())
            if code == 43004:
                return done(UNSUBSCRIBED, ERRORS[43004], mark_user=UNSUBSCRIBED)
            if code in TRANSIENT or (code is None and error and error.startswith("network")):
                return again(error or "")
            if code != 45015:
                return done(FAILED, error)
        template = payload.get("template")
        template_id = (template or {}).get("id") or self.app.settings.wechat_template_id
        if template and template_id:
            code, error = self._send_template(item.channel_user_id, template_id, template, calls)
            if code is None and error is None:
                payload["via"] = "template"
                return done(SENT)
            if code == 43004:
                return done(UNSUBSCRIBED, ERRORS[43004], mark_user=UNSUBSCRIBED)
            if code in TRANSIENT or (code is None and error and error.startswith("network")):
                return again(error or "")
            return done(FAILED, error)
        reason = ERRORS[45015] if code == 45015 else "outside the 48-hour window; no template message"
        return done(WAITING, reason, retry_at=self.clock())

    def _send_texts(
        self, openid: str, payload: dict[str, Any], calls: list[int]
    ) -> tuple[int | None, str | None]:
        parts = payload["parts"]
        for index in range(payload.get("sent_parts", 0), len(parts)):
            code, error = self._request(
                lambda part=parts[index]: self.client.message.send_text(openid, part), calls
            )
            if code is not None or error is not None:
                return code, error
            payload["sent_parts"] = index + 1
        return None, None

    def _send_template(
        self, openid: str, template_id: str, template: dict[str, Any], calls: list[int]
    ) -> tuple[int | None, str | None]:
        data = {
            name: {"value": str(text)[:TEMPLATE_FIELD_CHARS]} for name, text in template["fields"].items()
        }
        return self._request(
            lambda: self.client.message.send_template(openid, template_id, data, url=template.get("url")),
            calls,
        )

    def _request(self, send: Any, calls: list[int]) -> tuple[int | None, str | None]:
        """One API request (at most two calls: one token refresh); (errcode, error) or (None, None)."""
        from handlers.wechat_client import TokenUnavailable

        def counted() -> Any:
            calls[0] += 1
            return send()

        try:
            self.client.call(counted)
        except NotConfigured as exc:
            return None, str(exc)
        except TokenUnavailable as exc:
            return None, f"network: {exc.errmsg}"
        except WeChatClientException as exc:
            code = exc.errcode if isinstance(exc.errcode, int) else None
            if code is None:  # an HTTP error (5xx) from wechatpy's raise_for_status: transient
                return None, f"network: HTTP error {exc.errmsg or ''}".strip()
            return code, ERRORS.get(code, f"{code} {exc.errmsg}")
        except requests.RequestException as exc:
            return None, f"network: {type(exc).__name__}"
        return None, None
