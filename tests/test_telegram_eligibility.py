"""A whole flow over Telegram: the eligibility pre-check, by buttons in Chinese and by text in Japanese.

The same transcripts as tests/test_eligibility_dialog.py (played there through the core), here
through PTB, the webhook and the fake Bot API. Per-chat pacing is off: this is about the dialog.
"""

from __future__ import annotations

from handlers.telegram_render import CALLBACK_LIMIT
from tests.fakes.telegram_chat import TelegramChat
from tests.transcript import play

pytest_plugins = ["tests.telegram_fixtures"]

E6_TO_E14 = 9  # samples, materials, shipping, sales data, IP, export control, surveys, publication, JETRO


def test_chinese_group_buying_pre_check_by_buttons(app, fake, served):
    chat = TelegramChat(app, fake, served.url, language_code="zh-hans")
    assert "请选择您要办理的事项" in chat.send("/start")
    assert "现在开始报名资格预审" in chat.tap("check")
    chat.tap("china_subsidiary_of_japanese_corporation")  # step|value is over 64 bytes: a digest
    assert all(len(b["callback_data"].encode()) <= CALLBACK_LIMIT for b in chat.keyboard[1])
    chat.tap("group_buying")
    assert "商品类别" not in chat.tap("food_alcohol")
    assert "是否已在中国国内流通" in chat.tap("yes")  # a Japanese brand
    answer = chat.tap("yes")  # distributed in China
    assert "电商店铺" not in answer and "直邮" not in answer
    for _ in range(E6_TO_E14):
        answer = chat.tap("yes")
    assert "生产企业所属的行业" in answer
    chat.tap("retail")
    assert "已记录：注册资本 5000万日元" in chat.send("5000万日元")
    chat.tap("no")  # not wholly owned by a large company
    chat.tap("no")  # no other China promotion this year
    verdict = chat.tap("registered")
    assert "【预审结果】根据您的回答，已满足全部报名条件。" in verdict
    assert "• 推广方式：团购小程序（快团团）" in verdict and "E5" not in verdict
    details = chat.tap("details")
    assert "✓ 【团购小程序】" in details and "【KOL/KOC 带货推广】" not in details


def test_japanese_pre_check_by_text(app, fake, served):
    yes_to_e6_e14 = "\n".join(["> はい"] * E6_TO_E14)
    play(
        TelegramChat(app, fake, served.url, language_code=None),
        f"""
        > こんにちは
        > 1
        < 応募資格の事前確認を始めます
        < 応募される会社は、次のどれに当たりますか？
        > 日本法人です
        < どちらの参加コース
        > アフィリエイトのほうで
        < 商品のカテゴリー
        > 化粧品です
        < 日本ブランドの商品ですか
        > はい。
        < 販売しているプラットフォームをお選びください
        > REDとDouyinの両方です
        < ほかにも販売しているプラットフォームがあれば
        < （ここまでのご回答：RED（小红书）、Douyin（抖音））
        > 以上です
        < 貴社の店舗ですか、それともパートナー企業の店舗ですか
        > パートナーの店舗です
        < 直送型の越境EC
        > いいえ
        < サンプル（10個前後）
        {yes_to_e6_e14}
        < 続いて、商品のメーカーについて伺います
        > 製造業その他
        < メーカーの資本金
        > たくさん
        < 「たくさん」は金額として読み取れませんでした
        > 5億円
        < 資本金は 5億円 として承りました
        > 120人
        < 従業員数は 120人 として承りました
        > いいえ
        > はい
        > 登録も出願もしていない
        < 【事前確認の結果】ご回答の範囲では、応募条件をすべて満たしています。
        < ・メーカーの企業規模：中小企業
        < ※ 事前確認です。参加の可否はジェトロが最終的に判断します。
        > 詳しく見る
        < 【メーカーの企業規模】中小企業です
        < ※ この結果はあくまで事前確認です。参加の可否は、ジェトロが最終的に判断します。
    """,
    )


def test_an_ask_back_answered_by_its_button(app, fake, served):
    chat = TelegramChat(app, fake, served.url, language_code="ja")
    chat.send("/check")
    chat.send("日本法人です")
    chat.send("アフィリエイトのほうで")
    asked = chat.send("食品か日用品か迷います")
    assert "「食品か日用品か迷います」は、次のどちらの意味でしょうか？" in asked
    assert [button["text"] for button in chat.keyboard[1]] == ["食品・酒類", "日用品"]
    assert "日本ブランドの商品ですか" in chat.tap("reading:2")
