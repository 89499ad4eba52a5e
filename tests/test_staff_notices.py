"""Every move tells the company on its channel in its language what changed and what to do next:
Telegram and WeChat against their fake servers, the console held until the chat is next opened."""

from __future__ import annotations

import dataclasses
import io

import pytest
from sqlalchemy import text

from bot.notices import settle_now
from conversations import Inbound, UserKey
from conversations.staff import actions, moves
from handlers import console
from storage import deliveries
from storage import staff as staff_store
from storage.staff import set_meta
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_chat import point_at
from tests.staff_kit import submitted
from tests.wechat_support import openid

pytest_plugins = ["tests.wechat_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


def move(app, row, wanted, note=None):
    """As `japanmall staff set-status` does: the move and its notice in one transaction, then the
    notice delivered through the outbox's sender."""
    with app.engine.begin() as conn:
        done = actions.move(
            conn, app.texts, app.programme, row, wanted, who="cli:test", now=app.services.clock(), note=note
        )
    return settle_now(app, done.delivery_id, done.outcome)


def test_accepted_reaches_a_japanese_company_on_telegram_with_samples_address_and_date(app, clock):
    with FakeTelegram() as fake:
        point_at(app, fake, "polling")
        app.dialog.handle(UserKey("telegram", "7001"), Inbound(text="/start", language_hint="ja"))
        row = submitted(app, user="7001", channel="telegram", lang="ja", status="under_review")
        sent = move(app, row, "accepted")
        assert sent.outcome == "sent"
        text = [call.params.get("text") for call in fake.calls_of("sendMessage", chat_id=7001)][-1]
    assert f"応募 {row.reference} の状況が「審査中」から「採択」に変わりました" in text
    assert "サンプル 5 個を 2026年1月24日（土） までに" in text  # 14 days after acceptance (programme)
    assert "採択後にジェトロからご案内します" in text  # the programme's sample address
    assert "/shipment" in text
    assert "accepted" not in text and "under_review" not in text  # never a raw enum


def test_accepted_reaches_a_chinese_company_on_wechat_with_the_address_staff_set(wechat_app, wechat_api):
    who = openid()
    wechat_app.dialog.handle(UserKey("wechat", who), Inbound(text="你好"), message_key=f"{who}:1")
    row = submitted(wechat_app, user=who, channel="wechat", lang="zh", status="under_review")
    with wechat_app.engine.begin() as conn:
        set_meta(
            conn,
            row.id,
            {
                **row.meta,
                moves.SAMPLE_ADDRESS: "東京都港区赤坂1-12-32 JETRO",
                moves.SAMPLES_DUE: "2026-02-02",
            },
        )
    assert move(wechat_app, row, "accepted", note="请附上成分表").outcome == "sent"
    (text,) = wechat_api.texts_to(who)
    assert f"报名 {row.reference} 的状态已由“审核中”变为“已入选”" in text
    assert "恭喜" in text
    assert "于 2026年2月2日（周一） 前" in text
    assert "東京都港区赤坂1-12-32 JETRO" in text
    assert "JETRO 的说明：请附上成分表" in text
    assert "採択" not in text


def test_promotion_ended_asks_for_the_sales_data_by_the_programmes_date(app):
    with FakeTelegram() as fake:
        point_at(app, fake, "polling")
        app.dialog.handle(UserKey("telegram", "7002"), Inbound(text="/start", language_hint="zh"))
        row = submitted(app, user="7002", channel="telegram", lang="zh", status="promotion_live")
        assert move(app, row, "promotion_ended").outcome == "sent"
        text = [call.params.get("text") for call in fake.calls_of("sendMessage", chat_id=7002)][-1]
    assert "请于 2026年3月13日（周五） 前发送 /salesdata 提交销售数据" in text  # promotion_end + 14 days


def test_a_console_company_finds_the_notice_held_when_it_next_opens_the_chat(app):
    row = submitted(app, user="alice", channel="console", lang="ja", status="submitted")
    assert move(app, row, "under_review").outcome == "held"
    out = io.StringIO()
    console.run(app.dialog, "alice", lines=[], out=out)
    assert "「提出済み」から「審査中」に変わりました" in out.getvalue()
    assert "ジェトロが選考中です" in out.getvalue()


def test_the_same_notice_is_not_written_twice(app):
    row = submitted(app, user="bob", channel="console", status="submitted")
    assert move(app, row, "under_review").outcome == "held"
    with app.engine.begin() as conn:
        (first,) = [d for d in staff_store.deliveries_for(conn, row.id) if d.kind == "notice"]
        key = conn.execute(text("SELECT dedup_key FROM deliveries WHERE id = :i"), {"i": first.id}).scalar()
        again, new = deliveries.enqueue(
            conn, user_id=row.user_id, kind="notice", messages=[], now=app.services.clock(), dedup_key=key
        )
    assert key.startswith(f"status:{row.id}:under_review:")
    assert not new and again.id == first.id and again.outcome == "held"


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_every_status_has_a_notice_in_both_languages_with_no_raw_enum(app, lang):
    from conversations.statuses import STATUSES

    row = submitted(app, channel="console", lang=lang, status="accepted")
    with app.engine.connect() as conn:
        for status in STATUSES:
            there = dataclasses.replace(row, status=status)
            text = moves.notice(conn, app.texts, app.programme, there, lang, from_status="accepted")
            assert text and status not in text.replace("/salesdata", "").replace("/shipment", ""), status
