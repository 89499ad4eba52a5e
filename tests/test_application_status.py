"""/status: the application's status, what happens next and what is due, in the company's language."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import applications as apps
from tests.application_kit import application_of, at_confirm, prechecked
from tests.transcript import CoreChat, play


def move(app, user_id: int, *steps: str) -> None:
    """Staff moves (the status machine is another issue's): each a history row at the clock's time."""
    row = application_of(app, user_id)
    with app.engine.begin() as conn:
        current = row.status
        for status in steps:
            assert apps.move(
                conn,
                row.id,
                from_status=current,
                to_status=status,
                actor="telegram:1",
                now=app.services.clock(),
            )
            current = status


def test_status_of_a_draft_tells_what_is_left_and_the_deadline_then_asks_again(app):
    prechecked(app)
    play(
        CoreChat(app),
        """
        > /status
        < まだ応募はありません
        > /apply
        > 株式会社さくら食品
        > /status
        < 入力途中（未提出）（KOL・KOCアフィリエイト）
        < まだ提出されていません（残り 22 項目）。締切は 2026年1月30日（金） 23:59（日本時間、UTC+09:00）です
        < 会社名の中国語表記または英語表記
    """,
    )


def test_status_after_submission_in_chinese_from_the_menu(app):
    at_confirm(app, "u1", 1)
    play(
        CoreChat(app),
        """
        > /lang zh
        > 1
        < 受理编号为 JM25-0001
        > 4
        < 受理编号 JM25-0001：已提交（KOL/KOC 带货推广）
        < 下一步：日本贸易振兴机构（JETRO）将审核您的报名并进行评选
        < 请选择您要办理的事项
    """,
    )


def test_status_after_acceptance_names_the_samples_and_their_due_date(app, clock):
    user_id = at_confirm(app, "u1", 1)
    CoreChat(app).send("提出する")
    clock.set(datetime(2026, 2, 5, 1, 0, tzinfo=UTC))
    move(app, user_id, "under_review", "accepted")
    play(
        CoreChat(app),
        """
        > /status
        < 受付番号 JM25-0001：採択（KOL・KOCアフィリエイト）
        < サンプル（最大 10 個前後）をご発送ください（期限：2026年2月19日（木））
        < 送付先：採択後にジェトロからご案内します
        > /lang zh
        > /status
        < 请寄送供 KOL/KOC 试用的样品（最多 10 个左右）（截止：2026年2月19日（周四））
    """,
    )


def test_status_after_the_promotion_asks_for_the_sales_data_by_its_date(app, clock):
    user_id = at_confirm(app, "u1", 1)
    CoreChat(app).send("提出する")
    move(app, user_id, "under_review", "accepted", "samples_shipped", "samples_received", "promotion_live")
    play(
        CoreChat(app), "> /status\n< プロモーションは 2026年2月27日（金） までです。ご注文から 7 日以内の出荷"
    )
    clock.set(datetime(2026, 2, 27, 10, 0, tzinfo=UTC))  # marked ended before its planned end
    move(app, user_id, "promotion_ended")
    play(
        CoreChat(app),
        """
        > /status
        < プロモーション終了
        < 提出が必要です：販売データ（EC店舗の PV・UU、商品ごとの購入者数・件数・金額）
        < を 2026年3月13日（金） までにご提出ください（E9）
    """,
    )
    move(app, user_id, "data_submitted", "completed")
    play(CoreChat(app), "> /status\n< 完了\n< ご参加ありがとうございました")
