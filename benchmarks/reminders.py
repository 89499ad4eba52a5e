"""The reminders' minute job over 100,000 applications (target: at most 100 ms when nothing is due).

    python benchmarks/reminders.py                      # SQLite in a temporary file
    JAPANMALL_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python benchmarks/reminders.py

Applications: 40,000 drafts, 59,700 in later statuses, 150 accepted, 150 promotion ended. Timed:
(a) a day when no rule's moment is open; (b) the day before the deadline after all 40,000 drafts
were reminded (the anti-join against the deliveries' unique key); (c) the samples and sales-data
rules while open, all already sent. Each figure is the median of 20 runs of the whole job
(`reminders.run`: find what is due, send it), nothing being due.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from benchmarks.bench_db import database_url
from bot import reminders
from bot.config import Settings
from bot.wiring import build_app
from storage.models import Application, Delivery, StatusChange, User

N = 100_000
DRAFTS, ACCEPTED, ENDED = 40_000, 150, 150
LATER = ("submitted", "under_review", "rejected", "waitlisted", "withdrawn", "completed")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def populate(app, accepted_at: datetime) -> None:
    now = accepted_at
    users, apps, history = [], [], []
    for i in range(1, N + 1):
        channel = ("telegram", "wechat", "console")[i % 3]
        users.append(
            {
                "id": i,
                "channel": channel,
                "channel_user_id": str(i),
                "language": "ja" if i % 2 else "zh",
                "timezone": None,
                "created_at": now,
                "last_inbound_at": now,
                "subscribed": True,
            }
        )
        if i <= DRAFTS:
            status = "draft"
        elif i <= DRAFTS + ACCEPTED:
            status = "accepted"
        elif i <= DRAFTS + ACCEPTED + ENDED:
            status = "promotion_ended"
        else:
            status = LATER[i % len(LATER)]
        apps.append(
            {
                "id": i,
                "reference": None if status == "draft" else f"JM25-{i:06d}",
                "programme": app.programme.id,
                "user_id": i,
                "status": status,
                "track": None,
                "corporate_number": None,
                "company_name": None,
                "data": {},
                "meta": {},
                "created_at": now,
                "updated_at": now,
                "submitted_at": None,
            }
        )
        if status in ("accepted", "promotion_ended"):
            history.append(
                {
                    "application_id": i,
                    "at": now,
                    "actor": "staff",
                    "from_status": "x",
                    "to_status": status,
                    "note": None,
                }
            )
    with app.engine.begin() as conn:
        for start in range(0, N, 10_000):
            conn.execute(insert(User), users[start : start + 10_000])
        for start in range(0, N, 10_000):
            conn.execute(insert(Application), apps[start : start + 10_000])
        conn.execute(insert(StatusChange), history)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def claim_all(app, due: list) -> None:
    rows = [
        {
            "user_id": d.user_id,
            "application_id": d.application_id,
            "kind": "reminder",
            "channel": d.channel,
            "dedup_key": d.dedup_key,
            "payload": {},
            "outcome": "sent",
            "error": None,
            "attempts": 1,
            "created_at": app.services.clock(),
            "sent_at": app.services.clock(),
        }
        for d in due
    ]
    with app.engine.begin() as conn:
        for start in range(0, len(rows), 10_000):
            conn.execute(insert(Delivery), rows[start : start + 10_000])
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))


def timed(app, when: datetime, runs: int = 20) -> tuple[float, int]:
    app.services.clock.now = when
    figures, found = [], 0
    memo: dict[str, int] = {}  # kept between runs, as the scheduler keeps it
    asyncio.run(reminders.run(app, memo=memo))  # the first run after a start looks at every draft
    for _ in range(runs):
        started = time.perf_counter()
        found = len(asyncio.run(reminders.run(app, memo=memo)))
        figures.append((time.perf_counter() - started) * 1000)
    return statistics.median(figures), found


def main() -> None:
    accepted_at = datetime(2025, 12, 1, 0, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        settings = Settings(
            database_url=url, programme="japan-mall-2025", files_dir=Path(tmp) / "f", _env_file=None
        )  # type: ignore[call-arg]
        app = build_app(settings, clock=Clock(accepted_at), migrate=True)
        started = time.perf_counter()
        populate(app, accepted_at)
        print(
            f"{app.engine.dialect.name}: {N:,} applications written in {time.perf_counter() - started:.1f} s"
        )

        quiet_day = accepted_at + timedelta(days=2, hours=1)
        ms, found = timed(app, quiet_day)
        print(f"(a) no rule open:                            {ms:7.1f} ms per minute job ({found} due)")

        eve = datetime(2026, 1, 30, 1, 0, tzinfo=UTC)  # the deadline's -1 moment has passed
        app.services.clock.now = eve
        due = []
        while batch := reminders.find_due(app, eve):
            due.extend(batch)
            claim_all(app, batch)
        print(f"    (claimed {len(due):,} deadline reminders as sent, as the runs before would have)")
        ms, found = timed(app, eve)
        print(f"(b) deadline -1 open, 40,000 drafts all sent: {ms:7.1f} ms per minute job ({found} due)")

        open_samples = accepted_at + timedelta(days=15, hours=2)  # samples +1 open
        app.services.clock.now = open_samples
        claim_all(app, reminders.find_due(app, open_samples))
        ms, found = timed(app, open_samples)
        print(f"(c) samples +1 open, all 150 sent:            {ms:7.1f} ms per minute job ({found} due)")
        app.engine.dispose()


if __name__ == "__main__":
    main()
