"""Retention (storage/retention.py), on both databases: stored replies of platform messages go after
the retry window and a margin, settled delivery payloads after their age; the rows' facts stay; a
retry of a pruned message is still not acted on twice; `japanmall db prune --dry-run`; the daily job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.scheduler import PRUNE_JOB_ID, ReminderScheduler
from storage import deliveries as outbox
from storage import dialog, retention
from storage.models import Delivery, InboundKey, MessageLog
from tests.wechat_support import openid, text_xml

pytest_plugins = ["tests.wechat_fixtures"]


def deliveries(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Delivery.kind, Delivery.outcome, Delivery.payload, Delivery.attempts)
        ).all()
    return {row.kind: (row.outcome, row.payload, row.attempts) for row in rows}


def add_deliveries(engine, user_id: int, when: datetime) -> None:
    with engine.begin() as conn:
        for kind, outcome in [
            ("notice", "sent"),
            ("reminder", "held"),
            ("broadcast", "failed"),
            ("reply", "waiting"),
        ]:
            outbox.record(
                conn,
                user_id=user_id,
                channel="wechat",
                kind=kind,
                payload={"text": f"{kind} text"},
                outcome=outcome,
                now=when,
            )


def test_old_replies_and_settled_payloads_go_the_facts_stay_and_a_late_retry_is_not_acted_on(
    wechat, engine, clock
):
    http = wechat.http
    user = openid()
    old = text_xml(user, "こんにちは", msg_id=7_000_001)
    assert "応募締切" in http.reply(http.post(old))
    with engine.connect() as conn:
        user_id = conn.execute(select(MessageLog.user_id)).scalar_one()
    add_deliveries(engine, user_id, clock())
    clock.advance(days=5)
    recent = text_xml(user, "4", msg_id=7_000_002)
    assert http.reply(http.post(recent))

    # Day 8: the first reply is past 7 days, the second is not; payloads are not 90 days old.
    report = retention.prune(engine, clock() + timedelta(days=3), retention.Policy())
    assert (report.replies, report.payloads) == (1, 0)
    with engine.connect() as conn:
        keys = dict(conn.execute(select(InboundKey.key, InboundKey.reply)).all())
    assert keys[f"{user}:7000001"] is None and keys[f"{user}:7000002"]["messages"]
    # WeChat's very late retry of the first message: the key still stops a second step.
    assert http.reply(http.post(old)) is None
    with engine.connect() as conn:
        assert len(conn.execute(select(MessageLog.id)).all()) == 2

    # Day 100: settled payloads go (sent, failed); held and waiting ones are still to be delivered.
    report = retention.prune(engine, clock() + timedelta(days=100), retention.Policy())
    assert (report.replies, report.payloads) == (1, 2)
    kept = deliveries(engine)
    assert kept["notice"] == ("sent", {"pruned": True}, 0)
    assert kept["broadcast"] == ("failed", {"pruned": True}, 0)
    assert kept["reminder"] == ("held", {"text": "reminder text"}, 0)
    assert kept["reply"] == ("waiting", {"text": "reply text"}, 0)
    # Nothing left to do: a second run changes nothing.
    again = retention.prune(engine, clock() + timedelta(days=100), retention.Policy())
    assert (again.replies, again.payloads) == (0, 0)


def test_db_prune_dry_run_shows_and_changes_nothing_then_prunes(app, engine, db_url, monkeypatch):
    now = datetime.now(UTC)
    with engine.begin() as conn:
        user = dialog.get_or_create_user(conn, "wechat", openid(), now)
        for days, key in ((10, "a:1"), (2, "a:2")):
            dialog.claim_inbound(conn, "wechat", key, now - timedelta(days=days))
            dialog.store_reply(conn, "wechat", key, {"language": "ja", "messages": [{"text": "x"}]})
    add_deliveries(engine, user.id, now - timedelta(days=40))
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PAYLOAD_RETENTION_DAYS", "30")
    monkeypatch.delenv("JAPANMALL_REPLY_RETENTION_DAYS", raising=False)
    runner = CliRunner()
    dry = runner.invoke(main, ["db", "prune", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would drop 1 stored replies of platform messages" in dry.output
    assert "would drop 2 payloads of settled deliveries" in dry.output
    assert deliveries(engine)["notice"][1] == {"text": "notice text"}
    done = runner.invoke(main, ["db", "prune"])
    assert done.exit_code == 0, done.output
    assert "dropped 1 stored replies" in done.output and "dropped 2 payloads" in done.output
    assert deliveries(engine)["notice"][1] == {"pruned": True}
    monkeypatch.setenv("JAPANMALL_REPLY_RETENTION_DAYS", "zero")
    refused = runner.invoke(main, ["db", "prune", "--dry-run"])
    assert (
        refused.exit_code == 2 and "JAPANMALL_REPLY_RETENTION_DAYS must be a whole number" in refused.output
    )


def test_the_daily_job_is_scheduled_and_prunes(app, engine, clock):
    with engine.begin() as conn:
        dialog.claim_inbound(conn, "telegram", "update:1", clock() - timedelta(days=8))
        dialog.store_reply(conn, "telegram", "update:1", {"language": "ja", "messages": []})
    scheduler = ReminderScheduler(app)

    async def run() -> retention.Report | None:
        await scheduler.start()
        try:
            job = scheduler.scheduler.get_job(PRUNE_JOB_ID)
            assert job is not None and job.trigger.interval == timedelta(hours=24)
            return await scheduler.prune()
        finally:
            await scheduler.stop()

    report = asyncio.run(run())
    assert report is not None and report.replies == 1
    with engine.connect() as conn:
        assert conn.execute(select(InboundKey.reply)).scalar_one() is None


@pytest.mark.parametrize("value", ["0", "-1", "7d", "１"])
def test_a_retention_age_that_is_not_a_number_of_days_is_refused(monkeypatch, value):
    monkeypatch.setenv("JAPANMALL_PAYLOAD_RETENTION_DAYS", value)
    with pytest.raises(ValueError, match="JAPANMALL_PAYLOAD_RETENTION_DAYS"):
        retention.Policy.from_environment()
