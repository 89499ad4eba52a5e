"""`python -m tests.wechat_server_main`: the server of `japanmall serve` with the test features, for
process-level tests (two processes on one database, SIGKILL). Listens on 127.0.0.1 and a free port,
prints `PORT <n>` when bound. Settings come from the environment (JAPANMALL_*);
JAPANMALL_TEST_BUDGET sets the WeChat reply budget in seconds.
"""

from __future__ import annotations

import os
import socket

import uvicorn

from bot.config import load_settings
from bot.logs import configure_logging
from bot.server import create_asgi
from bot.wiring import build_app
from handlers.wechat import WeChatChannel
from storage.runner import StepRunner
from tests.wechat_support import add_test_features


def main() -> None:
    configure_logging(os.environ.get("JAPANMALL_LOG_LEVEL", "WARNING"))
    app = build_app(load_settings(), migrate=False)
    add_test_features(app)
    runner = StepRunner(app.engine)
    channel = WeChatChannel(app, runner, budget=float(os.environ.get("JAPANMALL_TEST_BUDGET", "4")))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        create_asgi(app, channels=[channel], runner=runner),
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
