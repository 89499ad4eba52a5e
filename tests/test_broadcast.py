"""`japanmall staff broadcast` (issue 8): a segment, each recipient in its language, a dry run and a
confirm; a broadcast killed midway (SIGKILL) and resumed reaches everyone exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from storage.models import Broadcast, Delivery
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.reminder_support import add_application, add_user

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
ACCEPTED = ("submitted", "under_review", "accepted")


@pytest.fixture
def env(db_url, tmp_path, monkeypatch) -> dict[str, str]:
    values = {
        "JAPANMALL_DATABASE_URL": db_url,
        "JAPANMALL_PROGRAMME": "japan-mall-2025",
        "JAPANMALL_FILES_DIR": str(tmp_path / "files"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return values


def broadcast_rows(app) -> list[tuple[int, str]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(Delivery.user_id, Delivery.outcome)
            .where(Delivery.kind == "broadcast")
            .order_by(Delivery.user_id)
        ).all()
    return [(row.user_id, row.outcome) for row in rows]


def test_dry_run_counts_per_channel_and_language_then_a_confirm(app, env):
    ja = add_user(app, "console", "ja")
    zh = add_user(app, "console", "zh")
    wechat = add_user(app, "wechat", None)  # no language known: Chinese on WeChat
    draft_only = add_user(app, "console", "ja")
    for user in (ja, zh, wechat):
        add_application(app, user, ACCEPTED)
    add_application(app, draft_only)
    cli = CliRunner()
    args = [
        "staff",
        "broadcast",
        "--status",
        "accepted",
        "--ja",
        "サンプルの送付先が決まりました。",
        "--zh",
        "样品寄送地址已确定。",
    ]
    dry = cli.invoke(main, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "Recipients: 3" in dry.output and "console   ja: 1" in dry.output and "wechat    zh: 1" in dry.output
    )
    assert "样品寄送地址已确定。" in dry.output
    refused = cli.invoke(main, args, input="n\n")
    assert "Cancelled" in refused.output
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Broadcast)).scalar_one() == 0
    done = cli.invoke(main, args, input="y\n")
    assert done.exit_code == 0, done.output
    # Console: held for the next opening; WeChat without the 48-hour window: waits for the next message.
    assert "sent 0, held 2, waiting 1, failed 0." in done.output
    assert broadcast_rows(app) == [(ja, "held"), (zh, "held"), (wechat, "waiting")]
    with app.engine.connect() as conn:
        texts = dict(
            conn.execute(select(Delivery.user_id, Delivery.payload).where(Delivery.kind == "broadcast")).all()
        )
    assert texts[zh]["messages"][0]["text"] == "样品寄送地址已确定。"
    assert texts[ja]["messages"][0]["text"] == "サンプルの送付先が決まりました。"
    only_zh = cli.invoke(main, [*args, "--lang", "zh", "--channel", "console", "--dry-run"])
    assert "Recipients: 1" in only_zh.output
    missing = cli.invoke(main, ["staff", "broadcast", "--ja", "本文"])
    assert missing.exit_code != 0 and "both languages" in missing.output


def test_a_broadcast_killed_midway_resumes_and_reaches_everyone_exactly_once(app, env, monkeypatch):
    chats = [60_000 + n for n in range(20)]
    for chat in chats:
        add_application(
            app, add_user(app, "telegram", "zh" if chat % 2 else "ja", channel_user_id=str(chat)), ACCEPTED
        )
    with FakeTelegram() as fake:
        child_env = {
            **os.environ,
            **env,
            "JAPANMALL_TELEGRAM_TOKEN": TOKEN,
            "JAPANMALL_TELEGRAM_API_URL": fake.url,
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "bot.cli", "staff", "broadcast", "--ja", "お知らせ", "--zh", "通知"]
        child = subprocess.Popen(
            [*command, "--yes", "--concurrency", "1"],
            env=child_env,
            cwd=env["JAPANMALL_FILES_DIR"].rsplit("/", 1)[0],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

        def kill_at(count: int) -> None:
            if count == 7:
                os.kill(child.pid, signal.SIGKILL)  # the 7th message reached Telegram; its sender dies

        fake.on_message = kill_at
        child.wait(60)
        assert child.returncode == -signal.SIGKILL
        fake.on_message = None
        assert fake.messages == 7
        with app.engine.connect() as conn:
            (broadcast_id, status) = conn.execute(select(Broadcast.id, Broadcast.status)).one()
        assert status == "sending"
        monkeypatch.setenv("JAPANMALL_TELEGRAM_TOKEN", TOKEN)
        monkeypatch.setenv("JAPANMALL_TELEGRAM_API_URL", fake.url)
        listed = CliRunner().invoke(main, [*command[3:], "--dry-run"])
        assert f"Unfinished broadcasts: {broadcast_id}" in listed.output
        resumed = CliRunner().invoke(main, ["staff", "broadcast", "--resume", str(broadcast_id)])
        assert resumed.exit_code == 0, resumed.output
        assert "sent 19" in resumed.output and "unconfirmed 1" in resumed.output
        for chat in chats:  # each chat got it once, in its language
            (call,) = [c for c in fake.calls_of("sendMessage", chat_id=chat) if c.status == 200]
            assert call.params["text"] == ("通知" if chat % 2 else "お知らせ")
        again = CliRunner().invoke(main, ["staff", "broadcast", "--resume", str(broadcast_id)])
        assert "sent 19" in again.output and fake.messages == 20  # nothing sent twice
    with app.engine.connect() as conn:
        assert (
            conn.execute(select(Broadcast.status).where(Broadcast.id == broadcast_id)).scalar_one()
            == "finished"
        )
    assert sorted(outcome for _, outcome in broadcast_rows(app)) == ["sent"] * 19 + ["unconfirmed"]


def test_staff_broadcast_by_chat_with_a_confirm_sent_by_the_minute_job(settings, engine, clock):
    from bot.programme import load_programme
    from bot.scheduler import ReminderScheduler
    from bot.wiring import build_app
    from conversations import Inbound, UserKey

    app = build_app(
        settings.model_copy(update={"staff": "console:boss"}),
        clock=clock,
        engine=engine,
        migrate=False,
        programme=load_programme(settings.programme, today=clock().date()),
    )
    ja, zh = add_user(app, "console", "ja"), add_user(app, "console", "zh")
    for user in (ja, zh):
        add_application(app, user, ACCEPTED)

    def say(who: str, text: str) -> str:
        reply = app.dialog.handle(UserKey("console", who), Inbound(text=text, language_hint="ja"))
        return "\n".join(m.text for m in reply.messages)

    assert "/broadcast yes" not in say("someone", "/broadcast status=accepted ja=a zh=b")  # staff only
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Broadcast)).scalar_one() == 0
    assert "使い方" in say("boss", "/broadcast status=accepted ja=本文だけ")
    preview = say("boss", "/broadcast status=accepted ja=説明会のお知らせです。 zh=说明会通知。")
    assert "2 件" in preview and "console / zh: 1" in preview and "说明会通知。" in preview
    assert "/broadcast yes" in preview
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Broadcast)).scalar_one() == 0  # not yet
    again = say("boss", "/staff broadcast status=accepted ja=説明会のお知らせです。 zh=说明会通知。")
    assert again == preview  # /staff broadcast is the same command, as issue 8 names it
    assert "開始しました" in say("boss", "/staff broadcast はい、お願いします")  # the confirm in words
    assert "使い方" in say("boss", "/broadcast yes")  # nothing waits for a confirm any more
    asyncio.run(ReminderScheduler(app).tick())
    assert [outcome for user, outcome in broadcast_rows(app) if user in (ja, zh)] == ["held", "held"]
    with app.engine.connect() as conn:
        assert conn.execute(select(Broadcast.status)).scalar_one() == "finished"
    with app.engine.connect() as conn:  # the report to the staff member, held for the next opening
        (payload,) = conn.execute(select(Delivery.payload).where(Delivery.kind == "notice")).scalars()
    assert "送信 0 件、保留・待機 2 件" in payload["messages"][0]["text"]
