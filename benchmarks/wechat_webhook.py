"""Benchmark: the full WeChat webhook path on SQLite beside a bare Starlette endpoint, in one run.

    python benchmarks/wechat_webhook.py [--requests 10000] [--concurrency 50] [--users 500]

Each server runs in a process of its own pinned to one core (`taskset -c 0`), the load in this
process pinned to another. The full path: `japanmall serve`'s ASGI app (request log at INFO to a
file, signature check, tolerant parse, the dialog core's transaction on the one SQLite writer,
reply render); the bare endpoint only parses with wechatpy and replies with wechatpy. Users (500)
are spread over the connections (50, keep-alive), each user's messages in order, as in a real
chat: a menu choice, the language side trip, /help. Prints messages/s and p50/p99 latency.
Targets: p99 under 100 ms, and at least half the bare endpoint's throughput.

`--compare DIR [--rounds N]`: this checkout's full path against another's (an older commit in
a git worktree), in turns, each with this file's load: "no slower than before" on a noisy machine.

Two more lines help read the figures: `core`, the dialog core's step alone without HTTP, and
`chan`, an ablation (here only, never in the product) where the core's step is replaced by a
constant answer: what the channel layer costs by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token"
CYCLE = ["4", "5", "1", "/help"]  # status; language question; Japanese (back to the menu); help


# -- the two servers (run in their own processes) ------------------------------------------------------
def bare_asgi():
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
    from wechatpy import parse_message
    from wechatpy.replies import TextReply

    async def wechat(request: Request) -> Response:
        message = parse_message(await request.body())
        return Response(TextReply(message=message, content="ok").render(), media_type="application/xml")

    return Starlette(routes=[Route("/wechat", wechat, methods=["POST"])])


def full_asgi(database: str, log_level: str, *, channel_only: bool = False):
    """The app of `japanmall serve`. `channel_only`: an ablation for the figures, never the
    product: the dialog core's step is replaced by a constant answer, so what remains is the
    cost of the channel layer (request log, signature, parse, hand-over to the writer, render)."""
    from bot.config import Settings
    from bot.logs import configure_logging
    from bot.server import create_asgi
    from bot.wiring import build_app
    from conversations import Outbound, Reply

    configure_logging(log_level.upper(), stream=open(Path(database).with_suffix(".log"), "a"))  # noqa: SIM115
    settings = Settings(
        database_url=f"sqlite:///{database}", programme="demo", wechat_token=TOKEN, _env_file=None
    )  # type: ignore[call-arg]
    app = build_app(settings)
    if channel_only:
        answer = Reply((Outbound("ok"),), "ja")
        app.dialog.handle = lambda *_args, **_kwargs: answer  # type: ignore[method-assign]
    return create_asgi(app)


def core_only(database: str, users: int, total: int) -> None:
    """The dialog core alone (no HTTP, no threads), same messages: the ceiling of the full path."""
    import json

    from bot.config import Settings
    from bot.wiring import build_app
    from conversations import Inbound, UserKey

    settings = Settings(database_url=f"sqlite:///{database}", programme="demo", _env_file=None)  # type: ignore[call-arg]
    app = build_app(settings)
    for user in range(users):
        app.dialog.handle(UserKey("wechat", f"c{user}"), Inbound(text="こんにちは"), message_key=f"c{user}:0")
    started = time.perf_counter()
    for i in range(total):
        user = i % users
        inbound = Inbound(text=CYCLE[(i // users) % len(CYCLE)])
        app.dialog.handle(UserKey("wechat", f"c{user}"), inbound, message_key=f"c{user}:{i + 1}")
    print(json.dumps({"per_second": total / (time.perf_counter() - started)}))


def serve(kind: str, port_file: str, database: str, log_level: str, http: str, loop: str) -> None:
    import socket

    import uvicorn

    asgi = bare_asgi() if kind == "bare" else full_asgi(database, log_level, channel_only=kind == "chan")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    Path(port_file).write_text(str(sock.getsockname()[1]))
    config = uvicorn.Config(
        asgi, log_config=None, access_log=False, lifespan="on", http=http, loop=loop, backlog=2048
    )
    uvicorn.Server(config).run(sockets=[sock])


# -- the load ------------------------------------------------------------------------------------------
def build_requests(port: int, users: int, total: int) -> tuple[list[bytes], list[list[bytes]]]:
    """(the first message of every user, then each connection's queue) as raw HTTP requests."""
    from wechatpy.utils import WeChatSigner

    timestamp = str(int(time.time()))

    def request(user: int, msg_id: int, text: str) -> bytes:
        # Each request its own nonce, as WeChat sends them: a timestamp+nonce pair is taken once.
        nonce = f"n{msg_id}"
        signer = WeChatSigner()
        signer.add_data(TOKEN, timestamp, nonce)
        path = f"/wechat?signature={signer.signature}&timestamp={timestamp}&nonce={nonce}"
        body = (
            f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
            f"<FromUserName><![CDATA[obench{user:023d}]]></FromUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
        ).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        return head + body

    warmup = [request(u, 10_000_000 + u, "こんにちは") for u in range(users)]
    return warmup, [
        [request(u, 20_000_000 + i * users + u, CYCLE[i % len(CYCLE)]) for i in range(total)]
        for u in range(users)
    ]


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> bytes:
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.split(b"\r\n")[0].decode())
    return body


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far; 0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(
    port: int,
    warmup: list[bytes],
    queues: list[list[bytes]],
    concurrency: int,
    total: int,
    server_pid: int | None = None,
) -> dict:
    users = len(queues)
    per_connection = [list(range(c, users, concurrency)) for c in range(concurrency)]
    latencies: list[float] = []
    errors = 0

    async def connection(index: int, requests: list[bytes], measure: bool) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for data in requests:
            started = time.perf_counter()
            try:
                body = await exchange(reader, writer, data)
                if b"<xml>" not in body:
                    errors += 1
            except (RuntimeError, asyncio.IncompleteReadError):
                errors += 1
            if measure:
                latencies.append(time.perf_counter() - started)
        writer.close()

    # Warm-up: every user's first message (creates the users), not measured.
    await asyncio.gather(
        *(connection(c, [warmup[u] for u in us], False) for c, us in enumerate(per_connection))
    )
    # Measured: `total` messages, each connection round-robin over its users, each user in order.
    plans = []
    for users_here in per_connection:
        plan, step = [], 0
        while len(plan) < total // concurrency:
            user = users_here[step % len(users_here)]
            plan.append(queues[user][step // len(users_here)])
            step += 1
        plans.append(plan)
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    await asyncio.gather(*(connection(c, plan, True) for c, plan in enumerate(plans)))
    elapsed = time.perf_counter() - started
    cpu = (cpu_seconds(server_pid) - cpu_before) if server_pid else 0.0
    latencies.sort()
    return {
        # the server's CPU per message: steadier than messages/s on a noisy machine (one core)
        "cpu_us": cpu / len(latencies) * 1e6 if latencies else 0.0,
        "messages": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
    }


def run_one(kind: str, args: argparse.Namespace, workdir: Path, tree: Path = ROOT) -> dict:
    """One server (`kind`) of the checkout at `tree` (this one unless --compare), loaded from here."""
    port_file = workdir / f"{kind}.port"
    database = workdir / "bench.db"
    command = [
        sys.executable,
        str(tree / "benchmarks" / "wechat_webhook.py"),
        "--serve",
        kind,
        "--port-file",
        str(port_file),
        "--database",
        str(database),
    ]
    command += ["--log-level", args.log_level, "--http", args.http, "--loop", args.loop]
    if shutil.which("taskset"):
        command = ["taskset", "-c", str(args.server_cpu), *command]
    env = {**os.environ, "PYTHONPATH": str(tree)} if tree != ROOT else None
    server = subprocess.Popen(command, cwd=tree, env=env)
    try:
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"{kind} server did not start")
            time.sleep(0.05)
        port = int(port_file.read_text())
        time.sleep(1.0)  # let uvicorn start listening (and the full app migrate its database)
        warmup, queues = build_requests(port, args.users, args.requests // args.users + 2)
        return asyncio.run(load(port, warmup, queues, args.concurrency, args.requests, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_core(args: argparse.Namespace, workdir: Path) -> float:
    import json

    command = [sys.executable, __file__, "--serve", "core", "--database", str(workdir / "core.db")]
    command += ["--users", str(args.users), "--requests", str(args.requests)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", str(args.server_cpu), *command]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["per_second"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--load-cpu", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"])
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    parser.add_argument(
        "--compare",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/old <commit>`): its full path and this "
        "one's, in turns, --rounds times, with this load; medians printed (a noisy machine's fair test)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=["bare", "full", "chan", "core"])
    parser.add_argument("--port-file")
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.serve == "core":
        core_only(args.database, args.users, args.requests)
        return
    if args.serve:
        serve(args.serve, args.port_file, args.database, args.log_level, args.http, args.loop)
        return
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {args.load_cpu})
    if args.compare:
        compare(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        results = {kind: run_one(kind, args, Path(tmp)) for kind in ("bare", "full", "chan")}
        core = run_core(args, Path(tmp))
    bare, full = results["bare"], results["full"]
    print(
        f"{args.requests} messages, {args.concurrency} connections, {args.users} users, "
        f"http={args.http} loop={args.loop}, server on cpu {args.server_cpu}, load on cpu {args.load_cpu}"
    )
    for kind, result in results.items():
        print(
            f"  {kind:5s} {result['per_second']:8.0f} messages/s   p50 {result['p50_ms']:6.1f} ms   "
            f"p99 {result['p99_ms']:6.1f} ms   server CPU {result['cpu_us']:5.0f} µs/message   "
            f"errors {result['errors']}"
        )
    print(f"  core  {core:8.0f} messages/s   (the dialog core's step alone, no HTTP, same core)")
    print(
        f"  (chan: the full path with the core's step replaced by a constant answer, an ablation: "
        f"the channel layer alone reaches {results['chan']['per_second'] / bare['per_second']:.2f} of bare)"
    )
    ratio = full["per_second"] / bare["per_second"]
    print(
        f"  full/bare throughput {ratio:.2f} (target >= 0.50); "
        f"full p99 {full['p99_ms']:.1f} ms (target < 100)"
    )


def compare(args: argparse.Namespace) -> None:
    """The full path of this checkout and of `--compare`, alternately (ABAB…), so that both see the
    same moments of a noisy machine; each round on a fresh database."""
    trees = {"this": ROOT, "other": args.compare.resolve()}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    print(f"full path, {args.requests} messages, {args.concurrency} connections; other = {trees['other']}")
    for round_ in range(args.rounds):
        for name, tree in trees.items():
            with tempfile.TemporaryDirectory() as tmp:
                result = run_one("full", args, Path(tmp), tree)
            runs[name].append(result)
            print(
                f"  round {round_ + 1} {name:5s} {result['per_second']:8.0f} messages/s   "
                f"p99 {result['p99_ms']:6.1f} ms   server CPU {result['cpu_us']:5.0f} µs/message   "
                f"errors {result['errors']}"
            )
    medians = {name: statistics.median(r["per_second"] for r in rs) for name, rs in runs.items()}
    cpu = {name: statistics.median(r["cpu_us"] for r in rs) for name, rs in runs.items()}
    for name, rs in runs.items():
        p99 = statistics.median(r["p99_ms"] for r in rs)
        print(
            f"  median {name:5s} {medians[name]:8.0f} messages/s   p99 {p99:6.1f} ms   "
            f"server CPU {cpu[name]:5.0f} µs/message"
        )
    print(
        f"  this/other throughput {medians['this'] / medians['other']:.3f}, "
        f"server CPU per message {cpu['this'] / cpu['other']:.3f}"
    )


if __name__ == "__main__":
    main()
