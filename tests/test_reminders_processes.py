"""Two `japanmall reminders run` processes at the same moment on one database send each reminder once."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.reminder_support import add_application, add_user, reminder_rows

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


def test_two_processes_send_each_reminder_once(app, db_url, tmp_path):
    with FakeTelegram() as fake:
        chats = [8100 + n for n in range(10)]
        drafts = [
            add_application(app, add_user(app, "telegram", "ja", channel_user_id=str(c))) for c in chats
        ]
        env = {
            **os.environ,
            "JAPANMALL_DATABASE_URL": db_url,
            "JAPANMALL_PROGRAMME": "japan-mall-2025",
            "JAPANMALL_TELEGRAM_TOKEN": TOKEN,
            "JAPANMALL_TELEGRAM_API_URL": fake.url,
        }
        command = [
            sys.executable,
            "-m",
            "bot.cli",
            "reminders",
            "run",
            "--now",
            "2026-01-24T10:00+09:00",
            "--json",
        ]
        processes = [
            subprocess.Popen(
                command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        results = [process.communicate(timeout=180) for process in processes]
        for process, (_out, err) in zip(processes, results, strict=True):
            assert process.returncode == 0, err
        reports = [json.loads(out) for out, _err in results]
        for chat in chats:  # every company reminded, none twice, whichever process did it
            assert len(fake.calls_of("sendMessage", chat_id=chat)) == 1
    sent = [row for report in reports for row in report if row["outcome"] == "sent"]
    assert len(sent) == len(drafts)
    assert {row["rule"] for row in sent} == {"deadline"}
    keys = sorted(key for key, outcome in reminder_rows(app) if outcome == "sent")
    assert keys == sorted(f"reminder:{aid}:deadline:-7" for aid in drafts)
