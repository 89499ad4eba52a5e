"""Answers in words, in conversation, in both languages (issue 13): the pre-check and the
application answered as people answer, the multi-select with stable numbers, the ask-back on two
readings, the yen sign, a question in the middle of the form, links with their codes."""

from __future__ import annotations

from storage import dialog as store
from tests.application_kit import PROFILE, VERDICT, seed
from tests.transcript import CoreChat, play


def answers_of(app, chat: CoreChat) -> dict:
    with app.engine.connect() as conn:
        state = store.load_state(conn, chat.last.user_id)
    assert state is not None
    return state.answers


def test_the_pre_check_answered_in_japanese_words(app):
    chat = CoreChat(app)
    play(
        chat,
        """
        > こんにちは
        > /check
        < 応募される会社は、次のどれに当たりますか？
        > 日本法人です
        < どちらの参加コースをお考えですか？
        > アフィリエイトのほうで
        < 商品のカテゴリーをお選びください
        > 食品です
        < 日本ブランドの商品ですか？
        > はい。
        < 販売しているプラットフォームをお選びください
        > REDとDouyinの両方です
        < ほかにも販売しているプラットフォームがあればお選びください
        < （ここまでのご回答：RED（小红书）、Douyin（抖音））
        < 1. RED（小红书）
        < 3. 微信小店
        < 4. 以上です
        > 以上です
        < 貴社の店舗ですか、それともパートナー企業の店舗ですか？
        > 自社の店舗です
        < 直送型の越境EC
        > いいえ、違います
        < サンプル（10個前後）
        > はい、大丈夫です
        < 商品の紹介資料
        > ええ、できます
        < 7日以内に出荷・発送できますか？
        > 問題ありません
        < 販売データ
        > はい、可能です
        < 知的財産関連の法令
        > はい。
        < 外為法に基づく輸出管理
        > 同意します
        < アンケートやヒアリング
        > 協力します
        < 公表されることにご同意いただけますか？
        > 同意します。
        < 最終的に判断することにご同意いただけますか？
        > 承知しました
        < メーカーの業種をお選びください
        > 製造業です
        < メーカーの資本金
        > 5,000万円です
        < 資本金は 5,000万円 として承りました
        < 直接または間接に株式の100%を保有されていますか？
        > いいえ。
        < ほかの「中国消費者向け販促・プロモーションイベント」
        > 予定はありません
        < 中国で商標登録されていますか？
        > 申請中です
        < 【事前確認の結果】
        """,
    )
    answers = answers_of(app, chat)
    assert {key: answers[key] for key in ("applicant_type", "track", "product_category", "ec_platforms")} == {
        "applicant_type": "japanese_corporation",
        "track": "kol_affiliate",
        "product_category": "food_alcohol",
        "ec_platforms": ["red", "douyin"],
    }
    assert answers["store_owner"] == "own" and answers["cross_border_direct"] is False
    assert all(answers[key] is True for key in ("samples_ok", "materials_ok", "ships_within_7_days"))
    assert answers["capital_jpy"] == 50_000_000 and answers["wholly_owned_by_large_company"] is False
    assert answers["in_other_china_promotion"] is False and answers["china_trademark"] == "pending"


def test_the_pre_check_answered_in_chinese_words(app):
    chat = CoreChat(app, user="zh1")
    play(
        chat,
        """
        > 你好
        > /check
        < 报名企业属于以下哪一类？
        > 我们是日本公司在上海的子公司
        < 您打算选择哪种推广方式？
        > 快团团
        < 请选择您计划参与推广的商品类别。
        > 化妆品
        < 该商品是日本品牌的商品吗？
        > 是的
        < 该商品是否已在中国国内流通
        > 可以的
        < 能否自费提供样品
        > 没问题
        < 能否提供商品介绍资料
        > 能
        < 能否在 7 天内发货？
        > 可以
        < 能否提交销售数据
        > 好的
        < 不违反中国知识产权相关法律法规？
        > 确定
        < 出口管制等相关特别事项？
        > 同意
        < 问卷调查和访谈？
        > 对
        < 公开本项目的概要、进展和成果？
        > 同意
        < 由 JETRO 最终决定能否参加？
        > 好的
        < 请选择生产企业所属的行业。
        > 制造业
        < 生产企业的注册资本（或出资总额）是多少？
        > 3亿日元
        < 直接或间接 100% 持股？
        > 不是
        < 其他“面向中国消费者的促销推广活动”？
        > 暂时没有
        < 是否已在中国注册商标？
        > 已经注册了
        < 【预审结果】
        """,
    )
    answers = answers_of(app, chat)
    assert answers["applicant_type"] == "china_subsidiary_of_japanese_corporation"
    assert answers["track"] == "group_buying" and answers["product_category"] == "cosmetics"
    assert answers["distributed_in_china"] is True and answers["accepts_jetro_decision"] is True
    assert answers["manufacturer_industry"] == "manufacturing" and answers["capital_jpy"] == 300_000_000
    assert answers["in_other_china_promotion"] is False and answers["china_trademark"] == "registered"


def test_the_platforms_keep_their_numbers_while_more_are_added(app):
    chat = CoreChat(app, user="zh2")
    seed(
        app,
        user="zh2",
        lang="zh",
        answers={"track": "kol_affiliate"},
        flow="eligibility",
        step="ec_platforms",
    )
    play(
        chat,
        """
        > 抖音
        < 如还在其他平台销售，请继续选择
        < （目前已选择：抖音（Douyin））
        < 1. 小红书（RED）
        < 2. 抖音（Douyin）
        < 3. 微信小店
        < 4. 没有了
        > 3
        < （目前已选择：抖音（Douyin）、微信小店）
        < 1. 小红书（RED）
        < 4. 没有了
        > 完成了
        < 自有店铺
        """,
    )
    assert answers_of(app, chat)["ec_platforms"] == ["douyin", "wechat_shop"]


def test_two_readings_are_asked_back_and_the_answer_picks_one(app):
    chat = CoreChat(app)
    seed(app, lang="ja", flow="eligibility", step="product_category")
    play(
        chat,
        """
        > 食品か日用品か迷います
        < 「食品か日用品か迷います」は、次のどちらの意味でしょうか？
        < 1. 食品・酒類
        < 2. 日用品
        <! 3. コスメ
        > 2
        < 日本ブランドの商品ですか？
        > いいえ、大丈夫です
        < 「いいえ、大丈夫です」は、次のどちらの意味でしょうか？
        < 1. はい
        < 2. いいえ
        > /start
        > /check
        """,
    )
    assert answers_of(app, chat)["product_category"] == "daily_goods"
    assert "japanese_brand" not in answers_of(app, chat)


def test_an_ask_back_in_chinese_taken_by_its_button_and_asked_again_after_a_pause(app):
    chat = CoreChat(app, user="zh3")
    seed(app, user="zh3", lang="zh", flow="eligibility", step="product_category")
    play(
        chat,
        """
        > 食品还是日用品
        < “食品还是日用品”是指以下哪一项？也可以回复序号。
        < 1. 食品、酒类
        < 2. 日用品
        """,
    )
    again = app.dialog.greet(chat.key)  # the console reopened: the same ask-back, not the question
    assert "“食品还是日用品”是指以下哪一项？" in "\n".join(message.text for message in again.messages)
    shown = chat.tap("reading:1")
    assert "该商品是日本品牌的商品吗？" in shown
    assert answers_of(app, chat)["product_category"] == "food_alcohol"


def test_a_yen_sign_in_a_price_asked_in_yuan_is_asked_back_of_a_japanese_writer(app):
    seed(
        app,
        lang="ja",
        answers={**PROFILE, "eligibility_verdict": VERDICT},
        flow="application",
        step="price_cny",
    )
    chat = CoreChat(app)
    play(
        chat,
        """
        > ￥98
        < 「￥98」は、次のどちらの意味でしょうか？
        < 1. 98元（人民元）
        < 2. 98円（日本円）
        > 2
        < 中国での小売価格は人民元（元）でお答えください
        < 中国での小売価格を人民元で入力してください
        > ￥98
        > 人民元です
        < 中国での商標の登録番号または出願番号があれば入力してください。
        """,
    )
    assert answers_of(app, chat)["price_cny"] == 98


def test_prices_and_counts_in_words_in_chinese(app):
    seed(
        app,
        user="zh4",
        lang="zh",
        answers={**PROFILE, "eligibility_verdict": VERDICT},
        flow="application",
        step="price_cny",
    )
    chat = CoreChat(app, user="zh4")
    play(
        chat,
        """
        > ￥98
        <! 是指以下哪一项
        """,
    )
    assert answers_of(app, chat)["price_cny"] == 98
    seed(app, user="zh5", lang="zh", answers={**PROFILE}, flow="application", step="price_cny")
    other = CoreChat(app, user="zh5")
    play(other, "> 一百二十八元")
    assert answers_of(app, other)["price_cny"] == 128
    seed(app, user="zh6", lang="zh", answers={**PROFILE}, flow="application", step="samples_count")
    samples = CoreChat(app, user="zh6")
    play(
        samples,
        """
        > 十个
        < 今后是否计划提供更多样品？
        > 暂时没有
        """,
    )
    assert (
        answers_of(app, samples)["samples_count"] == 10 and answers_of(app, samples)["samples_more"] is False
    )


def test_a_question_mid_form_is_answered_and_not_stored_in_japanese(app):
    seed(
        app,
        lang="ja",
        answers={**PROFILE, "eligibility_verdict": VERDICT},
        flow="application",
        step="company_name_ja",
    )
    chat = CoreChat(app)
    play(
        chat,
        """
        > 法人番号ってどこで調べるの
        < 【法人番号の調べ方】
        < 法人番号公表サイト
        < 会社名（日本語の正式名称）を入力してください。
        > 株式会社なにわ堂
        < 会社名の中国語表記または英語表記があれば入力してください。
        """,
    )
    answers = answers_of(app, chat)
    assert answers["company_name_ja"] == "株式会社なにわ堂"
    assert "法人番号ってどこで調べるの" not in answers.values()


def test_a_question_mid_form_is_answered_and_not_stored_in_chinese(app):
    seed(app, user="zh7", lang="zh", answers={**PROFILE}, flow="application", step="samples_count")
    chat = CoreChat(app, user="zh7")
    play(
        chat,
        """
        > 样品需要提供几个
        < 【提供样品】
        < 请输入可提供给 KOL/KOC 试用的样品数量
        > 截止日期是什么时候？另外要交报名费吗？
        < 【报名截止日期】
        < 【参加费用】
        < 请输入可提供给 KOL/KOC 试用的样品数量
        > 5个
        < 今后是否计划提供更多样品？
        """,
    )
    assert answers_of(app, chat)["samples_count"] == 5


def test_a_baidu_netdisk_link_keeps_its_code_and_the_list_ends_in_words(app):
    seed(app, user="zh8", lang="zh", answers={**PROFILE}, flow="application", step="materials")
    chat = CoreChat(app, user="zh8")
    play(
        chat,
        """
        > 完成了
        < 还没有收到商品资料
        > pan.baidu.com/s/1abc 提取码：8k2m
        < 已收到（目前共 1 份）
        > 完成了
        < 请输入可提供给 KOL/KOC 试用的样品数量
        """,
    )
    assert answers_of(app, chat)["materials"] == [{"url": "https://pan.baidu.com/s/1abc", "code": "8k2m"}]


def test_the_summary_and_an_optional_field_answered_in_words(app):
    seed(app, lang="ja", answers={**PROFILE}, flow="application", step="trademark_number")
    chat = CoreChat(app)
    play(
        chat,
        """
        > まだありません
        < EC 店舗の名前または URL を入力してください。
        """,
    )
    assert answers_of(app, chat)["trademark_number"] is None
