"""Benchmark: the WeChat webhook while staff are busy — 200 status notices and a broadcast to
10,000 companies going out through the outbox to fake Telegram and WeChat APIs that answer after
300 ms — beside the same webhook with no staff activity.

    python benchmarks/busy_staff.py [--requests 10000] [--concurrency 50] [--users 500]
                                    [--notices 200] [--recipients 10000] [--latency 0.3]

The server (`japanmall serve`'s app, WeChat and Telegram on, SQLite) runs in a process of its
own pinned to one core; the load (as benchmarks/wechat_webhook.py: 50 keep-alive connections,
500 users each writing in order) and the two fake APIs run in this process on the other core.
In the busy run, when the measured load starts, this process does what `japanmall staff` does:
200 status moves (each one transaction with its notice in the outbox) and one broadcast to the
recipients (half on Telegram, half on WeChat inside the 48-hour window); the server's sender
delivers them meanwhile. Prints, for quiet and busy: WeChat messages/s, p50 and p99, and how
many outbox rows were sent during the measured window. Targets: busy p99 under 100 ms, busy
throughput within 20% of quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import wechat_webhook as bench  # noqa: E402

SECRET = "bench-secret"


def settings_for(database: str, telegram_url: str, wechat_url: str):
    from bot.config import Settings
    from tests.fakes.telegram_api import TOKEN
    from tests.fakes.wechat_api import APP_ID, APP_SECRET

    return Settings(
        database_url=f"sqlite:///{database}",
        programme="demo",
        wechat_token=bench.TOKEN,
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_api_url=wechat_url,
        telegram_token=TOKEN,
        telegram_api_url=telegram_url,
        telegram_mode="webhook",
        telegram_webhook_url="https://bot.example.jp/telegram",
        telegram_webhook_secret=SECRET,
        _env_file=None,
    )  # type: ignore[call-arg]


def serve(port_file: str, database: str, telegram_url: str, wechat_url: str) -> None:
    import socket

    import uvicorn

    from bot.logs import configure_logging
    from bot.server import create_asgi
    from bot.wiring import build_app

    configure_logging("INFO", stream=open(Path(database).with_suffix(".log"), "a"))  # noqa: SIM115
    asgi = create_asgi(build_app(settings_for(database, telegram_url, wechat_url)))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    Path(port_file).write_text(str(sock.getsockname()[1]))
    config = uvicorn.Config(asgi, log_config=None, access_log=False, lifespan="on", backlog=2048)
    uvicorn.Server(config).run(sockets=[sock])


def populate(app, recipients: int, notices: int) -> list[int]:
    """Broadcast recipients (accepted, half Telegram, half WeChat written to just now) and the
    applications under review that staff will move; returns the latter's ids."""
    from sqlalchemy import insert

    from storage.models import Application, User

    now = datetime.now(UTC)
    users, apps = [], []
    for i in range(1, recipients + notices + 1):
        telegram = i % 2 == 0
        users.append(
            {
                "id": i,
                "channel": "telegram" if telegram else "wechat",
                "channel_user_id": str(100_000 + i) if telegram else f"ostaff{i:024d}",
                "language": "ja" if telegram else "zh",
                "timezone": None,
                "created_at": now,
                "last_inbound_at": now,
                "subscribed": True,
            }
        )
        apps.append(
            {
                "id": i,
                "reference": f"JM25-{i:05d}",
                "programme": app.programme.id,
                "user_id": i,
                "status": "accepted" if i <= recipients else "under_review",
                "track": None,
                "corporate_number": None,
                "company_name": None,
                "data": {},
                "meta": {},
                "created_at": now,
                "updated_at": now,
                "submitted_at": now,
            }
        )
    with app.engine.begin() as conn:
        conn.execute(insert(User), users)
        conn.execute(insert(Application), apps)
    return list(range(recipients + 1, recipients + notices + 1))


def staff_activity(app, moved: list[int]) -> None:
    """What 200 `japanmall staff set-status` and one `staff broadcast` write (their sends are the
    server's: it holds the channels' leases)."""
    from bot import broadcast
    from conversations.staff import actions
    from storage import applications

    for application_id in moved:
        with app.engine.begin() as conn:
            row = applications.application_by_id(conn, application_id)
            actions.move(
                conn, app.texts, app.programme, row, "waitlisted", who="bench", now=datetime.now(UTC)
            )
    broadcast_id, _recipients = broadcast.prepare(
        app, broadcast.Segment(statuses=("accepted",)), "説明会のお知らせです。", "说明会通知。", "bench"
    )
    broadcast.write_rows(app, broadcast_id)


def sent_count(app) -> int:
    from sqlalchemy import func, select

    from storage.models import Delivery

    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).where(Delivery.outcome == "sent")).scalar_one()


def run(busy: bool, args: argparse.Namespace, workdir: Path) -> dict:
    from bot.wiring import build_app
    from tests.fakes.telegram_api import FakeTelegram
    from tests.fakes.wechat_api import FakeWeChatAPI

    database = workdir / ("busy.db" if busy else "quiet.db")
    port_file = workdir / ("busy.port" if busy else "quiet.port")
    with FakeTelegram() as telegram, FakeWeChatAPI() as wechat:
        telegram.delay = wechat.delay = args.latency
        app = build_app(settings_for(str(database), telegram.url, wechat.url))
        moved = populate(app, args.recipients, args.notices)
        command = [
            sys.executable,
            __file__,
            "--serve",
            "--port-file",
            str(port_file),
            "--database",
            str(database),
        ]
        command += ["--telegram-url", telegram.url, "--wechat-url", wechat.url]
        if shutil.which("taskset"):
            command = ["taskset", "-c", str(args.server_cpu), *command]
        server = subprocess.Popen(command, cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while not port_file.exists() or not port_file.read_text():
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start")
                time.sleep(0.05)
            port = int(port_file.read_text())
            time.sleep(2.0)
            warmup, queues = bench.build_requests(port, args.users, args.requests // args.users + 2)
            before = sent_count(app)
            writer = threading.Thread(target=staff_activity, args=(app, moved)) if busy else None

            async def measured() -> dict:
                if writer is not None:  # starts with the measured load (after the warm-up's users)
                    await asyncio.sleep(0.5)
                    writer.start()
                return await bench.load(port, warmup, queues, args.concurrency, args.requests)

            result = asyncio.run(measured())
            result["outbox_sent"] = sent_count(app) - before
            if writer is not None:
                writer.join()
            return result
        finally:
            server.terminate()
            server.wait(timeout=60)
            app.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the fake APIs take to answer")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--load-cpu", type=int, default=1)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--port-file")
    parser.add_argument("--database")
    parser.add_argument("--telegram-url")
    parser.add_argument("--wechat-url")
    args = parser.parse_args()
    if args.serve:
        serve(args.port_file, args.database, args.telegram_url, args.wechat_url)
        return
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {args.load_cpu})
    with tempfile.TemporaryDirectory() as tmp:
        quiet = run(False, args, Path(tmp))
        busy = run(True, args, Path(tmp))
    print(
        f"{args.requests} WeChat messages, {args.concurrency} connections, {args.users} users; busy: "
        f"{args.notices} notices + a broadcast to {args.recipients:,}, fake APIs answering after "
        f"{args.latency * 1000:.0f} ms"
    )
    for name, result in (("quiet", quiet), ("busy", busy)):
        print(
            f"  {name:5s} {result['per_second']:8.0f} messages/s   p50 {result['p50_ms']:6.1f} ms   "
            f"p99 {result['p99_ms']:6.1f} ms   errors {result['errors']}   "
            f"outbox rows sent meanwhile {result['outbox_sent']}"
        )
    ratio = busy["per_second"] / quiet["per_second"]
    print(
        f"  busy/quiet throughput {ratio:.2f} (target >= 0.80); "
        f"busy p99 {busy['p99_ms']:.1f} ms (target < 100)"
    )


if __name__ == "__main__":
    main()
