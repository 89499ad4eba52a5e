"""Servers under test in processes of their own: `tests.wechat_server_main`, killable with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.wechat_api import APP_ID, APP_SECRET, FakeWeChatAPI
from tests.wechat_support import TOKEN


class ServerProcess:
    """`tests.wechat_server_main` in a process of its own (killable with SIGKILL)."""

    def __init__(self, env: dict[str, str], cwd: str, log_path: str) -> None:
        self.env = {**os.environ, **env}
        self.cwd = cwd
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> ServerProcess:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.wechat_server_main"],
                env=self.env,
                cwd=self.cwd,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("PORT "), f"server did not start: {line!r}; see {self.log_path}"
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError(f"server at {self.url} never became healthy; see {self.log_path}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def process_env(db_url: str, api: FakeWeChatAPI, files_dir: str, **extra: str) -> dict[str, str]:
    """The environment of a server process under test (PYTHONPATH finds `tests`)."""
    root = str(Path(__file__).resolve().parent.parent)
    return {
        "JAPANMALL_DATABASE_URL": db_url,
        "JAPANMALL_PROGRAMME": "japan-mall-2025",
        "JAPANMALL_WECHAT_TOKEN": TOKEN,
        "JAPANMALL_WECHAT_APP_ID": APP_ID,
        "JAPANMALL_WECHAT_APP_SECRET": APP_SECRET,
        "JAPANMALL_WECHAT_API_URL": api.url,
        "JAPANMALL_PUBLIC_URL": "https://bot.example.com",
        "JAPANMALL_FILES_DIR": files_dir,
        "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
        **extra,
    }
