"""Conversations over Telegram (webhook path, real PTB, real HTTP) by buttons and by text.

The per-chat pace (about one message a second, tests/test_telegram_outbound.py proves it) is
switched off here: these tests are about the conversation, not about waiting.
"""

from __future__ import annotations

from conversations import FileRef, Form, Outbound, Step
from handlers.telegram_render import CALLBACK_LIMIT
from tests.fakes.telegram_chat import TelegramChat, callback_update
from tests.transcript import play

pytest_plugins = ["tests.telegram_fixtures"]


def test_japanese_by_buttons_through_the_menu_and_the_language_choice(app, fake, served):
    chat = TelegramChat(app, fake, served.url, language_code="ja")
    play(
        chat,
        """
        > /start
        < 応募窓口ボットです
        < ご用件をお選びください
        < 1. 応募資格を確認する
        < 4. 応募状況を確認する
    """,
    )
    assert "まだ応募はありません" in chat.tap("status")
    assert "ご利用の言語をお選びください" in chat.tap("lang")
    answer = chat.tap("zh")
    assert "接下来将使用中文为您服务" in answer
    assert "请选择您要办理的事项" in answer
    assert "1. 确认报名资格" in answer


def test_chinese_by_text_with_commands_and_a_switch_to_japanese(app, fake, served):
    play(
        TelegramChat(app, fake, served.url, language_code="zh-hans"),
        """
        > /start
        < 请选择您要办理的事项
        <! ご用件
        > 4
        < 您还没有报名
        > 9
        < 请从选项中选择，也可以回复序号 1～5
        > /help
        < 使用说明
        > /lang ja
        < 以後、日本語でご案内します
        > /status
        < まだ応募はありません
        > /back
        < これより前の質問はありません
        > /cancel
        < 中断しました
    """,
    )


def test_language_from_the_first_text_when_telegram_gives_none(app, fake, served):
    play(
        TelegramChat(app, fake, served.url, user_id=5002, language_code=None),
        """
        > 你好
        < 请选择您要办理的事项
    """,
    )
    chat = TelegramChat(app, fake, served.url, user_id=5003, language_code="en")
    answer = chat.send("hello")
    assert "ご利用の言語をお選びください" in answer and "请选择您使用的语言" in answer
    assert "以後、日本語でご案内します" in chat.tap("ja")


def test_apply_and_check_commands_do_what_the_menu_entries_do(app, fake, served):
    for number, entry in enumerate(("apply", "check")):
        by_command = TelegramChat(app, fake, served.url, user_id=5100 + number)
        by_button = TelegramChat(app, fake, served.url, user_id=5200 + number)
        by_command.send("/start")
        by_button.send("/start")
        assert by_command.send(f"/{entry}") == by_button.tap(entry)
        assert "コマンドはありません" not in by_command.send(f"/{entry}")


def test_a_button_whose_step_and_value_exceed_64_bytes_still_answers_its_question(app, fake, served):
    long_form = Form(
        name="long_flow_name_for_buttons",
        steps=[
            Step(
                "a_question_whose_name_is_rather_long_indeed",
                "core.menu_question",
                options=("check", "apply", "ask", "status", "lang"),
                labels="core.menu",
                field="choice",
            )
        ],
    )
    app.registry.add_flow(long_form)
    app.registry.add_command("long", lambda ctx, _args: ctx.go("long_flow_name_for_buttons"))
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    chat.send("/long")
    _message, buttons = chat.keyboard
    assert all(len(b["callback_data"].encode()) <= CALLBACK_LIMIT for b in buttons)
    assert all(b["callback_data"].startswith("~") for b in buttons)  # shortened to a digest
    answer = chat.tap("status")
    assert "ご用件をお選びください" in answer  # the form finished and returned to the menu
    assert "そのボタンは前の質問のものです" not in answer


def test_a_button_that_no_process_knows_is_answered_as_stale(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    message, _buttons = chat.keyboard
    answer = chat.exchange(callback_update(fake, chat.user_id, "ja", "~" + "0" * 32, message))
    assert "そのボタンは前の質問のものです" in answer
    assert "ご用件をお選びください" in answer


def test_a_document_in_the_cores_reply_is_sent_with_senddocument(app, fake, served, tmp_path):
    xlsx = tmp_path / "JM25-0042.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 workbook bytes")

    def offer_form(ctx, _args):
        ctx.send(Outbound("申込書をお送りします。", document=FileRef("JM25-0042.xlsx", path=str(xlsx))))

    app.registry.add_command("testform", offer_form)  # /form itself is the blank form's
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    answer = chat.send("/testform")
    assert "申込書をお送りします。" in answer
    assert "[JM25-0042.xlsx]" in answer
    [doc] = fake.calls_of("sendDocument", chat_id=chat.user_id)
    assert doc.files["document"] == ("JM25-0042.xlsx", xlsx.read_bytes())
