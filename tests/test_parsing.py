"""Amounts and head counts as people write them (conversations/parsing.py)."""

from __future__ import annotations

import pytest

from conversations.parsing import REASONS, ParseError, parse_headcount, parse_yen, yen_in_words

YEN = [
    ("3億円", 300_000_000),
    ("5000万円", 50_000_000),
    ("300,000,000", 300_000_000),
    ("300,000,000円", 300_000_000),
    ("3亿日元", 300_000_000),
    ("50百万円", 50_000_000),
    ("1.5億", 150_000_000),
    ("1.5億円", 150_000_000),
    ("３億円", 300_000_000),
    ("３００，０００，０００円", 300_000_000),
    ("３００、０００、０００", 300_000_000),
    ("3億5000万円", 350_000_000),
    ("3億5千万円", 350_000_000),
    ("5千万円", 50_000_000),
    ("三億円", 300_000_000),
    ("五千万日元", 50_000_000),
    ("伍仟万日元", 50_000_000),
    ("两亿日元", 200_000_000),
    ("十億円", 1_000_000_000),
    ("二十億円", 2_000_000_000),
    ("百万円", 1_000_000),
    ("1千2百万円", 12_000_000),
    ("¥30,000,000", 30_000_000),
    ("￥3,000万", 30_000_000),
    ("JPY 100000000", 100_000_000),
    ("300 million yen", 300_000_000),
    ("1.2 billion", 1_200_000_000),
    ("約3億円", 300_000_000),
    ("3億円くらい", 300_000_000),
    ("资本金：5000万日元", 50_000_000),
    ("資本金は1億円", 100_000_000),
    (" 1 億 円 ", 100_000_000),
    ("0", 0),
    ("1兆円", 10**12),
]


@pytest.mark.parametrize(("text", "value"), YEN)
def test_amounts_as_people_write_them(text, value):
    assert parse_yen(text) == value


YEN_BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("たくさん", "not_a_number"),
    ("many", "not_a_number"),
    ("3億円以下", "not_a_number"),
    ("1,5億", "not_a_number"),
    ("3.5.1", "not_a_number"),
    ("万万", "not_a_number"),
    ("3万億", "not_a_number"),
    ("1e9", "not_a_number"),
    ("円", "not_a_number"),
    ("3亿元", "currency"),
    ("5000万人民币", "currency"),
    ("$100", "currency"),
    ("100 USD", "currency"),
    ("1.5", "not_whole"),
    ("0.5円", "not_whole"),
    ("-5", "negative"),
    ("▲3億円", "negative"),
    ("2000兆円", "too_large"),
]


@pytest.mark.parametrize(("text", "reason"), YEN_BAD)
def test_what_is_not_an_amount_of_yen_says_why(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_yen(text)
    assert caught.value.reason == reason
    assert caught.value.reason in REASONS
    assert isinstance(caught.value, ValueError)
    assert caught.value.text == text


HEADS = [
    ("120人", 120),
    ("120名", 120),
    ("120", 120),
    ("１２０人", 120),
    ("１２０名", 120),
    ("約120人", 120),
    ("120人くらい", 120),
    ("百二十名", 120),
    ("1,200人", 1200),
    ("1.2万人", 12_000),
    ("二千人", 2000),
    ("300 employees", 300),
    ("员工：45人", 45),
    ("50位", 50),
]


@pytest.mark.parametrize(("text", "value"), HEADS)
def test_head_counts(text, value):
    assert parse_headcount(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("many", "not_a_number"),
        ("たくさん", "not_a_number"),
        ("120人以上", "not_a_number"),
        ("1.5人", "not_whole"),
        ("-3人", "negative"),
        ("1億人", "too_large"),
    ],
)
def test_what_is_not_a_head_count_says_why(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_headcount(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("value", "ja", "zh"),
    [
        (300_000_000, "3億", "3亿"),
        (350_000_000, "3億5,000万", "3亿5000万"),
        (50_000_000, "5,000万", "5000万"),
        (1_000_012_345, "10億1万2,345", "10亿1万2345"),
        (9_999, "9,999", "9999"),
        (0, "0", "0"),
    ],
)
def test_yen_in_words_repeats_an_amount_as_people_say_it(value, ja, zh):
    assert yen_in_words(value, "ja") == ja
    assert yen_in_words(value, "zh") == zh
    assert parse_yen(yen_in_words(value, "ja") + "円") == value
