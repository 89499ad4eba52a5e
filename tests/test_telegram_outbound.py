"""Telegram through the outbox (notices, reminders, broadcasts): limits, 429, 403, 5xx, the rows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from bot.outbound import Postman, Sent
from conversations import FileRef, Inbound, Outbound, UserKey
from handlers.telegram_render import utf16_length
from storage.models import Delivery, User
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_chat import point_at

CHAT = 7001
# PTB's RetryAfter reads its own deprecated int `retry_after` when it is built; we read it as either type.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def fake(app):
    with FakeTelegram() as fake:
        point_at(app, fake, "polling")
        yield fake


def user_row_id(app, telegram_id: int = CHAT) -> int:
    """A Telegram user who has talked to the bot (the core creates them)."""
    reply = app.dialog.handle(
        UserKey("telegram", str(telegram_id)), Inbound(text="/start", language_hint="ja")
    )
    assert reply.user_id is not None
    return reply.user_id


def send(app, user_id: int, messages: Sequence[Outbound], **options) -> Sent:
    """As a command does: the row written, then delivered by a sender of its own."""
    return asyncio.run(Postman(app).send(user_id, messages, **options))


def deliveries(app, kind: str) -> list:
    with app.engine.connect() as conn:
        query = select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)
        return list(conn.execute(query))


def blocked_at(app, user_id: int):
    with app.engine.connect() as conn:
        return conn.execute(select(User.blocked_at).where(User.id == user_id)).scalar_one()


def test_a_notice_is_sent_and_recorded(app, fake):
    uid = user_row_id(app)
    result = send(app, uid, [Outbound("審査結果のお知らせです。")], kind="status_notice")
    assert result.outcome == "sent"
    call = fake.calls_of("sendMessage", chat_id=CHAT)[-1]
    assert call.params["text"] == "審査結果のお知らせです。"
    [row] = deliveries(app, "status_notice")
    assert (row.outcome, row.channel, row.attempts, row.error) == ("sent", "telegram", 1, None)
    assert row.sent_at is not None
    assert row.payload["messages"][0]["text"] == "審査結果のお知らせです。"


def test_a_dedup_key_sends_once(app, fake):
    uid = user_row_id(app)
    first = send(app, uid, [Outbound("締切まであと3日です。")], kind="reminder", dedup_key="deadline:1")
    second = send(app, uid, [Outbound("締切まであと3日です。")], kind="reminder", dedup_key="deadline:1")
    assert (first.outcome, second.duplicate) == ("sent", True)
    assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == 1
    assert len(deliveries(app, "reminder")) == 1


def test_a_429_is_honoured_the_retry_comes_after_retry_after(app, fake):
    uid = user_row_id(app)
    mark = len(fake.calls)
    fake.rate_limit(CHAT, retry_after=1)
    result = send(app, uid, [Outbound("サンプルの発送をお願いします。")], kind="reminder")
    assert result.outcome == "sent"
    refused, accepted = fake.calls_of("sendMessage", chat_id=CHAT, since=mark)
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 1.0


def test_a_429_asking_for_too_long_is_retried_later_not_waited_for(app, fake, clock):
    uid = user_row_id(app)
    fake.rate_limit(CHAT, retry_after=3600)
    started = time.monotonic()
    result = send(app, uid, [Outbound("販売データのご提出期限です。")], kind="reminder", dedup_key="sales:1")
    assert result.outcome == "queued"  # to be tried again in an hour, not held up for it
    assert time.monotonic() - started < 10
    assert "3600" in (result.error or "")
    [row] = deliveries(app, "reminder")
    assert row.outcome == "queued" and row.sent_at is None and row.attempts == 1
    assert (row.next_attempt_at - clock()).total_seconds() >= 3600
    clock.advance(seconds=3601)
    again = send(app, uid, [Outbound("販売データのご提出期限です。")], kind="reminder", dedup_key="sales:1")
    assert again.duplicate  # the same row; a sender delivers it once it is due
    from bot.outbound import deliver_now

    assert deliver_now(app, [row.id]) == {row.id: "sent"}
    [row] = deliveries(app, "reminder")
    assert (row.outcome, row.attempts) == ("sent", 2)


def test_a_5xx_is_retried_with_backoff_and_sent_once_the_api_recovers(app, fake, clock):
    from bot.outbound import deliver_now

    uid = user_row_id(app)
    mark = len(fake.calls)
    fake.fail_with(CHAT, 502, times=2)
    first = send(app, uid, [Outbound("審査結果のお知らせです。")], kind="notice", dedup_key="n:5xx")
    assert first.outcome == "queued"
    [row] = deliveries(app, "notice")
    assert row.attempts == 1 and (row.next_attempt_at - clock()).total_seconds() == 2
    clock.advance(seconds=2)
    assert deliver_now(app, [row.id], timeout=3) == {row.id: "queued"}  # the second 502
    [row] = deliveries(app, "notice")
    assert row.attempts == 2 and (row.next_attempt_at - clock()).total_seconds() == 4  # doubled
    clock.advance(seconds=4)
    assert deliver_now(app, [row.id]) == {row.id: "sent"}
    calls = fake.calls_of("sendMessage", chat_id=CHAT, since=mark)
    assert [c.status for c in calls] == [502, 502, 200]


def test_a_403_marks_the_user_who_is_then_skipped_until_they_write_again(app, fake):
    uid = user_row_id(app)
    fake.block(CHAT)
    first = send(app, uid, [Outbound("お知らせ 1")], kind="broadcast")
    assert first.outcome == "blocked"
    assert blocked_at(app, uid) is not None
    tried = len(fake.calls_of("sendMessage", chat_id=CHAT))
    assert tried == 1  # settled at once: no retries
    second = send(app, uid, [Outbound("お知らせ 2")], kind="broadcast")
    assert second.outcome == "blocked"
    assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == tried  # not even tried
    assert [row.outcome for row in deliveries(app, "broadcast")] == ["blocked", "blocked"]
    # They unblock the bot and write to it: they are reachable again.
    fake.unblock(CHAT)
    app.dialog.handle(UserKey("telegram", str(CHAT)), Inbound(text="/status", language_hint="ja"))
    assert blocked_at(app, uid) is None
    assert send(app, uid, [Outbound("お知らせ 3")], kind="broadcast").outcome == "sent"


def test_a_message_over_4096_characters_is_split(app, fake):
    uid = user_row_id(app)
    mark = len(fake.calls)
    text = "\n".join(f"{n:05d} 応募状況のご案内" for n in range(500))  # 7,999 characters
    assert send(app, uid, [Outbound(text)], kind="status_notice").outcome == "sent"
    parts = [c.params["text"] for c in fake.calls_of("sendMessage", chat_id=CHAT, since=mark)]
    assert len(parts) == 2
    assert all(utf16_length(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text


def test_the_filled_application_goes_out_as_a_document(app, fake, tmp_path):
    uid = user_row_id(app)
    xlsx = tmp_path / "JM25-0042.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    message = Outbound("申込書をお送りします。", document=FileRef("JM25-0042.xlsx", path=str(xlsx)))
    assert send(app, uid, [message], kind="application_form").outcome == "sent"
    [doc] = fake.calls_of("sendDocument", chat_id=CHAT)
    assert doc.files["document"] == ("JM25-0042.xlsx", xlsx.read_bytes())


def test_one_chat_gets_about_one_message_a_second_after_a_short_burst(app, fake):
    uid = user_row_id(app)
    mark = len(fake.calls)
    messages = [Outbound(f"お知らせ {n}") for n in range(5)]
    assert send(app, uid, messages, kind="broadcast").outcome == "sent"
    times = [c.at for c in fake.calls_of("sendMessage", chat_id=CHAT, since=mark)]
    assert len(times) == 5
    assert times[3] - times[0] >= 0.9  # three at once, then the pace
    assert times[4] - times[0] >= 1.9
