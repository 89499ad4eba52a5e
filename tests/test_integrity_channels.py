"""Issue 14, items 8 and 9: every key of the WeChat menu reaches a registered command (「質問する／
提问」 the FAQ), a command registered twice stops the start; log lines never enter the console
conversation (`japanmall chat --verbose` shows them on stderr)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conversations.registry import Registry, RegistryError
from handlers.wechat_inbound import MENU_COMMANDS, click_command
from handlers.wechat_menu import LAYOUT, menu_definition

pytest_plugins = ["tests.wechat_fixtures"]


def _keys(app) -> list[str]:
    menu = menu_definition(app.texts, "zh")
    return [
        sub.get("key") or button.get("key")
        for button in menu["button"]
        for sub in button.get("sub_button", [button])
    ]


def test_every_key_of_the_wechat_menu_reaches_a_registered_command(app):
    keys = _keys(app)
    assert set(keys) == {key for top, subs in LAYOUT for key in (subs or [top])}
    for key in keys:
        assert key in MENU_COMMANDS, key
        command = click_command(key, app.registry)
        assert command == f"/{MENU_COMMANDS[key]}", (key, command)  # never the menu as a fallback
        assert MENU_COMMANDS[key] in app.registry.commands


def test_the_ask_button_opens_the_faq_over_wechat_zh_ja(wechat):
    chat = wechat.chat()
    chat.send("你好")
    answer = chat.event("CLICK", key="ask")
    assert "请直接输入您的问题" in answer and "请选择您要办理的事项" not in answer
    assert "样品" in chat.send("样品需要寄几件？")
    japanese = wechat.chat()
    japanese.send("こんにちは")
    answer = japanese.event("CLICK", key="ask")
    assert "ご質問を文章でお送りください" in answer and "ご用件をお選びください" not in answer


def test_a_command_registered_twice_is_an_error_at_start_up():
    registry = Registry()
    registry.add_command("ask", lambda ctx, args: None)
    with pytest.raises(RegistryError, match="registered twice"):
        registry.add_command("ask", lambda ctx, args: None)


def _chat(db_url: str, tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JAPANMALL_DATABASE_URL": db_url, "JAPANMALL_PROGRAMME": "demo"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "demo", *args],
        input="/lang ja\n/staff list\n/lang zh\n/staff list\n",
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_log_lines_never_enter_the_console_conversation(db_url, tmp_path):
    quiet = _chat(db_url, tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "ご用件をお選びください" in quiet.stdout and "请选择您要办理的事项" in quiet.stdout
    for stream in (quiet.stdout, quiet.stderr):
        assert "WARNING" not in stream and "staff command refused" not in stream
    assert "staff command refused" in (tmp_path / "japanmall-chat.log").read_text(encoding="utf-8")
    verbose = _chat(db_url, tmp_path, "--verbose")
    assert "staff command refused" in verbose.stderr
    assert "staff command refused" not in verbose.stdout and "WARNING" not in verbose.stdout
