"""The company's own steps in the chat: withdraw with a confirm, the sample shipment, the sales
data (E9) — validated, editable until staff complete the application."""

from __future__ import annotations

from conversations.staff import moves
from tests.staff_kit import history, reload, submitted
from tests.transcript import CoreChat, play


def test_withdraw_asks_first_and_no_keeps_the_application(app):
    row = submitted(app, user="w1", status="under_review")
    chat = CoreChat(app, user="w1")
    play(
        chat,
        f"""
        > /withdraw
        < 応募 {row.reference} を辞退しますか？
        > いいえ
        < 辞退はしていません
        """,
    )
    assert reload(app, row).status == "under_review"
    play(
        chat,
        f"""
        > /withdraw
        < 辞退しますか
        > はい
        < 応募 {row.reference} の状況が「審査中」から「辞退」に変わりました
        < 辞退として受け付けました
        """,
    )
    assert reload(app, row).status == "withdrawn"
    last = history(app, row)[-1]
    assert (last.from_status, last.to_status, last.actor) == ("under_review", "withdrawn", "console:w1")
    play(chat, "> /withdraw\n< いま辞退できる応募はありません（現在の状況：辞退）")


def test_withdraw_after_the_promotion_started_is_refused_in_chinese(app):
    row = submitted(app, user="w2", lang="zh", status="promotion_live")
    play(CoreChat(app, user="w2"), "> /withdraw\n< 目前没有可以放弃的报名（当前状态：")
    assert reload(app, row).status == "promotion_live"


def test_the_sample_shipment_is_validated_stored_and_moves_the_status(app, clock):
    row = submitted(app, user="s1", status="accepted")
    clock.advance(days=3)
    play(
        CoreChat(app, user="s1"),
        """
        > /shipment
        < 運送会社はどちらですか
        > ヤマト運輸
        < 追跡番号をご入力ください
        > 追跡できません
        < 追跡番号は英数字とハイフンで
        > 1234-5678-9012
        < 発送日をご入力ください
        > 2026-12-31
        < 発送日が未来の日付になっています
        > 2026-01-01
        < 採択日（2026年1月10日（土））より前になっています
        > 1月12日
        < 発送したサンプルの個数
        > 0
        < 個数は 1〜100 の整数で
        > 5個
        < 「採択」から「サンプル発送済み」に変わりました
        < ジェトロが到着を確認し
        """,
    )
    fresh = reload(app, row)
    assert fresh.status == "samples_shipped"
    assert {key: fresh.meta["shipment"][key] for key in ("carrier", "tracking", "date", "quantity")} == {
        "carrier": "ヤマト運輸",
        "tracking": "1234-5678-9012",
        "date": "2026-01-12",
        "quantity": 5,
    }
    play(CoreChat(app, user="s1"), "> /shipment\n< いまはサンプルの発送をご報告いただく段階ではありません")


def test_shipment_before_acceptance_is_not_asked(app):
    submitted(app, user="s2", lang="zh", status="under_review")
    play(CoreChat(app, user="s2"), "> /shipment\n< 目前还不是报告样品寄送的阶段（当前状态：审核中）")


SALES = """
    > /salesdata
    < 页面浏览量（PV
    > 12,000
    < 独立访客数（UV）
    > 20000
    < UV 超过了页面浏览量（12000）
    > 4000
    < “さくら緑茶”的购买人数
    > 31
    < “さくら緑茶”的订单数
    > 30
    < “さくら緑茶”的销售额
    > 2640日元
    < 销售额请以人民币填写
    > ¥2,640
    < 购买人数超过了订单数（30），请从购买人数开始重新输入
    < 购买人数
    > 28
    < 订单数
    > 30
    < 销售额
    > 2640
"""


def test_sales_data_validated_submitted_then_edited_until_staff_complete(app, clock):
    row = submitted(app, user="d1", lang="zh", status="promotion_ended")
    chat = CoreChat(app, user="d1")
    answers = play(chat, SALES)
    assert f"报名 {row.reference} 的状态已由“推广已结束”变为“销售数据已提交”" in answers[-1]
    assert "在 JETRO 确认之前，您可以通过 /salesdata 修改" in answers[-1]
    fresh = reload(app, row)
    assert fresh.status == "data_submitted"
    assert fresh.meta["sales_data"]["pv"] == 12000
    assert fresh.meta["sales_data"]["uu"] == 4000
    assert fresh.meta["sales_data"]["products"] == [
        {"product": "さくら緑茶", "buyers": 28, "orders": 30, "amount_cny": 2640.0}
    ]
    play(
        chat,
        """
        > /salesdata
        < 现在修改已提交的销售数据
        < （您目前的回答：12000）
        > 12500
        < UV
        > 4000
        < 购买人数
        > 28
        < 订单数
        > 30
        < 销售额
        > 2700
        < 已更新报名
        """,
    )
    fresh = reload(app, row)
    assert fresh.status == "data_submitted"
    assert (fresh.meta["sales_data"]["pv"], fresh.meta["sales_data"]["products"][0]["amount_cny"]) == (
        12500,
        2700,
    )
    with app.engine.begin() as conn:
        moves.make_move(conn, fresh, "completed", actor="staff", who="cli:t", now=clock())
    play(chat, "> /salesdata\n< JETRO 已确认销售数据，无法再修改")
    assert reload(app, row).meta["sales_data"]["pv"] == 12500


def test_sales_data_before_the_promotion_ends_is_not_asked(app):
    submitted(app, user="d2", status="promotion_live")
    play(CoreChat(app, user="d2"), "> /salesdata\n< 販売データは、プロモーション終了後にご提出いただけます")
