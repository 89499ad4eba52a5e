"""Language over WeChat's real HTTP path (issue 18): an established language changes only by /lang or
a language choice; a new user's language is taken only from unmistakable text (kana → Japanese, a
character only simplified Chinese writes → Chinese), so 「書類不備」 decides nothing; and a command
is never swallowed by the language question."""

from __future__ import annotations

import pytest

from conversations.i18n import detect_language
from tests.transcript import play

pytest_plugins = ["tests.wechat_fixtures"]


def test_a_kanji_only_message_keeps_an_established_japanese_user_in_japanese(wechat):
    play(
        wechat.chat(),
        """
        > こんにちは
        < ご用件をお選びください
        > 書類不備
        <! 请选择
        <! 您
        > 4
        < まだ応募はありません
        > /lang zh
        < 接下来将使用中文
        > 株式会社
        <! ご用件
        > 4
        < 您还没有报名
        """,
    )


def test_a_new_users_kanji_only_first_message_asks_instead_of_guessing(wechat):
    play(
        wechat.chat(),
        """
        > 書類不備
        < ご利用の言語をお選びください。
        < 请选择您使用的语言。
        > 中文
        < 接下来将使用中文为您服务
        """,
    )
    play(
        wechat.chat(),
        """
        > 请问怎么报名
        < 报名
        <! ご利用の言語をお選びください。
        """,
    )


def test_a_new_followers_first_command_is_answered_not_swallowed(wechat):
    chat = wechat.chat()
    assert "请选择您使用的语言" in chat.event("subscribe")
    status = chat.send("/status")
    # the command is answered; the language question, still open, follows it
    assert status.index("まだ応募はありません") < status.index("ご利用の言語をお選びください")
    assert "请选择您使用的语言" in chat.send("hello")
    assert "接下来将使用中文" in chat.send("2")
    other = wechat.chat()
    other.event("subscribe")
    assert "応募資格の事前確認を始めます" in other.event("CLICK", key="apply")  # a menu button: a command too


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("書類不備", None),
        ("有限公司", None),
        ("上海食品有限公司", None),
        ("OK", None),
        ("１２３", None),
        ("書類を送りました", "ja"),
        ("ｶﾀｶﾅ", "ja"),
        ("我想报名", "zh"),
        ("请问", "zh"),
        ("营业执照", "zh"),
        ("你好", "zh"),
    ],
)
def test_unmistakable_language(text, language):
    assert detect_language(text) == language
