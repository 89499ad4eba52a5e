"""Delivering one `deliveries` row on WeChat: customer service within the window, else a template,
else waiting for the user's next message; each WeChat error code turned into a clear outcome.
`WeChatOutbound` (wechat_out) is the public face; this is its engine room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from sqlalchemy import Engine
from wechatpy.exceptions import WeChatClientException

from storage import channel_users, deliveries
from storage.channel_users import ChannelUser
from storage.deliveries import FAILED, SENT, UNSUBSCRIBED, WAITING, DeliveryRow

if TYPE_CHECKING:
    from bot.wiring import App
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


class Deliverer:
    """Sends one claimed row. Needs `app`, `engine`, `clock` and `client` from the class using it."""

    app: App
    engine: Engine
    clock: Callable[[], datetime]
    client: SharedTokenClient

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
