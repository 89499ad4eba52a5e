"""The eligibility conversation on transcripts, in Japanese and Chinese (issue 3)."""

from __future__ import annotations

import pytest

from storage import dialog as store
from tests.transcript import CoreChat, play

YES_TO_E6_E14 = "\n".join(["> はい"] * 9)
SHI_TO_E6_E14 = "\n".join(["> 是"] * 9)
# Every question before the capital answered "I don't know" (the track left undecided).
# E1, the track, then 15 more: E2 (two questions), E3, E4, E5, E6..E14 and the industry.
JA_UNKNOWN_TO_CAPITAL = "\n".join(["> わからない", "> まだ決めていない", *["> わからない"] * 15])
ZH_UNKNOWN_TO_CAPITAL = "\n".join(["> 不确定", "> 还没决定", *["> 不确定"] * 15])


def answers_of(app, chat: CoreChat) -> dict:
    with app.engine.connect() as conn:
        state = store.load_state(conn, chat.last.user_id)
    assert state is not None
    return state.answers


def test_japanese_kol_affiliate_from_start_to_verdict(app):
    chat = CoreChat(app)
    play(
        chat,
        f"""
        > こんにちは
        > 1
        < 応募資格の事前確認を始めます
        < これは事前確認です。参加の可否は、ジェトロが最終的に判断します（E14）
        < 応募される会社は、次のどれに当たりますか？（E1）
        > 日本法人
        < どちらのプログラム
        > 1
        < 商品のカテゴリー
        > コスメ
        < 日本ブランドの商品ですか
        > はい
        < 販売しているプラットフォームをお選びください。複数ある場合は
        < 1. RED（小红书）
        > 1
        < ほかにも販売しているプラットフォームがあれば
        < （ここまでのご回答：RED（小红书））
        < 1. RED（小红书）
        < 2. Douyin（抖音）
        < 4. 以上です
        > Douyin（抖音）
        < （ここまでのご回答：RED（小红书）、Douyin（抖音））
        > 以上です
        < 御社の店舗ですか、それともパートナー企業の店舗ですか
        > 2
        < 直送型の越境EC
        > いいえ
        < サンプル（10個前後）
        <! 中国国内で流通
        {YES_TO_E6_E14}
        < 続いて、商品のメーカーについて伺います
        > 製造業・その他
        < メーカーの資本金
        > たくさん
        < 「たくさん」は金額として読み取れませんでした
        < メーカーの資本金（または出資総額）はいくらですか
        > 3亿元
        < 金額は日本円でお書きください
        < メーカーの資本金
        > 5億円
        < 資本金は 500,000,000円（5億円） として承りました
        < 常時使用する従業員数は何人ですか
        > 多め
        < 「多め」は人数として読み取れませんでした
        > 120人
        < 従業員数は 120人 として承りました
        < 2,001人以上の法人（中小企業を除く）
        > いいえ
        < ほかの「中国消費者向け販促・プロモーションイベント」
        > はい
        < 中国で商標登録されていますか
        > 登録も申請もしていない
        < 【事前確認の結果】ご回答の範囲では、応募条件をすべて満たしています。
        < ○ E1 応募者が日本法人
        < ○ E3 【KOL・KOCアフィリエイト】
        < ○ E4
        < ○ E14
        <! E5
        < 応募トラック：KOL・KOCアフィリエイト
        < 【メーカーの企業規模】中小企業です
        < ・SME-1（製造業・その他）：資本金 300,000,000円以下、または従業員 300人以下なら中小企業
        < 資本金 500,000,000円／従業員 120人／大企業の100%子会社 いいえ
        < 【優先枠】優先対象にはなりません（P2：今年度ほかの中国向け販促イベントに参加（予定））
        < ・A1：ブランド名
        < ・A2：
        < ・A3：
        < ・P2：
        < ※ この結果はあくまで事前確認です。参加の可否は、ジェトロが最終的に判断します（E14）。
        < メニューの「応募する」から進められます
        < ご用件をお選びください
    """,
    )
    answers = answers_of(app, chat)
    expected = {
        "applicant_type": "japanese_corporation",
        "track": "kol_affiliate",
        "product_category": "cosmetics",
        "japanese_brand": True,
        "ec_platforms": ["red", "douyin"],
        "store_owner": "partner",
        "cross_border_direct": False,
        "samples_ok": True,
        "accepts_jetro_decision": True,
        "manufacturer_industry": "manufacturing",
        "capital_jpy": 500_000_000,
        "employees": 120,
        "wholly_owned_by_large_company": False,
        "in_other_china_promotion": True,
        "china_trademark": "none",
    }
    assert {key: answers.get(key) for key in expected} == expected
    assert "distributed_in_china" not in answers
    verdict = answers["eligibility_verdict"]
    assert verdict["eligible"] is True and verdict["company_size"] == "sme" and verdict["priority"] is False
    assert verdict["warnings"] == ["A1", "A2", "A3", "P2"]


def test_chinese_group_buying_asks_no_ec_store_questions(app):
    play(
        CoreChat(app),
        f"""
        > 你好
        > 1
        < 现在开始报名资格预审
        < 本结果仅为预审，是否能够参加由日本贸易振兴机构（JETRO）最终决定（E14）
        > 日本法人在中国设立的子公司
        > 团购小程序（快团团）
        < 商品类别
        > 1
        > 是
        < 是否已在中国国内流通
        <! 电商店铺
        <! 直邮
        > 是
        < 样品（约 10 件，含运费）
        {SHI_TO_E6_E14}
        < 生产企业所属的行业
        > 零售业
        > 5000万日元
        < 已记录：注册资本 50,000,000日元（5000万日元）
        <! 员工人数是多少
        < 100% 持股
        > 否
        > 否
        > 已注册
        < 【预审结果】根据您的回答，已满足全部报名条件。
        < ✓ E5 【团购小程序】
        <! E3
        <! E4
        < 报名项目：团购小程序（快团团）
        < 【生产企业规模】中小企业
        < ・SME-3（零售业）：注册资本 50,000,000日元以下，或员工 50人以下，即为中小企业
        < 【优先对象】属于优先对象
        < ・A2：
        <! A1：
        < ※ 本结果仅为预审，是否能够参加由 JETRO 最终决定（E14）。
        < 可以在菜单中选择“报名”继续
    """,
    )


JA_AMOUNTS = [
    ("3億円", "300,000,000円（3億円）"),
    ("5000万円", "50,000,000円（5,000万円）"),
    ("300,000,000", "300,000,000円（3億円）"),
    ("3亿日元", "300,000,000円（3億円）"),
    ("50百万円", "50,000,000円（5,000万円）"),
    ("1.5億", "150,000,000円（1億5,000万円）"),
    ("３億５０００万円", "350,000,000円（3億5,000万円）"),
    ("五千万円", "50,000,000円（5,000万円）"),
]
ZH_AMOUNTS = [
    ("3亿日元", "300,000,000日元（3亿日元）"),
    ("5000万日元", "50,000,000日元（5000万日元）"),
    ("300,000,000", "300,000,000日元（3亿日元）"),
    ("3億円", "300,000,000日元（3亿日元）"),
    ("50百万円", "50,000,000日元（5000万日元）"),
    ("1.5亿", "150,000,000日元（1亿5000万日元）"),
    ("三千万日元", "30,000,000日元（3000万日元）"),
]


@pytest.mark.parametrize(
    ("start", "to_capital", "amounts", "understood", "question"),
    [
        ("こんにちは", JA_UNKNOWN_TO_CAPITAL, JA_AMOUNTS, "資本金は", "メーカーの資本金"),
        ("你好", ZH_UNKNOWN_TO_CAPITAL, ZH_AMOUNTS, "已记录：注册资本", "生产企业的注册资本"),
    ],
    ids=["ja", "zh"],
)
def test_each_written_form_of_an_amount_is_understood_and_repeated(
    app, start, to_capital, amounts, understood, question
):
    script = [f"> {start}", "> /check", to_capital, f"< {question}"]
    for text, shown in amounts:
        script += [f"> {text}", f"< {understood} {shown}", "> /back", f"< {question}"]
    play(CoreChat(app), "\n".join(script))


def test_bad_amounts_and_head_counts_are_asked_again_in_chinese(app):
    play(
        CoreChat(app),
        f"""
        > 你好
        > /check
        {ZH_UNKNOWN_TO_CAPITAL}
        < 生产企业的注册资本
        > 很多
        < 无法将“很多”识别为金额
        < 生产企业的注册资本
        > 3亿元
        < 请以日元填写金额
        > 0.5日元
        < 请以整数日元填写金额
        > 10亿日元
        < 已记录：注册资本 1,000,000,000日元（10亿日元）
        < 生产企业的正式员工人数是多少
        > 很多人
        < 无法将“很多人”识别为人数
        < 生产企业的正式员工人数是多少
        > 二千五百人
        < 已记录：员工人数 2,500人
        <! 100% 持股
        < 是否已参加或计划参加其他
    """,
    )


def test_dont_know_goes_on_to_a_verdict_that_names_the_unknowns(app):
    play(
        CoreChat(app),
        f"""
        > こんにちは
        > 1
        {JA_UNKNOWN_TO_CAPITAL}
        > わからない
        < 常時使用する従業員数
        > わからない
        < 100%を保有されていますか
        > わからない
        > わからない
        > わからない
        < 【事前確認の結果】まだ判断できない条件があります
        < ？ E1
        < ？ E3
        < ？ E5
        < ？ E14
        < 「？」は、まだお答えいただいていないか、「わからない」とのご回答だった項目です
        < 【メーカーの企業規模】ご回答からは判断できません
        < 業種がわからないため、どの基準（SME-1〜SME-4）を使うか決められません
        < 【優先枠】P1・P2 が判断できないため
        < ※ この結果はあくまで事前確認です
    """,
    )


@pytest.mark.parametrize(
    ("script", "rule", "why"),
    [
        ("> そのほか", "× E1 応募者が日本法人", "「そのほか」とのご回答でした"),
        ("> 日本法人\n> 1\n> 1\n> いいえ", "× E2", "日本ブランドの商品ではないとのご回答でした"),
        ("> 日本法人\n> 1\n> 1\n> はい\n> いずれでも販売していない", "× E3", "いずれでも販売していない"),
        ("> 日本法人\n> 2\n> 1\n> はい\n> いいえ", "× E5", "中国で流通し"),
        ("> 日本法人\n> 2\n> 1\n> はい\n> はい\n> いいえ", "× E6", "サンプルをご提供いただけない"),
    ],
    ids=["E1", "E2", "E3", "E5", "E6"],
)
def test_a_failed_rule_stops_the_check_at_once_naming_it(app, script, rule, why):
    answers = play(CoreChat(app), f"> こんにちは\n> 1\n{script}")
    last = answers[-1]
    assert "【事前確認の結果】次の応募条件を満たしていないため、ここで確認を終了します" in last
    assert rule in last and why in last
    assert "参加の可否は、ジェトロが最終的に判断します（E14）" in last
    assert "/check から確認をやり直せます" in last
    assert "ご用件をお選びください" in last  # back at the menu: no further question
    assert "？" not in last


def test_early_stop_in_chinese(app):
    play(
        CoreChat(app),
        """
        > 你好
        > 1
        > 日本法人
        > 1
        > 2
        > 是
        > 小红书（RED）
        > 没有了
        > 自有店铺（品牌旗舰店等）
        > 是
        < 【预审结果】由于不满足以下报名条件，预审到此结束
        < ✗ E4 【KOL/KOC 带货推广】不是以直邮型跨境电商方式销售的商品
        < → 以直邮型跨境电商方式销售的商品不属于 KOL/KOC 带货推广的对象
        < 是否能够参加由 JETRO 最终决定（E14）
        < 如回答有误，可发送 /check 重新预审
        <! 样品
    """,
    )


def test_undecided_track_with_no_ec_store_goes_on_and_recommends_group_buying(app):
    play(
        CoreChat(app),
        f"""
        > こんにちは
        > 1
        > 日本法人
        > まだ決めていない
        > 食品・酒類
        > はい
        > いずれでも販売していない
        < 中国国内で流通しており
        <! 直送型の越境EC
        <! 御社の店舗ですか
        > はい
        {YES_TO_E6_E14}
        > わからない
        > 4000万円
        <! 常時使用する従業員数
        < 100%を保有されていますか
        > いいえ
        > いいえ
        > 申請中
        < 【事前確認の結果】ご回答の範囲では、応募条件をすべて満たしています。
        <! × E3
        < ○ E5
        < 「KOL・KOCアフィリエイト」は 【KOL・KOCアフィリエイト】RED・Douyin・微信小店のEC店舗
        < を満たさないため対象外です
        < ご回答からは「共同購入アプリ（快团团）」に応募できる見込みです。
        < おすすめは「共同購入アプリ（快团团）」です。
        < 【メーカーの企業規模】中小企業です
        < ・SME-1（製造業・その他）
        < ・SME-4（サービス業）
    """,
    )


def test_lang_mid_check_keeps_the_answers(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        > /check
        > 日本法人
        < どちらのプログラム
        > /lang zh
        < 您打算报名哪个项目
        > 1
        < 请选择您计划参与推广的商品类别
        > /back
        < 您打算报名哪个项目
    """,
    )
