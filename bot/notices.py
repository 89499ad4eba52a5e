"""Telling the company from `japanmall staff`: the move or the answer and its message are written
together (conversations/staff/actions.py, the same code as the chat's and the console's), then
delivered through the outbox's sender before the command exits (bot/outbound.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.outbound import Sent, deliver_now
from storage import deliveries

if TYPE_CHECKING:
    from bot.wiring import App

__all__ = ["settle_now"]
log = logging.getLogger(__name__)


def settle_now(app: App, delivery_id: int, outcome: str) -> Sent:
    """Deliver one freshly written row (unless it settled as it was written); its outcome."""
    if outcome in deliveries.FINAL:
        return Sent(outcome, delivery_id)
    found = deliver_now(app, [delivery_id]).get(delivery_id, deliveries.QUEUED)
    log.info("staff message %s", found, extra={"delivery_id": delivery_id})
    return Sent(found, delivery_id)
