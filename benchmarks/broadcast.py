"""A broadcast to 10,000 Telegram users against the fake Bot API set to a rate limit.

    python benchmarks/broadcast.py [--recipients 10000] [--limit 100]
    JAPANMALL_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python benchmarks/broadcast.py

The fake answers 429 to every send beyond `--limit` a second (a token bucket, tests/fakes/
telegram_api.py). The bot's own limiter (PTB's AIORateLimiter in handlers/telegram_limits.py)
is set to 95% of that overall rate, as it is set to Telegram's 30 a second in production; the
default here is higher only so that 10,000 sends take under two minutes. Prints the achieved
rate as a share of the limit (target at least 90%) and the number of 429s (target 0).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from benchmarks.bench_db import database_url
from bot import broadcast
from bot.config import Settings
from bot.outbound import transports
from bot.wiring import build_app
from handlers.sender import Sender
from handlers.telegram_limits import ChatRateLimiter
from handlers.telegram_out import make_bot
from storage.models import Application, User
from storage.runner import StepRunner
from tests.fakes.telegram_api import TOKEN, FakeTelegram

PACE = 0.95  # share of the limit the sender aims at


def populate(app, n: int) -> None:
    now = datetime.now(UTC)
    users = [
        {
            "id": i,
            "channel": "telegram",
            "channel_user_id": str(100_000 + i),
            "language": "ja" if i % 2 else "zh",
            "timezone": None,
            "created_at": now,
            "last_inbound_at": now,
            "subscribed": True,
        }
        for i in range(1, n + 1)
    ]
    apps = [
        {
            "id": i,
            "reference": f"JM25-{i:05d}",
            "programme": app.programme.id,
            "user_id": i,
            "status": "accepted",
            "track": None,
            "corporate_number": None,
            "company_name": None,
            "data": {},
            "meta": {},
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
        }
        for i in range(1, n + 1)
    ]
    with app.engine.begin() as conn:
        conn.execute(insert(User), users)
        conn.execute(insert(Application), apps)


async def send(app, broadcast_id: int, limit: float, concurrency: int) -> broadcast.Report:
    """The broadcast's rows written, then delivered by the outbox's sender (as in `serve`)."""
    # The overall pace a little under the limit (network jitter bunches requests at the far end),
    # as the bot keeps under Telegram's 30/s in production.
    limiter = ChatRateLimiter(overall_rate=limit * PACE)
    runner = StepRunner(app.engine)
    settings = app.settings
    try:
        async with make_bot(settings.telegram_token, settings.telegram_api_url, limiter) as bot:
            found = transports(app, runner, telegram_bot=bot)
            sender = Sender(app.engine, app.services.clock, runner, found, in_flight=concurrency * 4)
            await sender.start()
            try:
                return await broadcast.deliver(app, broadcast_id, sender=sender)
            finally:
                await sender.stop()
    finally:
        runner.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=100.0, help="sends a second the fake allows")
    parser.add_argument("--concurrency", type=int, default=32, help="sends in flight (x4 claimed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as fake:
        fake.limit_rate(args.limit)
        settings = Settings(
            database_url=database_url(Path(tmp)),
            programme="japan-mall-2025",
            files_dir=Path(tmp) / "f",
            telegram_token=TOKEN,
            telegram_api_url=fake.url,
            _env_file=None,
        )  # type: ignore[call-arg]
        app = build_app(settings, migrate=True)
        populate(app, args.recipients)
        broadcast_id, recipients = broadcast.prepare(
            app, broadcast.Segment(statuses=("accepted",)), "お知らせ", "通知", "benchmark"
        )
        started = time.perf_counter()
        report = asyncio.run(send(app, broadcast_id, args.limit, args.concurrency))
        seconds = time.perf_counter() - started
        rate = fake.messages / seconds
        print(f"{app.engine.dialect.name}: {len(recipients):,} recipients, limit {args.limit:g}/s")
        print(f"report: {report.line()}")
        print(
            f"sent {fake.messages:,} in {seconds:.1f} s = {rate:.1f}/s = {rate / args.limit:.1%} of the limit"
        )
        print(f"429 answers: {fake.too_many}")
        app.engine.dispose()


if __name__ == "__main__":
    main()
