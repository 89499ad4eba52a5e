"""The reminders' minute job (and the daily retention job, storage/retention.py) inside
`japanmall serve`: APScheduler 3's AsyncIOScheduler on the
server's own event loop, started and stopped with the server's lifespan (bot/server.py).

The job runs once at start (reminders missed while the server was down go out then, once) and
every minute after; `max_instances=1` and `coalesce=True` keep a slow run from piling up behind
itself. Several server processes may each run it: the unique delivery key decides who sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import reminders
from bot.outbound import Postman
from bot.wiring import App, utc_now
from handlers.sender import Sender
from storage import retention

log = logging.getLogger(__name__)
JOB_ID = "reminders"
PRUNE_JOB_ID = "retention"
PRUNE_EVERY_HOURS = 24.0


class ReminderScheduler:
    """Start/stop like a channel; what it writes is delivered by the server's `sender`."""

    name = "reminders"

    def __init__(
        self,
        app: App,
        sender: Sender | None = None,
        *,
        interval_seconds: float = 60.0,
        prune_every_hours: float = PRUNE_EVERY_HOURS,
    ) -> None:
        self.app = app
        self.prune_every_hours = prune_every_hours
        self.last_prune: retention.Report | None = None
        self.sender = sender
        self.interval_seconds = interval_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self.runs = 0
        self.last_report: list[dict[str, object]] = []
        self.memo: dict[str, int] = {}  # what find_due need not look at again (bot/reminders.py)

    async def tick(self) -> list[dict[str, object]]:
        """One run of the minute job (the scheduler calls it; tests may too)."""
        try:
            report = await reminders.run(self.app, sender=self.sender, memo=self.memo)
        except Exception:
            log.exception("the reminders job failed; it runs again in a minute")
            return []
        self.runs += 1
        self.last_report = report
        await self.send_queued()
        if report:
            log.info("reminders job", extra={"count": len(report)})
        return report

    async def send_queued(self) -> None:
        """Broadcasts confirmed by staff in the chat (/broadcast yes), one at a time."""
        from bot import broadcast

        try:
            while (broadcast_id := await asyncio.to_thread(broadcast.take_queued, self.app)) is not None:
                postman = Postman(self.app, sender=self.sender)
                report = await broadcast.deliver(self.app, broadcast_id, sender=self.sender)
                await broadcast.tell_requester(self.app, postman, report)
        except Exception:
            log.exception("a queued broadcast failed; resume it with `japanmall staff broadcast --resume`")

    async def prune(self) -> retention.Report | None:
        """The daily retention job (storage/retention.py): old stored replies and settled payloads."""
        try:
            report = await asyncio.to_thread(retention.prune, self.app.engine, self.app.services.clock())
        except Exception:
            log.exception("the retention job failed; it runs again tomorrow (or: japanmall db prune)")
            return None
        self.last_prune = report
        log.info("retention job", extra={"replies": report.replies, "payloads": report.payloads})
        return report

    async def start(self) -> None:
        # The first run at start; the scheduler's own clock is real time (the job reads the app's clock).
        wall: Callable[[], datetime] = utc_now
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.interval_seconds),
            id=JOB_ID,
            next_run_time=wall(),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self.scheduler.add_job(
            self.prune,
            IntervalTrigger(hours=self.prune_every_hours),
            id=PRUNE_JOB_ID,
            next_run_time=wall() + timedelta(minutes=1),  # not in the start-up rush
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self.scheduler.start()
        log.info("reminders scheduler started", extra={"every_s": self.interval_seconds})

    async def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
