"""The transcript helper itself: expected lines in order within their reply, never across replies."""

from __future__ import annotations

import pytest

from tests.transcript import play


class Scripted:
    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)

    def send(self, _text: str) -> str:
        return self.answers.pop(0)


def test_expected_lines_pass_in_their_order():
    play(Scripted("はい。\n次の質問です。\n  1. はい"), "> x\n< はい。\n< 次の質問\n< 1. はい")


def test_a_line_before_the_one_expected_ahead_of_it_fails():
    with pytest.raises(AssertionError, match="before the line expected ahead of it"):
        play(Scripted("次の質問です。\nはい。"), "> x\n< はい。\n< 次の質問")


def test_a_line_of_an_earlier_reply_does_not_count_for_the_next():
    with pytest.raises(AssertionError, match="did not say '会社名'"):
        play(Scripted("会社名を教えてください。", "入力が正しくありません。"), "> x\n< 会社名\n> y\n< 会社名")


def test_an_unwanted_line_fails_anywhere_in_the_reply():
    with pytest.raises(AssertionError, match="bot said"):
        play(Scripted("エラーです。\n会社名を教えてください。"), "> x\n< 会社名\n<! エラー")
