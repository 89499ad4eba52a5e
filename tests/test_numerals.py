"""conversations/numerals.py: digits of every Unicode form read as meant, or refused, never raising."""

from __future__ import annotations

import pytest

from conversations.answers.numbers import option_numbers
from conversations.numerals import ascii_digits, is_number, read_int
from tests.transcript import CoreChat, play


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2), ("２", 2), ("②", 2), ("²", 2), ("❷", 2), ("➋", 2), ("٢", 2), ("२", 2), ("๒", 2),
        ("¹²", 12), ("⑫", 12), (" 7 ", 7), ("007", 7),
        ("½", None), ("", None), ("二", None), ("-1", None), ("1.5", None),
        ("1" * 19, None), ("1" * 5000, None),
    ],
)  # fmt: skip
def test_read_int(text, number):
    assert read_int(text) == number


def test_every_digit_character_python_knows_is_read_or_refused_without_raising():
    for code in range(0x110000):
        char = chr(code)
        if char.isdigit() or char.isnumeric():
            value = read_int(char)
            assert value is None or 0 <= value <= 99, (hex(code), value)
            assert is_number(char) == (value is not None) or value is None


def test_ascii_digits_keeps_other_text():
    assert ascii_digits("第②番") == "第2番"
    assert ascii_digits("ＡＢ") == "AB"


@pytest.mark.parametrize(
    ("text", "numbers"), [("①と③", [1, 3]), ("²", [2]), ("１、２", [1, 2]), ("❶番", [1])]
)
def test_option_numbers_of_every_form(text, numbers):
    assert option_numbers(text) == numbers


def test_a_staff_reply_to_an_enquiry_numbered_oddly_is_refused_politely(app):
    app.services.staff = frozenset({("console", "boss")})
    play(
        CoreChat(app, "boss"),
        f"""
        > こんにちは
        > /staff reply ² 答えです
        < 問い合わせ番号 ² は見つかりません。
        > /staff reply {"9" * 5000} 答えです
        <! 申し訳ありません
        """,
    )
