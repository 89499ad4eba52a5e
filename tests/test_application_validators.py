"""Each validator with valid and invalid examples (pure functions, no database)."""

from __future__ import annotations

import pytest

from conversations.application import validators as v


def reason(function, text, *args):
    with pytest.raises(v.BadValue) as caught:
        function(text, *args)
    return caught.value.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7000012050002", "7000012050002"),  # 国税庁
        ("1180301018771", "1180301018771"),
        ("1-1803-0101-8771", "1180301018771"),
        ("１１８０３０１０１８７７１", "1180301018771"),
        ("8000000000001", "8000000000001"),
    ],
)
def test_corporate_number_valid(text, expected):
    assert v.corporate_number(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("7000012050003", "corporate_number_check"),
        ("2180301018771", "corporate_number_check"),
        ("118030101877", "corporate_number_format"),
        ("11803010187712", "corporate_number_format"),
        ("118030101877a", "corporate_number_format"),
        ("", "corporate_number_format"),
    ],
)
def test_corporate_number_invalid(text, why):
    assert reason(v.corporate_number, text) == why


def test_corporate_check_digit_formula():
    # 9 - (sum of digits weighted 1, 2, 1, 2, … from the right, mod 9)
    assert v.corporate_check_digit("000012050002") == 7
    assert v.corporate_check_digit("000000000000") == 9


@pytest.mark.parametrize("text", ["91350100M000100Y43", "91350100m000100y43", "9135 0100 M000 100Y 43"])
def test_uscc_valid(text):
    assert v.uscc(text) == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("91350100M000100Y44", "uscc_check"),
        ("91350100M000100Y4", "uscc_format"),
        ("91350100M000100I43", "uscc_format"),  # I is not in GB 32100's character set
        ("91350100M000100Z43", "uscc_format"),
    ],
)
def test_uscc_invalid(text, why):
    assert reason(v.uscc, text) == why


def test_uscc_check_character_is_mod_31_of_the_weights():
    body = "91350100M000100Y4"
    total = sum(v.USCC_CHARS.index(c) * w for c, w in zip(body, v.USCC_WEIGHTS, strict=True))
    assert v.USCC_CHARS.index(v.uscc_check_char(body)) == (31 - total % 31) % 31 == 3


@pytest.mark.parametrize(
    "text", ["4006381333931", "73513537", "0012345678905", "4901234567894", "4006-3813-3393-1"]
)
def test_jan_valid(text):
    assert v.jan_code(text) == text.replace("-", "")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("4006381333932", "jan_check"),
        ("73513538", "jan_check"),
        ("400638133393", "jan_format"),
        ("abcdefgh", "jan_format"),
    ],
)
def test_jan_invalid(text, why):
    assert reason(v.jan_code, text) == why


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taro.Yamada@Example.CO.JP", "Taro.Yamada@example.co.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("wang+jm@sakura-sh.example.cn", "wang+jm@sakura-sh.example.cn"),
    ],
)
def test_email_valid(text, expected):
    assert v.email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "taro",
        "taro@",
        "@example.jp",
        "taro@@example.jp",
        "taro@example",
        "ta ro@example.jp",
        "taro.@example.jp",
    ],
)
def test_email_invalid(text):
    assert reason(v.email, text) == "email"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("090-1234-5678", "090-1234-5678"),
        ("０３（１２３４）５６７８", "03-1234-5678"),
        ("+81 3 1234 5678", "+81312345678"),
        ("+81-(0)90-1234-5678", "+819012345678"),
        ("0081 3 1234 5678", "+81312345678"),
        ("138 1234 5678", "138-1234-5678"),
        ("021-62700489", "021-62700489"),
        ("+86-(0)21-6270-0489", "+862162700489"),
        ("+86 138 1234 5678", "+8613812345678"),
    ],
)
def test_phone_valid(text, expected):
    assert v.phone(text) == expected


@pytest.mark.parametrize(
    "text", ["0312", "+1 212 555 0100", "+81 3 1234", "phone 03-1234-5678", "12345678901", "+86 123"]
)
def test_phone_invalid(text):
    assert reason(v.phone, text) == "phone"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.example.co.jp", "https://www.example.co.jp"),
        ("www.example.jp/shop?id=1", "https://www.example.jp/shop?id=1"),
        ("http://例え.jp", "http://例え.jp"),
    ],
)
def test_url_valid(text, expected):
    assert v.url(text) == expected


@pytest.mark.parametrize(
    "text", ["ホームページはありません", "https://localhost", "ftp://example.jp", "https://exa mple.jp"]
)
def test_url_invalid(text):
    assert reason(v.url, text) == "url"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3億円", 300_000_000),
        ("5000万円", 50_000_000),
        ("300,000,000", 300_000_000),
        ("3亿日元", 300_000_000),
        ("50百万円", 50_000_000),
        ("3億5千万円", 350_000_000),
        ("1.5億円", 150_000_000),
        ("５千万円", 50_000_000),
        ("¥100,000,000", 100_000_000),
    ],
)
def test_yen_valid(text, expected):
    assert v.parse_yen(text) == expected


@pytest.mark.parametrize("text", ["many", "3億円以下", "", "0円", "1.5円", "億円"])
def test_yen_invalid(text):
    assert reason(v.parse_yen, text) == "yen"


@pytest.mark.parametrize(
    ("text", "expected"), [("120人", 120), ("120名", 120), ("1,200", 1200), ("0", 0), ("約120人", 120)]
)
def test_headcount_valid(text, expected):
    assert v.parse_headcount(text) == expected


@pytest.mark.parametrize("text", ["many", "12.5人", "-3"])
def test_headcount_invalid(text):
    assert reason(v.parse_headcount, text) == "headcount"


@pytest.mark.parametrize("text", ["wang_xiaoming", "Sakura-2026", "13812345678"])
def test_wechat_id_valid(text):
    assert v.wechat_id(text) == text


@pytest.mark.parametrize("text", ["1abc", "abc", "wang xiaoming", "王小明"])
def test_wechat_id_invalid(text):
    assert reason(v.wechat_id, text) == "wechat_id"
