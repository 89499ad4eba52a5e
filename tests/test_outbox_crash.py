"""The outbox against a real `japanmall serve` process and the fake Bot API: a notice whose
server is killed with SIGKILL after the move commits and before the notice is sent goes out
exactly once after a restart; a notice that meets 5xx goes out once the API recovers; a blocked
user's is settled at once, without retries."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from conversations import Inbound, UserKey
from conversations.staff import actions
from storage.models import Delivery
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.staff_kit import submitted

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Serve:
    """`japanmall serve` in a process of its own."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.env, self.cwd, self.log = env, cwd, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Serve:
        port = free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"serve did not start; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def telegram_user(app, chat: int, status: str = "under_review"):
    app.dialog.handle(UserKey("telegram", str(chat)), Inbound(text="/start", language_hint="ja"))
    return submitted(app, user=str(chat), channel="telegram", lang="ja", status=status)


def move(app, row, wanted: str):
    """What `japanmall staff set-status` writes: the move and its notice, one transaction."""
    with app.engine.begin() as conn:
        return actions.move(conn, app.texts, app.programme, row, wanted, who="test", now=app.services.clock())


def delivered(fake: FakeTelegram, chat: int) -> list:
    return [c for c in fake.calls_of("sendMessage", chat_id=chat) if c.status == 200]


def notice_row(app, delivery_id: int):
    with app.engine.connect() as conn:
        return conn.execute(select(Delivery).where(Delivery.id == delivery_id)).one()


def test_killed_after_the_move_commits_the_notice_goes_out_once_after_restart(app, settings, tmp_path):
    if settings.database_url.startswith("sqlite"):
        assert settings.database_url != "sqlite://", "the server process needs the test's database file"
    with FakeTelegram() as fake:
        env = {
            **os.environ,
            "JAPANMALL_DATABASE_URL": settings.database_url,
            "JAPANMALL_PROGRAMME": "japan-mall-2025",
            "JAPANMALL_TELEGRAM_TOKEN": TOKEN,
            "JAPANMALL_TELEGRAM_API_URL": fake.url,
            "JAPANMALL_FILES_DIR": str(tmp_path / "files"),
            "PYTHONPATH": str(ROOT),
        }
        serve = Serve(env, tmp_path, tmp_path / "serve.log").start()
        try:
            crashed, flaky, blocked = 7101, 7102, 7103
            row = telegram_user(app, crashed)
            released = fake.hold_next(crashed)  # should the server take it at once, it hangs
            done = move(app, row, "waitlisted")
            serve.kill()  # right after the commit, before the notice went out
            released.set()
            assert delivered(fake, crashed) == []
            assert notice_row(app, done.delivery_id).outcome in ("queued", "sending")

            serve = Serve(env, tmp_path, tmp_path / "serve.log").start()
            fake.wait_for(lambda: delivered(fake, crashed), timeout=40)  # the dead one's lease runs out
            fake.wait_for(lambda: notice_row(app, done.delivery_id).outcome == "sent", timeout=10)
            time.sleep(2)
            (call,) = delivered(fake, crashed)  # exactly once
            assert "「審査中」から" in call.params["text"]

            # 5xx twice: tried again after 2 s and 4 s, then sent once.
            fake.fail_with(flaky, 502, times=2)
            second = move(app, telegram_user(app, flaky), "waitlisted")
            fake.wait_for(lambda: delivered(fake, flaky), timeout=30)
            assert [c.status for c in fake.calls_of("sendMessage", chat_id=flaky)] == [502, 502, 200]
            attempts = [c.at for c in fake.calls_of("sendMessage", chat_id=flaky)]
            assert attempts[1] - attempts[0] >= 1.9 and attempts[2] - attempts[1] >= 3.9  # doubling
            fake.wait_for(lambda: notice_row(app, second.delivery_id).outcome == "sent", timeout=10)
            assert notice_row(app, second.delivery_id).attempts == 3

            # A user who blocked the bot: settled at once, never tried again.
            fake.block(blocked)
            third = move(app, telegram_user(app, blocked), "waitlisted")
            fake.wait_for(lambda: notice_row(app, third.delivery_id).outcome == "blocked", timeout=20)
            time.sleep(3)
            assert len(fake.calls_of("sendMessage", chat_id=blocked)) == 1
            assert notice_row(app, third.delivery_id).outcome == "blocked"
        finally:
            serve.stop()
