"""Messages the bot sends first on WeChat. The public API; the sending is done by the outbox's
one sender (handlers/sender.py) through `WeChatOutbound.transport`.

    outcome = send_to_user(app, user_id_or_openid, [Outbound(...) or "text"], kind="notice",
                           dedup_key="notice:JM25-0042:accepted", template=Template({...}))

writes a `deliveries` row (queued) and wakes the sender. The sender's WeChat transport
(handlers/wechat_delivery.py) then sends:
- within 48 hours of the user's last message (`users.last_inbound_at`): customer-service texts;
- outside it, or when WeChat answers 45015: a template message if one is given and configured
  (fields cut to 20 characters), else the row waits for the user's next message;
- 45047 (too many customer-service messages): waits for the user's next message;
- 43004 (not subscribed): settled, the user marked unsubscribed;
- 40001 (invalid token): refreshed once and tried once more (wechat_client), then failed;
- a network error, an HTTP 5xx, -1 (system busy): tried again with backoff, a bounded number of times.
Waiting rows go back to the queue when their user writes again (storage/deliveries.requeue_waiting).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from wechatpy.exceptions import WeChatClientException

from conversations import Outbound
from handlers.wechat_client import DatabaseSessionStorage, SharedTokenClient
from handlers.wechat_delivery import CHANNEL, WINDOW, Deliverer, NotConfigured, Outcome, Template
from handlers.wechat_render import reply_parts
from storage import channel_users, deliveries
from storage.deliveries import FAILED, Claimed, Settlement

if TYPE_CHECKING:
    from handlers.app import App
    from storage.runner import StepRunner

log = logging.getLogger(__name__)
__all__ = [
    "NotConfigured",
    "Outcome",
    "Template",
    "WeChatOutbound",
    "WeChatTransport",
    "outbound",
    "send_to_user",
]

MAX_MEDIA_BYTES = 20 * 1024 * 1024


def _no_sender() -> None:
    """Until a server's sender is attached: sends are delivered where they are made."""


class WeChatOutbound(Deliverer):
    def __init__(self, app: App, client: SharedTokenClient | None = None, timeout: float = 5.0) -> None:
        self.app = app
        self.engine = app.engine
        self.clock = app.services.clock
        self.timeout = timeout
        self._client = client
        self.wake: Any = _no_sender  # the server's sender (handlers/sender.Sender.wake)

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
            row, new = deliveries.enqueue(
                conn,
                user_id=found.id,
                kind=kind,
                messages=[],
                now=self.clock(),
                dedup_key=dedup_key,
                application_id=application_id,
                template=payload.get("template"),
            )
            if new:
                deliveries.set_payload(conn, row.id, {**row.payload, **payload})
        if not new:
            return Outcome(row.outcome, row.id, row.payload.get("via"), row.error, duplicate=True)
        if self.wake is not _no_sender or row.outcome != deliveries.QUEUED:
            self.wake()
            return Outcome(row.outcome, row.id, None, row.error)
        return self.deliver_here(row.id)

    def deliver_here(self, row_id: int) -> Outcome:
        """No sender runs in this process (a test, a script): deliver the row now, through the
        transport's own code, and write its outcome as the sender would."""
        holder = f"direct:{os.getpid()}"
        with self.engine.begin() as conn:
            item = deliveries.claim_one(conn, row_id, holder, self.clock())
        if item is None:
            return Outcome(deliveries.SENDING, row_id)
        settlement = self.deliver_row(item)
        settlement.user_id = item.row.user_id
        with self.engine.begin() as conn:
            deliveries.settle(conn, [settlement], self.clock())
        return Outcome(settlement.outcome, row_id, settlement.payload.get("via"), settlement.error)

    def send_open(self) -> int:
        """Waiting rows whose user has written since back to the queue, and the sender woken
        (the sender does this itself too, every few seconds); how many were queued again."""
        with self.engine.begin() as conn:
            count = deliveries.requeue_waiting(conn, CHANNEL, self.clock(), WINDOW)
        if count:
            self.wake()
        return count

    def transport(self, runner: StepRunner) -> WeChatTransport:
        return WeChatTransport(self, runner)

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


class WeChatTransport:
    """The sender's WeChat transport: the blocking API calls in the runner's I/O pool."""

    channel = CHANNEL
    concurrency = 8

    def __init__(self, out: WeChatOutbound, runner: StepRunner) -> None:
        self.out = out
        self.runner = runner

    async def send(self, item: Claimed) -> Settlement:
        return await self.runner.io(self.out.deliver_row, item)


def outbound(app: App) -> WeChatOutbound:
    """The app's one WeChatOutbound (its client keeps an HTTP session)."""
    found = app.wechat_outbound
    if found is None:
        found = app.wechat_outbound = WeChatOutbound(app)
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
