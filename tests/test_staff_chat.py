"""/staff by chat over the channels' HTTP paths: the accounts in JAPANMALL_STAFF list, show, move
(the company is told), count and answer enquiries; anyone else gets the ordinary answer to an
unknown command and the attempt is logged."""

from __future__ import annotations

import logging

import pytest

from storage.enquiries import create_enquiry
from tests.fakes.telegram_chat import TelegramChat
from tests.staff_kit import history, reload, submitted
from tests.transcript import CoreChat, play
from tests.wechat_support import AES_KEY, make_app, openid, serve, wechat_settings

pytest_plugins = ["tests.wechat_fixtures", "tests.telegram_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


def test_telegram_staff_list_show_set_and_the_company_is_told(app, fake, served):
    app.services.staff = frozenset({("telegram", "5001")})
    company = TelegramChat(app, fake, served.url, user_id=6001, language_code="zh-hans")
    company.send("/start")
    row = submitted(app, user="6001", channel="telegram", lang="zh", status="under_review")
    staff = TelegramChat(app, fake, served.url, user_id=5001, language_code="ja")
    play(
        staff,
        f"""
        > /staff list
        < 応募 1 件
        < {row.reference} · 審査中 · 株式会社さくら食品
        > /staff show {row.reference}
        < 状況：審査中
        < 次に可能な変更：accepted, waitlisted, rejected, withdrawn
        > /staff set {row.reference} promotion_live
        < 「審査中」から promotion_live へは変更できません。
        < 可能な変更：accepted, waitlisted, rejected, withdrawn
        > /staff set {row.reference} 採択 サンプルは常温で
        < {row.reference} を「採択」にしました
        > /staff stats
        < 応募 1 件
        < 採択: 1
        """,
    )
    assert reload(app, row).status == "accepted"
    assert history(app, row)[-1].actor == "telegram:5001"
    told = [call.params.get("text") for call in fake.calls_of("sendMessage", chat_id=6001)][-1]
    assert f"报名 {row.reference} 的状态已由“审核中”变为“已入选”" in told
    assert "JETRO 的说明：サンプルは常温で" in told


def test_telegram_others_get_the_unknown_command_answer_and_the_attempt_is_logged(app, fake, served, caplog):
    row = submitted(app, status="under_review")
    stranger = TelegramChat(app, fake, served.url, user_id=6002, language_code="ja")
    stranger.send("/start")
    with caplog.at_level(logging.WARNING, logger="conversations.engine"):
        play(stranger, f"> /staff set {row.reference} accepted\n< 「/staff」というコマンドはありません")
    assert reload(app, row).status == "under_review"
    assert any(record.getMessage() == "staff command refused" for record in caplog.records)


def test_wechat_staff_reply_reaches_the_company_and_others_are_refused(
    settings, engine, clock, wechat_api, caplog
):
    # Staff commands over WeChat are taken in safe mode only (tests/test_hostile_wechat.py: plain is refused).
    app = make_app(wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY), engine, clock)
    with serve(app, wechat_api, aes=True) as wechat:
        _staff_reply_over_wechat(app, wechat, wechat_api, caplog)


def _staff_reply_over_wechat(app, wechat, wechat_api, caplog) -> None:
    staff_id, company_id, stranger_id = openid(), openid(), openid()
    app.services.staff = frozenset({("wechat", staff_id)})
    company = wechat.chat(company_id)
    company.send("你好")
    row = submitted(app, user=company_id, channel="wechat", lang="zh", status="submitted")
    with app.engine.begin() as conn:
        enquiry = create_enquiry(
            conn,
            user_id=row.user_id,
            language="zh",
            question="样品可以寄到上海吗？",
            now=app.services.clock(),
        )
    with caplog.at_level(logging.WARNING, logger="conversations.engine"):
        play(wechat.chat(stranger_id), f"> 你好\n< \n> /staff reply {enquiry} 可以\n< 没有“/staff”这个指令")
    assert any(record.getMessage() == "staff command refused" for record in caplog.records)
    staff = wechat.chat(staff_id)
    play(
        staff,
        f"""
        > こんにちは
        > /staff reply {enquiry} 上海の事務所でも受け取れます。
        < 問い合わせ {enquiry} に回答し、企業に送りました
        > /staff set {row.reference} under_review
        < {row.reference} を「審査中」にしました
        """,
    )
    wechat.wait_idle()
    sent = wechat_api.texts_to(company_id)
    assert any("JETRO 对您问题的回复：\n上海の事務所でも受け取れます。" in text for text in sent), sent
    assert any("的状态已由“已提交”变为“审核中”" in text for text in sent), sent
    assert not any("上海の事務所" in text for text in wechat_api.texts_to(stranger_id))


def test_the_staff_chat_answers_usage_and_unknown_references(app):
    app.services.staff = frozenset({("console", "boss")})
    play(
        CoreChat(app, user="boss"),
        """
        > こんにちは
        > /staff
        < 使い方：/staff list
        > /staff show JM25-9999
        < 受付番号 JM25-9999 の応募は見つかりません
        > /staff list nonsense
        < 「nonsense」という状況はありません
        > /staff reply 999 hello
        < 問い合わせ番号 999 は見つかりません
        > /staff stats
        < 応募 0 件
        """,
    )
