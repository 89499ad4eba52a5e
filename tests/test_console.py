"""The console channel: piped input, numbered options, clean exit at end of input."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from handlers import console
from tests.transcript import CoreChat, play


def test_readme_pipe_example_works(db_url, tmp_path):
    env = {**os.environ, "JAPANMALL_DATABASE_URL": db_url, "JAPANMALL_PROGRAMME": "demo"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "demo"],
        input="/lang zh\n/help\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "接下来将使用中文为您服务" in result.stdout
    assert "使用说明" in result.stdout
    assert "  1. 确认报名资格" in result.stdout
    assert result.stderr == ""


def test_run_numbers_options_and_stops_at_end_of_input(app):
    out = io.StringIO()
    status = console.run(app.dialog, "alice", language="ja", lines=["4\n", "\n", "/status\n"], out=out)
    text = out.getvalue()
    assert status == 0
    assert "  1. 応募資格を確認する" in text and "  5. 言語を変更する" in text
    assert text.count("まだ応募はありません") == 2


def test_console_lang_flag_sets_the_language_of_a_known_user(app):
    play(
        CoreChat(app, user="bob"),
        """
        > こんにちは
        < ご用件をお選びください
    """,
    )
    out = io.StringIO()
    console.run(app.dialog, "bob", language="zh", lines=[], out=out)
    assert "请选择您要办理的事项" in out.getvalue()
