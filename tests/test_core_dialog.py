"""The dialog core on transcripts (language detection, /lang mid-flow, /back, bad choices)."""

from __future__ import annotations

import pytest

from conversations import Inbound
from tests.transcript import CoreChat, play


def test_language_detected_from_kana_and_welcome_in_japanese(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        < JAPAN MALL 2025
        < 応募締切は 2026年1月30日（金）
        < 1. 応募資格を確認する
    """,
    )


def test_language_detected_from_chinese_characters(app):
    play(
        CoreChat(app),
        """
        > 你好
        < 报名截止日期为 2026年1月30日（周五）
        < 1. 确认报名资格
    """,
    )


def test_unknown_language_is_asked_bilingually_then_remembered(app):
    chat = CoreChat(app)
    play(
        chat,
        """
        > hello
        < ご利用の言語をお選びください。
        < 请选择您使用的语言。
        > 2
        < 接下来将使用中文为您服务
        < 请选择您要办理的事项
        > 4
        < 您还没有报名
    """,
    )


def test_telegram_language_code_wins_over_detection(app):
    play(
        CoreChat(app, language_hint="zh-hans"),
        """
        > /start
        < 请选择您要办理的事项
    """,
    )


def test_bad_choice_is_asked_again_with_the_reason(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        > 9
        < 選択肢の中からお選びください。1〜5 の番号でもお答えいただけます。
        < ご用件をお選びください
        > ７
        < 1〜5 の番号
    """,
    )


def test_choice_by_label_and_fullwidth_number(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        > 応募状況を確認する
        < まだ応募はありません
        > ４
        < まだ応募はありません
    """,
    )


def test_lang_switches_mid_flow_and_asks_the_same_question(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        < ご用件をお選びください
        > /lang zh
        < 接下来将使用中文为您服务
        < 请选择您要办理的事项
        <! ご用件
        > /lang ja
        < 以後、日本語でご案内します
        < ご用件をお選びください
        > /lang fr
        < 「fr」という言語には対応していません
        < ご利用の言語をお選びください
        > 1
        < ご用件をお選びください
    """,
    )


def test_language_choice_from_the_menu_returns_to_the_menu(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        > 5
        < ご利用の言語をお選びください
        > 中文（简体）
        < 接下来将使用中文
        < 请选择您要办理的事项
    """,
    )


def test_back_with_nothing_before(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        > /back
        < これより前の質問はありません
        < ご用件をお選びください
    """,
    )


def test_help_cancel_and_unknown_command(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        > /help
        < /back で一つ前の質問に戻ります
        < ご用件をお選びください
        > /cancel
        < 中断しました
        > /nonsense
        < 「/nonsense」というコマンドはありません
    """,
    )


def test_a_menu_entry_that_leads_nowhere_is_an_error_when_the_registry_is_built():
    from conversations import menu
    from conversations.registry import Registry, RegistryError

    registry = Registry()
    menu.register(registry)
    with pytest.raises(RegistryError, match="the menu needs the flow 'eligibility'"):
        registry.check()


def test_a_command_or_flow_registered_twice_is_an_error(app):
    from conversations.registry import RegistryError

    with pytest.raises(RegistryError, match="/status is registered twice"):
        app.registry.add_command("status", lambda ctx, args: None)
    with pytest.raises(RegistryError, match="flow 'menu' is registered twice"):
        app.registry.add_flow(app.registry.flow("menu"))
    with pytest.raises(RegistryError, match="no flow named 'menuu'"):
        app.registry.flow("menuu")


def test_a_form_whose_next_step_is_misspelt_cannot_be_declared():
    from conversations import Form, Step

    with pytest.raises(ValueError, match="next step 'colour' is not in the form"):
        Form("paint", [Step("color", "core.menu_question", next="colour")])


def test_a_stored_question_that_no_longer_exists_starts_again_at_the_menu(app):
    chat = CoreChat(app)
    chat.send("こんにちは")
    with app.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE conversation_states SET flow = 'retired', step = 'gone'")
    play(
        chat,
        """
        > /help
        <! 処理中に問題
        < 使い方のご案内です。
        < ご用件をお選びください
    """,
    )


def test_stale_button_is_answered_gracefully(app):
    chat = CoreChat(app)
    chat.send("こんにちは")
    reply = chat.reply(Inbound(option="ja", option_step="language.choose"))
    texts = "\n".join(m.text for m in reply.messages)
    assert "前の質問のもの" in texts
    assert "ご用件をお選びください" in texts


def test_a_failing_step_keeps_the_state_and_asks_again(app):
    chat = CoreChat(app)
    chat.send("こんにちは")

    def broken(ctx, args):
        ctx.state.answers["half"] = "written"
        raise RuntimeError("boom")

    app.registry.add_command("boom", broken)
    reply = chat.reply(Inbound(text="/boom"))
    text = "\n".join(m.text for m in reply.messages)
    assert "問題が発生しました" in text
    assert "ご用件をお選びください" in text
    assert "boom" not in text and "Traceback" not in text
    # the half-written answer was rolled back with the transaction
    from storage import dialog as store

    with app.engine.connect() as conn:
        state = store.load_state(conn, reply.user_id)
    assert state is not None and "half" not in state.answers


def test_writing_in_a_language_answers_the_language_question(app):
    play(
        CoreChat(app),
        """
        > hello
        < 请选择您使用的语言
        > hi again
        < 请选择您使用的语言
        <! 選択肢の中から
        > こんにちは
        < ご用件をお選びください
    """,
    )


def test_choosing_japanese_by_its_label_is_not_taken_for_chinese(app):
    play(
        CoreChat(app),
        """
        > hello
        > 日本語
        < 以後、日本語でご案内します
        < ご用件をお選びください
    """,
    )
