"""Full dialog steps per second: core plus storage, SQLite (WAL, synchronous=NORMAL), one process.

Each step is what a channel's inbound message costs: one transaction that reads the user and
state, runs the core, writes the state, and records the reply. Users cycle through a realistic
mix (menu choices, /lang, /help, /back, invalid input) so state moves on every step.

    python benchmarks/core_steps.py [--steps 5000] [--users 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.wiring import build_app
from conversations import Inbound, UserKey

SCRIPT = ["4", "/lang zh", "4", "/lang ja", "/help", "9", "/back", "4"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = build_app(Settings(database_url=url, programme="demo", _env_file=None))  # type: ignore[call-arg]
        keys = [UserKey("console", f"bench-{n}") for n in range(args.users)]
        for key in keys:  # every user exists and has a language; first contact is not the case measured
            app.dialog.handle(key, Inbound(text="こんにちは"))

        start = time.perf_counter()
        cpu_start = time.process_time()
        latencies = []
        for i in range(args.steps):
            key = keys[i % len(keys)]
            text = SCRIPT[(i // len(keys)) % len(SCRIPT)]
            t0 = time.perf_counter()
            reply = app.dialog.handle(key, Inbound(text=text))
            latencies.append(time.perf_counter() - t0)
            assert reply.messages, "a step answered nothing"
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        latencies.sort()
        backend = app.engine.dialect.name
        print(f"backend: {backend}; users: {args.users}; steps: {args.steps}")
        print(f"full steps per second: {args.steps / elapsed:,.0f} (target >= 1,000)")
        print(
            f"CPU per step: {cpu / args.steps * 1000:.3f} ms ({args.steps / cpu:,.0f} steps per CPU second)"
        )
        print(
            f"latency p50: {latencies[len(latencies) // 2] * 1000:.2f} ms, "
            f"p99: {latencies[int(len(latencies) * 0.99)] * 1000:.2f} ms"
        )
        app.engine.dispose()


if __name__ == "__main__":
    main()
