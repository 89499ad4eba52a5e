"""Which reminder is due at a moment; written into the outbox and delivered by its sender (bot/outbound.py).

Rules (offsets in days from the programme file's `[reminders]`, negative = before the date):
- deadline: drafts (started, never submitted), before `dates.deadline`;
- samples: accepted applications (status still `accepted`: no shipment reported), around the due
  date = acceptance (status history) + `samples_due_days`, or `meta["samples_due_at"]` set by staff;
- sales_data: `promotion_ended` applications (no data yet), around `promotion_end` +
  `sales_data_due_days`, or `meta["sales_data_due_at"]`.

Only the latest offset that has passed is due ("missed while the server was down" goes out once,
late), a before-reminder never after its date, and nothing once the status moved on. A reminder is
its outbox row `reminder:<application id>:<rule>:<offset>` (unique): two processes that find it
due at once write it once, and the one sender sends it once. Between `quiet_start` and
`quiet_end` in the company's time zone nothing is sent: the reminder is reported `held` and
goes out at the first run after the quiet hours.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import outbound
from bot.wiring import App
from conversations import Outbound
from handlers.sender import Sender
from storage import deliveries
from storage import reminders as store

log = logging.getLogger(__name__)

RULES = ("deadline", "samples", "sales_data")
STATUS_OF = {"samples": "accepted", "sales_data": "promotion_ended"}
DRAFT_BATCH = 1000  # drafts taken per run; the next minute takes the rest
TOKYO, SHANGHAI = "Asia/Tokyo", "Asia/Shanghai"
SETTLED = timedelta(minutes=10)  # an application created this long ago is surely committed


@dataclass(frozen=True, slots=True)
class Due:
    application_id: int
    reference: str | None
    rule: str
    offset: int
    user_id: int
    channel: str
    language: str
    timezone: str
    due_at: datetime  # the date the rule is about (the deadline, the samples' or the data's due date)

    @property
    def dedup_key(self) -> str:
        return f"reminder:{self.application_id}:{self.rule}:{self.offset}"


def zone_of(channel: str, language: str | None, timezone: str | None) -> str:
    """The company's zone: its own setting, else Shanghai for WeChat or Chinese, else Tokyo."""
    if timezone:
        return timezone
    return SHANGHAI if channel == "wechat" or language == "zh" else TOKYO


def quiet(now: datetime, zone: str, start: time, end: time) -> bool:
    local = now.astimezone(ZoneInfo(zone)).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def current_offset(offsets: Sequence[int], target: datetime, now: datetime) -> int | None:
    """The latest offset whose moment has passed; None if none has, or it was a before-reminder
    and the date itself has passed too."""
    passed = [offset for offset in sorted(offsets) if target + timedelta(days=offset) <= now]
    if not passed or (passed[-1] < 0 and now >= target):
        return None
    return passed[-1]


def _due_at(candidate: store.Candidate, rule: str, app: App) -> datetime | None:
    dates = app.programme.dates
    given = candidate.meta.get(f"{rule}_due_at")
    if given:
        try:
            at = datetime.fromisoformat(str(given))
        except ValueError:
            log.warning("application %s: bad %s_due_at in meta", candidate.application_id, rule)
        else:
            return at if at.tzinfo else at.replace(tzinfo=app.programme.tz)
    if rule == "samples":
        return None if candidate.anchor is None else candidate.anchor + timedelta(days=dates.samples_due_days)
    return dates.promotion_end + timedelta(days=dates.sales_data_due_days)


def _due(candidate: store.Candidate, rule: str, offset: int, due_at: datetime) -> Due:
    language = candidate.language or ("zh" if candidate.channel == "wechat" else "ja")
    return Due(
        candidate.application_id,
        candidate.reference,
        rule,
        offset,
        candidate.user_id,
        candidate.channel,
        language,
        zone_of(candidate.channel, candidate.language, candidate.timezone),
        due_at,
    )


def find_due(app: App, now: datetime, memo: dict[str, int] | None = None) -> list[Due]:
    """Everything due at `now` and not claimed yet (blocking: runs in a worker thread).

    `memo` (kept by the scheduler between runs) remembers, per deadline offset, an application id
    up to which every draft was found claimed: the next run looks only above it. Claims are never
    undone, and only ids created SETTLED ago count, so no draft committed late is skipped.
    """
    programme, offsets = app.programme, app.programme.reminders
    found: list[Due] = []
    with app.engine.connect() as conn:
        deadline = programme.dates.deadline
        offset = current_offset(offsets.deadline, deadline, now)
        if offset is not None:
            memo_key = f"{programme.id}:deadline:{offset}"
            after = memo.get(memo_key, 0) if memo is not None else 0
            drafts = store.drafts_without(conn, programme.id, "deadline", offset, DRAFT_BATCH, after)
            for candidate in drafts:
                found.append(_due(candidate, "deadline", offset, deadline))
            if memo is not None and not drafts:
                memo[memo_key] = store.settled_id(conn, after, now - SETTLED)
        for rule, status in STATUS_OF.items():
            rule_offsets = getattr(offsets, rule)
            maybe: list[Due] = []
            for candidate in store.in_status(conn, programme.id, status):
                due_at = _due_at(candidate, rule, app)
                offset = None if due_at is None else current_offset(rule_offsets, due_at, now)
                if offset is not None and due_at is not None:
                    maybe.append(_due(candidate, rule, offset, due_at))
            claimed = store.claimed_keys(conn, (due.dedup_key for due in maybe))
            found.extend(due for due in maybe if due.dedup_key not in claimed)
    return found


def days_between(due: Due, now: datetime) -> int:
    """Whole days left before the date (rounded up), or past it (rounded down); at least 1."""
    seconds = (due.due_at - now).total_seconds()
    days = math.ceil(seconds / 86400) if seconds > 0 else math.floor(-seconds / 86400)
    return max(1, days)


def messages_for(app: App, due: Due, now: datetime) -> list[Outbound]:
    key = due.rule if due.rule == "deadline" else f"{due.rule}_{'before' if due.offset < 0 else 'after'}"
    text = app.texts.render(
        due.language,
        f"reminders.{key}",
        reference=due.reference or "",
        due=due.due_at,
        days=days_between(due, now),
    )
    return [Outbound(text)]


def template_for(app: App, due: Due) -> dict[str, object] | None:
    """The WeChat template message used outside the 48-hour window (fields of at most 20 characters)."""
    template_id = app.settings.wechat_template_id
    if due.channel != "wechat" or not template_id:
        return None
    lang = due.language
    render = app.texts.render
    return {
        "fields": {
            "first": render(lang, f"reminders.template.{due.rule}")[:20],
            "keyword1": (due.reference or "-")[:20],
            "keyword2": due.due_at.astimezone(ZoneInfo(due.timezone)).strftime("%Y-%m-%d")[:20],
            "remark": render(lang, f"reminders.template.action.{due.rule}")[:20],
        },
        "id": template_id,
        "url": None,
    }


# The report's `outcome` is the contract's (docs/interfaces.md: due, sent, held, failed); the
# outbox's own outcome, one of storage/deliveries.OUTCOMES as everywhere, is beside it as `delivery`.
REPORTED = {
    deliveries.SENT: "sent",
    deliveries.QUEUED: "held",
    deliveries.SENDING: "held",
    deliveries.HELD: "held",
    deliveries.WAITING: "held",
}


def _report(due: Due, outcome: str, detail: str | None = None) -> dict[str, object]:
    """`outcome`: "due" (a dry run), "held" (quiet hours: no row yet) or the delivery's outcome."""
    row = asdict(due)
    delivery = None if outcome in ("due", "quiet") else outcome
    row.update(
        user=due.user_id,
        due_at=due.due_at.isoformat(),
        outcome="held"
        if outcome == "quiet"
        else outcome
        if delivery is None
        else REPORTED.get(outcome, "failed"),
        delivery=delivery,
        detail=detail,
        dedup_key=due.dedup_key,
    )
    return row


def _enqueue(app: App, items: list[Due], now: datetime) -> list[tuple[Due, deliveries.DeliveryRow]]:
    """The reminders' outbox rows, in one transaction; those another process wrote first are left out."""
    written = []
    with app.engine.begin() as conn:
        for item in items:
            row, new = deliveries.enqueue(
                conn,
                user_id=item.user_id,
                kind="reminder",
                messages=[m.to_json() for m in messages_for(app, item, now)],
                now=now,
                dedup_key=item.dedup_key,
                application_id=item.application_id,
                template=template_for(app, item),
            )
            if new:
                written.append((item, row))
    return written


async def deliver(
    app: App, due: list[Due], now: datetime, *, sender: Sender | None = None
) -> list[dict[str, object]]:
    """Write what is due into the outbox and have it delivered; the report gives each outcome
    (storage/deliveries.OUTCOMES; `held` with "quiet hours" for one not written yet)."""
    quiet_start, quiet_end = app.programme.reminders.quiet_start, app.programme.reminders.quiet_end
    report: list[dict[str, object]] = []
    ready = []
    for item in due:
        if quiet(now, item.timezone, quiet_start, quiet_end):
            report.append(_report(item, "quiet", "quiet hours"))
        else:
            ready.append(item)
    written = await outbound.blocking(sender, _enqueue, app, ready, now)
    waiting_for = [row.id for _item, row in written if row.outcome not in deliveries.FINAL]
    outcomes = await outbound.deliver(app, waiting_for, sender=sender)
    for item, row in written:
        outcome = outcomes.get(row.id, row.outcome)
        report.append(_report(item, outcome, None if outcome == deliveries.SENT else row.error))
        log.info("reminder %s: %s", item.dedup_key, outcome, extra={"reference": item.reference})
    return report


async def run(
    app: App,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    sender: Sender | None = None,
    memo: dict[str, int] | None = None,
) -> list[dict[str, object]]:
    """Find and send (or with dry_run only list) the reminders due at `now`."""
    now = now or app.services.clock()
    due = await asyncio.to_thread(find_due, app, now, memo)
    if dry_run:
        quiet_start, quiet_end = app.programme.reminders.quiet_start, app.programme.reminders.quiet_end
        return [
            _report(item, "quiet" if quiet(now, item.timezone, quiet_start, quiet_end) else "due", None)
            for item in due
        ]
    return await deliver(app, due, now, sender=sender)
