"""Reminders on WeChat (the 48-hour rule), the minute job inside the server, and the CLI."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import httpx
from click.testing import CliRunner
from sqlalchemy import select

from bot import reminders
from bot.cli import main
from bot.scheduler import ReminderScheduler
from bot.server import create_asgi
from storage.models import Application
from tests.fakes.telegram_http import UvicornThread
from tests.reminder_support import add_application, add_user, reminder_rows

pytest_plugins = ["tests.wechat_fixtures"]
ACCEPTED = ("submitted", "under_review", "accepted")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_wechat_reminder_in_the_window_outside_it_waits_or_goes_as_a_template(wechat_app, wechat_api):
    app = wechat_app
    app.services.clock.set(at("2026-01-10T00:00"))
    now = at("2026-01-21T02:00")  # 10:00 in Shanghai, samples -3 is due
    recent = add_user(
        app, "wechat", "zh", channel_user_id="o-recent", last_inbound_at=now - timedelta(hours=47)
    )
    silent = add_user(
        app, "wechat", "zh", channel_user_id="o-silent", last_inbound_at=now - timedelta(hours=49)
    )
    a_recent = add_application(app, recent, ACCEPTED)
    a_silent = add_application(app, silent, ACCEPTED)
    app.services.clock.set(now)
    report = {r["application_id"]: r for r in asyncio.run(reminders.run(app))}
    assert report[a_recent]["outcome"] == "sent"
    assert report[a_silent]["outcome"] == "held" and report[a_silent]["delivery"] == "waiting"
    texts = wechat_api.texts_to("o-recent")
    assert len(texts) == 1 and "/shipment" in texts[0] and "样品" in texts[0]
    assert wechat_api.texts_to("o-silent") == []
    assert (f"reminder:{a_silent}:samples:-3", "waiting") in reminder_rows(app)

    # With a template id configured, the next one outside the window goes as a template message.
    app.settings = app.settings.model_copy(update={"wechat_template_id": "TPL-REMIND"})
    late = add_user(app, "wechat", "zh", channel_user_id="o-late", last_inbound_at=now - timedelta(days=5))
    app.services.clock.set(at("2026-01-10T00:00"))
    a_late = add_application(app, late, ACCEPTED)
    app.services.clock.set(now)
    report = {r["application_id"]: r for r in asyncio.run(reminders.run(app))}
    assert report == {a_late: report[a_late]} and report[a_late]["outcome"] == "sent"
    (sent,) = [body for body in wechat_api.calls("message/template/send") if body["touser"] == "o-late"]
    assert sent["template_id"] == "TPL-REMIND"
    assert all(len(field["value"]) <= 20 for field in sent["data"].values())
    assert "/shipment" in sent["data"]["remark"]["value"]


def test_the_scheduler_runs_the_job_at_start_and_stops(app):
    draft = add_application(app, add_user(app))
    app.services.clock.set(at("2026-01-24T01:00"))

    async def main_loop() -> int:
        scheduler = ReminderScheduler(app, interval_seconds=3600)
        await scheduler.start()
        try:
            for _ in range(500):  # waits for the first run (at start), not for time to pass
                if scheduler.runs:
                    break
                await asyncio.sleep(0.01)
        finally:
            await scheduler.stop()
        return scheduler.runs

    assert asyncio.run(main_loop()) == 1
    assert reminder_rows(app) == [(f"reminder:{draft}:deadline:-7", "held")]


def test_serve_starts_the_scheduler_in_its_lifespan(app):
    draft = add_application(app, add_user(app))
    app.services.clock.set(at("2026-01-28T01:00"))
    asgi = create_asgi(app, channels=[], reminders=True)
    server = UvicornThread(asgi)
    url = server.start()
    try:
        assert httpx.get(f"{url}/healthz").status_code == 200
        scheduler = asgi.state.scheduler
        for _ in range(500):
            if scheduler.runs:
                break
            time.sleep(0.01)
        assert scheduler.scheduler is not None and scheduler.scheduler.running
    finally:
        server.stop()
    assert asgi.state.scheduler.scheduler is None  # stopped with the server
    assert reminder_rows(app) == [(f"reminder:{draft}:deadline:-3", "held")]
    assert create_asgi(app, channels=[]).state.scheduler is None  # tests' own servers: off by default


def test_cli_run_json_and_list(app, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.chdir(tmp_path)
    draft = add_application(app, add_user(app, "console", "zh"))
    cli = CliRunner()
    dry = cli.invoke(main, ["reminders", "run", "--now", "2026-01-24T10:00+08:00", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    (item,) = json.loads(dry.output)
    assert (item["application_id"], item["rule"], item["channel"], item["outcome"]) == (
        draft,
        "deadline",
        "console",
        "due",
    )
    assert {"reference", "rule", "channel", "user", "outcome"} <= set(item)
    assert reminder_rows(app) == []
    done = cli.invoke(main, ["reminders", "run", "--now", "2026-01-24T10:00+08:00"])
    assert done.exit_code == 0 and "deadline" in done.output and "held" in done.output
    listed = cli.invoke(main, ["reminders", "list"])
    assert listed.exit_code == 0 and "held 1" in listed.output
    bad = cli.invoke(main, ["reminders", "run", "--now", "tomorrow"])
    assert bad.exit_code != 0 and "ISO 8601" in bad.output


def test_staff_change_a_company_time_zone(app, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.chdir(tmp_path)
    app.services.clock.set(at("2026-01-10T00:00"))
    aid = add_application(app, add_user(app, "console", "ja"), ACCEPTED)
    with app.engine.connect() as conn:
        reference = conn.execute(select(Application.reference).where(Application.id == aid)).scalar_one()
    cli = CliRunner()
    assert cli.invoke(main, ["reminders", "timezone", reference, "Mars/Olympus"]).exit_code != 0
    done = cli.invoke(main, ["reminders", "timezone", reference.lower(), "Asia/Shanghai"])
    assert done.exit_code == 0 and "Asia/Shanghai" in done.output
    app.services.clock.set(at("2026-01-21T00:30"))  # 09:30 Tokyo, 08:30 Shanghai: now quiet for it
    (row,) = asyncio.run(reminders.run(app))
    assert (row["timezone"], row["outcome"], row["detail"]) == ("Asia/Shanghai", "held", "quiet hours")
    assert cli.invoke(main, ["reminders", "timezone", "JM25-9999", "default"]).exit_code != 0
