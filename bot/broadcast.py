"""Broadcasts: one message, in Japanese and in Chinese, to a segment of companies.

`prepare` fixes the recipients (a `broadcasts` row with the list); `deliver` sends through the one
outbound path (bot/outbound.py), each recipient claimed by its delivery row
`broadcast:<id>:<user id>` before anything goes out. Run it again on an interrupted broadcast and
it sends only to those never claimed: nobody gets it twice. A recipient whose send was in flight
when the process died (row still `pending`/`sending`) is reported `unconfirmed` and not sent
again (at most once: a platform cannot tell us whether it arrived). A failed Telegram send is
tried again on resume.

Pace: Telegram through the outbox's rate limiter (about 30 messages a second overall, honouring
429 retry_after); WeChat customer-service messages inside the 48-hour window, else the message
waits for the user's next one (template messages are for service notices, not broadcasts);
the console holds it for the next opening.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.outbound import Postman
from bot.wiring import App
from conversations import Outbound
from storage import broadcasts as store

CONCURRENCY = 16  # sends in flight at once; the platform limiter sets the actual pace
# What a delivery's outcome counts as in the report.
REPORTED = {
    "sent": "sent",
    "held": "held",
    "waiting": "held",
    "blocked": "blocked",
    "unsubscribed": "blocked",
    "failed": "failed",
    "pending": "unconfirmed",
    "sending": "unconfirmed",  # Telegram's claimed-and-sending state
}
RETRIED = ("failed",)  # a resumed broadcast tries failed Telegram sends again (the store reclaims them)


@dataclass(frozen=True)
class Segment:
    statuses: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    def as_filters(self) -> dict[str, list[str]]:
        return {name: list(value) for name, value in vars(self).items() if value}


@dataclass
class Report:
    broadcast_id: int
    total: int
    counts: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        order = ("sent", "held", "blocked", "failed", "unconfirmed")
        return ", ".join(f"{name} {self.counts.get(name, 0)}" for name in order)


def select_recipients(app: App, segment: Segment) -> list[store.Recipient]:
    with app.engine.connect() as conn:
        return store.recipients(
            conn,
            app.programme.id,
            statuses=segment.statuses,
            tracks=segment.tracks,
            languages=segment.languages,
            channels=segment.channels,
            references=segment.references,
        )


def per_channel_and_language(recipients: Sequence[store.Recipient]) -> dict[tuple[str, str], int]:
    return dict(sorted(Counter((r.channel, r.language) for r in recipients).items()))


def prepare(
    app: App, segment: Segment, text_ja: str, text_zh: str, created_by: str
) -> tuple[int, list[store.Recipient]]:
    recipients = select_recipients(app, segment)
    with app.engine.begin() as conn:
        broadcast_id = store.create(
            conn,
            created_by=created_by,
            filters=segment.as_filters(),
            text_ja=text_ja,
            text_zh=text_zh,
            recipients=recipients,
            now=app.services.clock(),
        )
    return broadcast_id, recipients


@contextlib.asynccontextmanager
async def _postman(app: App, given: Postman | None, needs_telegram: bool) -> AsyncIterator[Postman]:
    if given is not None or not (needs_telegram and app.settings.telegram_token):
        yield given or Postman(app)
        return
    from handlers.telegram_out import open_outbox

    async with open_outbox(app) as outbox:  # one bot (one rate limiter) for the whole broadcast
        yield Postman(app, telegram=outbox)


async def deliver(
    app: App,
    broadcast_id: int,
    *,
    postman: Postman | None = None,
    concurrency: int = CONCURRENCY,
    on_result: Callable[[str], Any] | None = None,
) -> Report:
    """Send the broadcast to every recipient not claimed yet; the report covers all recipients."""
    with app.engine.connect() as conn:
        row = store.get(conn, broadcast_id)
        if row is None:
            raise LookupError(f"no broadcast {broadcast_id}")
        claimed = store.outcomes(conn, broadcast_id)
    recipients = row.recipients
    report = Report(broadcast_id, len(recipients))
    todo = []
    for recipient in recipients:
        outcome = claimed.get(recipient.user_id)
        if outcome is None or (outcome in RETRIED and recipient.channel == "telegram"):
            todo.append(recipient)
            continue
        report.counts[REPORTED.get(outcome, "failed")] += 1
        if on_result:
            on_result(outcome)
    texts = {"ja": row.text_ja, "zh": row.text_zh}
    gate = asyncio.Semaphore(concurrency)

    async with _postman(app, postman, any(r.channel == "telegram" for r in todo)) as sender:

        async def one(recipient: store.Recipient) -> None:
            messages = [Outbound(texts.get(recipient.language, row.text_ja))]
            key = store.key(broadcast_id, recipient.user_id)
            async with gate:
                if recipient.channel == "telegram" and sender.telegram is not None:
                    # The Postman's own Telegram path without its per-send user lookup on the loop.
                    done = await sender.telegram.send_to_user(
                        recipient.user_id,
                        messages,
                        kind="broadcast",
                        dedup_key=key,
                        application_id=recipient.application_id,
                    )
                    result = done.outcome
                else:
                    sent = await sender.send(
                        recipient.user_id,
                        messages,
                        kind="broadcast",
                        dedup_key=key,
                        application_id=recipient.application_id,
                    )
                    result = sent.outcome
            outcome = "unconfirmed" if result == "duplicate" else REPORTED.get(result, "failed")
            report.counts[outcome] += 1
            if on_result:
                on_result(result)

        await asyncio.gather(*(one(recipient) for recipient in todo))
    with app.engine.begin() as conn:
        store.finish(conn, broadcast_id, app.services.clock())
    return report


def take_queued(app: App) -> int | None:
    with app.engine.begin() as conn:
        return store.take_queued(conn)


async def tell_requester(app: App, postman: Postman, report: Report) -> None:
    """Tell the staff member who confirmed it in the chat how the broadcast went."""
    with app.engine.connect() as conn:
        row = store.get(conn, report.broadcast_id)
    user_id = (row.filters if row else {}).get("requested_by_user")
    if user_id is None:
        return
    counts = report.counts
    text = app.texts.render(
        postman.language_of(user_id),
        "reminders.broadcast.finished",
        id=report.broadcast_id,
        sent=counts.get("sent", 0),
        held=counts.get("held", 0),
        blocked=counts.get("blocked", 0),
        failed=counts.get("failed", 0) + counts.get("unconfirmed", 0),
    )
    await postman.send(
        user_id, [Outbound(text)], kind="notice", dedup_key=f"broadcast-report:{report.broadcast_id}"
    )
