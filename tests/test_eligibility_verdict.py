"""The verdict of the eligibility conversation, its texts, and the hand-over to the application."""

from __future__ import annotations

import pytest

from conversations import FINISH, Form, Step
from conversations.eligibility.questions import QUESTIONS
from conversations.i18n import LANGUAGES
from storage import dialog as store
from tests.test_eligibility_dialog import YES_TO_E6_E14, answers_of
from tests.transcript import CoreChat, play


def seed(app, chat: CoreChat, answers: dict) -> None:
    """Give a user earlier answers (as the application form would have left them)."""
    with app.engine.begin() as conn:
        state = store.load_state(conn, chat.last.user_id)
        state.answers.update(answers)
        store.save_state(conn, chat.last.user_id, state, app.services.clock(), is_new=False)


SMALL_MAKER = {
    "applicant_type": "japanese_corporation",
    "track": "kol_affiliate",
    "product_category": "daily_goods",
    "japanese_brand": True,
    "ec_platforms": ["wechat_shop"],
    "store_owner": "own",
    "cross_border_direct": False,
    **{key: True for key in ("samples_ok", "materials_ok", "ships_within_7_days", "shares_sales_data")},
    **{key: True for key in ("no_ip_infringement", "accepts_export_control", "cooperates_with_surveys")},
    **{key: True for key in ("agrees_to_publication", "accepts_jetro_decision")},
    "manufacturer_industry": "wholesale",
    "capital_jpy": 80_000_000,
    "employees": 150,
    "wholly_owned_by_large_company": False,
    "in_other_china_promotion": False,
    "china_trademark": "registered",
}


@pytest.mark.parametrize(
    ("start", "changes", "expected"),
    [
        ("こんにちは", {}, ["中小企業です", "・卸売業：資本金 1億円以下", "優先対象です"]),
        (
            "こんにちは",
            {"capital_jpy": 200_000_000, "employees": 2000},
            ["中堅企業です", "・卸売業：", "・中小企業に当たらず、従業員 2,000人以下なら中堅企業"],
        ),
        (
            "こんにちは",
            {"capital_jpy": 200_000_000, "employees": 2001},
            ["大企業（扱い）です", "超えれば大企業", "優先対象にはなりません（メーカーが大企業（扱い））"],
        ),
        (
            "你好",
            {"capital_jpy": 200_000_000, "wholly_owned_by_large_company": True},
            ["大企业（或视同大企业）", "• 被员工 2,001人以上的法人", "不属于优先对象（生产企业为大企业"],
        ),
        (
            "こんにちは",
            {"wholly_owned_by_large_company": True},
            ["要確認です", "大企業の100%子会社に当たるため", "メーカーの企業規模がわからないため"],
        ),
        (
            "你好",
            {"wholly_owned_by_large_company": True},
            ["需要确认", "• 被员工", "由于“生产企业规模”尚无法判断"],
        ),
        ("こんにちは", {"product_category": "other"}, ["？ 食品・酒類", "ジェトロが判断します。"]),
        ("你好", {"product_category": "other"}, ["？ 属于食品、酒类", "由 JETRO 判断。"]),
    ],
)
def test_the_verdict_tells_the_size_line_and_priority_in_plain_words(app, start, changes, expected):
    chat = CoreChat(app)
    chat.send(start)
    seed(app, chat, {**SMALL_MAKER, **changes})
    details = "詳しく見る" if start == "こんにちは" else "查看详细结果"
    script = ["> /check", "> 1", f"> {details}"] + [f"< {text}" for text in expected]
    script += ["<! E14", "<! SME-", "<! MID-", "<! P1", "<! 応募される会社は", "<! 报名企业属于"]
    play(chat, "\n".join(script))


def test_every_eligibility_rule_has_a_question():
    served = {question.rule for question in QUESTIONS}
    assert {f"E{n}" for n in range(1, 15)} | {"P1", "P2", "A1"} <= served


def test_answers_carry_over_and_no_question_is_asked_twice(app):
    chat = CoreChat(app)
    play(
        chat,
        f"""
        > こんにちは
        > 1
        > 日本法人
        > 2
        > 1
        > はい
        > はい
        {YES_TO_E6_E14}
        > わからない
        > わからない
        > わからない
        > いいえ
        > いいえ
        > 登録済み
        < ご回答の範囲では、応募条件をすべて満たしています
        < ・メーカーの企業規模：まだわかりません
        > /check
        < 以前にお答えいただいた内容が保存されています
        > 以前の回答を使い、まだの質問だけ答える
        < 続いて、商品のメーカーについて伺います
        <! 応募される会社は
        > わからない
        < メーカーの資本金
        > 4000万円
        <! 常時使用する従業員数
        <! 100%を保有されていますか
        < ・メーカーの企業規模：中小企業
        <! 商標登録されていますか
        > /check
        < 以前にお答えいただいた内容が保存されています
        > 最初から答え直す
        < 応募される会社は
    """,
    )
    assert "applicant_type" not in answers_of(app, chat)


def application_stub() -> Form:
    """Stands in for the application form: it sends the user through the check first (the contract)."""

    def enter(ctx):
        if "eligibility_verdict" not in ctx.answers:
            ctx.state.context["then"] = "application"
            ctx.go("eligibility")
            return "__handled__"
        return None

    return Form(
        name="application",
        on_enter=enter,
        steps=[Step("company_name", "core.options.skip", field="company_name", next=FINISH)],
    )


def test_the_check_leads_into_the_application_when_it_came_from_there(app):
    app.registry.replace_flow(application_stub())
    chat = CoreChat(app)
    play(
        chat,
        f"""
        > こんにちは
        > 応募する
        < 応募資格の事前確認を始めます
        <! 以前にお答えいただいた内容
        > 日本法人
        > 2
        > 1
        > はい
        > はい
        {YES_TO_E6_E14}
        > 製造業その他
        > 1億円
        > いいえ
        > いいえ
        > 登録済み
        < ご回答の範囲では、応募条件をすべて満たしています
        < スキップ
        <! ご用件をお選びください
    """,
    )
    assert chat.last.messages[-1].step == "application.company_name"


def test_an_ineligible_company_coming_from_the_application_is_shown_the_menu(app):
    app.registry.replace_flow(application_stub())
    chat = CoreChat(app)
    play(
        chat,
        """
        > こんにちは
        > 応募する
        > そのほか
        < × 応募者が日本法人
        < 1. 確認をやり直す
        < 2. メニューに戻る
        <! スキップ
        > メニューに戻る
        < ご用件をお選びください
    """,
    )
    with app.engine.connect() as conn:
        state = store.load_state(conn, chat.last.user_id)
    assert state.flow == "menu" and "then" not in state.context


def test_both_languages_have_the_same_eligibility_texts_and_variables(app):
    texts = app.texts
    keys = {lang: set(texts.keys_under("eligibility", lang)) for lang in LANGUAGES}
    assert keys["ja"] == keys["zh"]
    for key in keys["ja"]:
        assert texts.variables("ja", key) == texts.variables("zh", key), key
