"""The texts as a company meets them: the verdict on one phone screen with its details on request,
"welcome back" at the form's own question, two questions in one message, in Japanese and Chinese."""

from __future__ import annotations

import re

import pytest

from conversations import Inbound
from handlers.console import render
from tests.test_eligibility_verdict import SMALL_MAKER, seed
from tests.transcript import CoreChat, play

# One phone screen: about 15 lines of about 20 Chinese characters (a 6-inch phone, the chat's font).
SCREEN_LINES = 15
SCREEN_CHARS = 320
RULE_ID = re.compile(r"(?<![A-Za-z0-9])(E1[0-4]|E[1-9]|P[12]|A[1-3]|SME-?[1-4]|MID-?[12])(?![0-9A-Za-z])")


def _screen(chat: CoreChat, said: str) -> str:
    """The verdict message (the one that starts with the result's heading) of the reply to `said`."""
    chat.send(said)
    texts = [render(message) for message in chat.last.messages]
    return next(text for text in texts if text.startswith(("【事前確認の結果】", "【预审结果】")))


def _fits(text: str) -> None:
    lines = text.splitlines()
    assert len(lines) <= SCREEN_LINES, text
    assert len(text) <= SCREEN_CHARS, f"{len(text)} characters:\n{text}"
    assert not RULE_ID.search(text), text


@pytest.mark.parametrize(
    ("start", "changes", "short", "details"),
    [
        (
            "こんにちは",
            {},
            [
                "応募条件をすべて満たしています",
                "・参加コース：KOL・KOCアフィリエイト",
                "・メーカーの企業規模：中小企業",
                "・優先枠：対象です",
                "・ご注意：代理店の了承、サンプル代などのご負担",
                "ジェトロが最終的に判断します",
            ],
            [
                "【事前確認の詳しい結果】",
                "○ 応募者が日本法人",
                "・卸売業：資本金 1億円以下、または従業員 100人以下なら中小企業",
                "【優先枠】優先対象です",
                "【ご注意】",
            ],
        ),
        (
            "你好",
            {"capital_jpy": 200_000_000, "employees": 2001, "china_trademark": "none"},
            [
                "已满足全部报名条件",
                "• 推广方式：KOL/KOC 带货推广",
                "• 生产企业规模：大企业（或视同大企业）",
                "• 优先对象：否（不影响报名）",
                "• 注意事项：中国商标、代理商的同意",
                "由 JETRO 最终决定",
            ],
            [
                "【预审详细结果】",
                "✓ 报名企业为日本法人",
                "• 不属于中小企业、且员工 2,000人以下的为中坚企业",
                "【优先对象】不属于优先对象（生产企业为大企业（或视同大企业））",
                "【注意事项】",
            ],
        ),
    ],
)
def test_the_verdict_fits_one_screen_and_the_details_come_on_request(app, start, changes, short, details):
    chat = CoreChat(app)
    chat.send(start)
    seed(app, chat, {**SMALL_MAKER, **changes})
    chat.send("/check")
    screen = _screen(chat, "1")  # keep the earlier answers: the verdict at once
    _fits(screen)
    for text in short:
        assert text in screen, screen
    options = "\n".join(render(message) for message in chat.last.messages)
    assert "1. 詳しく見る" in options or "1. 查看详细结果" in options, options
    asked = "詳しく" if start == "こんにちは" else "详细"
    play(
        chat,
        f"""
        > {asked}
        """
        + "\n".join(f"< {text}" for text in details)
        + """
        <! 詳しく見る
        <! 查看详细结果
        """,
    )
    shown = "\n".join(render(message) for message in chat.last.messages)
    assert not RULE_ID.search(shown), shown


def test_an_unknown_verdict_names_what_is_missing_in_words_on_one_screen(app):
    chat = CoreChat(app)
    chat.send("こんにちは")
    unknown = ("samples_ok", "shares_sales_data", "no_ip_infringement", "agrees_to_publication")
    seed(
        app, chat, {**{k: v for k, v in SMALL_MAKER.items() if k not in unknown}, "product_category": "other"}
    )
    chat.send("/check")
    chat.send("1")  # keep the earlier answers: only the four left are asked
    for _ in unknown[1:]:
        chat.send("わからない")
    screen = _screen(chat, "わからない")
    _fits(screen)
    assert "・まだ判断できない条件：日本ブランドの商品、サンプルの提供、販売データの提出、ほか2件" in screen
    assert "「そのほか」の商品が対象に含まれるかは、ジェトロが判断します" in screen
    play(
        chat,
        """
        > メニューに戻る
        < ご用件をお選びください
        """,
    )


def test_a_failed_check_is_short_and_offers_to_check_again(app):
    play(
        CoreChat(app, user="zh-failed"),
        """
        > 你好
        > 确认报名资格
        > 其他
        < 【预审结果】由于不满足以下报名条件
        < ✗ 报名企业为日本法人，或日本法人在华子公司
        < 如回答有误，可以重新预审
        < 1. 重新预审
        < 2. 返回主菜单
        <! E1
        <! 查看详细结果
        > 重新预审
        < 上次确认时，有回答不符合报名条件
        """,
    )


def test_apply_from_the_verdict_opens_the_application(app):
    chat = CoreChat(app)
    chat.send("こんにちは")
    seed(app, chat, SMALL_MAKER)
    play(
        chat,
        """
        > /check
        > 1
        < 【事前確認の結果】
        > 応募する
        < 応募の入力を始めます
        < 会社名（日本語の正式名称）を入力してください
        """,
    )


@pytest.mark.parametrize(
    ("start", "resumed", "question"),
    [
        (
            "こんにちは",
            "おかえりなさい。保存されている入力内容の続きから再開します",
            "法人番号（13桁）を入力してください",
        ),
        ("你好", "欢迎回来，将从已保存的内容继续填写", "请输入贵公司的日本法人编号"),
    ],
)
def test_welcome_back_resumes_the_draft_at_its_question_not_the_menu(app, start, resumed, question):
    chat = CoreChat(app, user=f"back-{start}")
    chat.send(start)
    seed(app, chat, SMALL_MAKER | {"eligibility_verdict": {"eligible": True}})
    name = "株式会社さくら食品" if start == "こんにちは" else "樱花食品株式会社"
    play(
        chat,
        f"> /apply\n> {name}\n> {'スキップ' if start == 'こんにちは' else '跳过'}\n< {question}\n> /cancel",
    )
    greeting = app.dialog.greet(chat.key)  # the company comes back another day
    text = "\n".join(render(message) for message in greeting.messages)
    assert resumed in text and question in text, text
    assert "ご用件をお選びください" not in text and "请选择您要办理的事项" not in text, text
    answer = "\n".join(render(m) for m in app.dialog.handle(chat.key, Inbound(text="7000012050002")).messages)
    assert "本社の所在地" in answer or "总部地址" in answer, answer


def test_welcome_back_without_a_draft_is_the_question_the_user_was_on(app):
    chat = CoreChat(app, user="no-draft")
    play(chat, "> 你好\n> 确认报名资格\n< 报名企业属于以下哪一类")
    greeting = app.dialog.greet(chat.key)
    text = "\n".join(render(message) for message in greeting.messages)
    assert "欢迎回来" in text and "报名企业属于以下哪一类" in text, text


@pytest.mark.parametrize(
    ("start", "message", "answers"),
    [
        (
            "こんにちは",
            "参加費はかかりますか？それと締切はいつですか？",
            ["参加費は無料です", "応募の締切は2026年1月30日（金）"],
        ),
        (
            "你好",
            "参加要收费吗？报名截止日期是哪天？",
            ["参加本项目免费", "报名截止日期为2026年1月30日（周五）"],
        ),
    ],
)
def test_two_questions_in_one_message_get_both_answers(app, start, message, answers):
    script = f"> {start}\n> {message}\n" + "\n".join(f"< {text}" for text in answers)
    play(CoreChat(app, user=f"two-{start}"), script)
