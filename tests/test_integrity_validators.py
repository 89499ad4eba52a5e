"""Issue 14, item 7: phone numbers with `phonenumbers` (Japan, China, Hong Kong, Taiwan; the
lengths of mobile numbers), e-mail with `email-validator`, and every example an error message
gives passes the validator it explains. Transcripts in Japanese and Chinese."""

from __future__ import annotations

import re

import pytest

from conversations.application import validators as check
from tests.application_kit import FIELDS, PROFILE, VERDICT, corporate_number, seed
from tests.transcript import CoreChat, play

EXAMPLES = re.compile(r"[（(]例[：:]([^）)]*)[）)]")
QUOTED = re.compile(r"[「“]([^」”]+)[」”]")
# The error text of each validator, and how its examples are written in it.
VALIDATORS = {
    "application.invalid.corporate_number_format": check.corporate_number,
    "application.invalid.email": check.email,
    "application.invalid.phone": check.phone,
    "application.invalid.url": check.url,
    "application.invalid.yen": check.parse_yen,
    "application.invalid.headcount": check.parse_headcount,
}


def examples(text: str) -> list[str]:
    found = [part for group in EXAMPLES.findall(text) for part in re.split(r"[、，,]\s*", group)]
    return [item.strip() for item in found + QUOTED.findall(text) if item.strip()]


@pytest.mark.parametrize("lang", ["ja", "zh"])
@pytest.mark.parametrize("key", sorted(VALIDATORS))
def test_every_example_in_an_error_message_passes_its_own_validator(app, key, lang):
    shown = examples(app.texts.render(lang, key))
    assert shown, f"{key} ({lang}) gives no example"
    for example in shown:
        VALIDATORS[key](example)  # raises BadValue when the example is wrong


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("090-1234-5678", "090-1234-5678"),
        ("03-1234-5678", "03-1234-5678"),
        ("138 1234 5678", "138-1234-5678"),
        ("021-6270-0489", "021-6270-0489"),
        ("+81 90 1234 5678", "+819012345678"),
        ("+86-(0)21-6270-0489", "+862162700489"),
        ("+852 2123 4567", "+85221234567"),
        ("+852 9123 4567", "+85291234567"),
        ("+886 912 345 678", "+886912345678"),
        ("+886 2 2345 6789", "+886223456789"),
        ("00852 2123 4567", "+85221234567"),
    ],
)
def test_phone_numbers_of_japan_china_hong_kong_and_taiwan(typed, stored):
    assert check.phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "090-1234-567",
        "090-1234-56789",
        "138 1234 567",
        "+81 90 1234 567",
        "+852 2123 456",
        "+1 212 555 0100",
        "+886 912 345 67",
        "2123 4567",
        "電話なし",
    ],
)
def test_phone_numbers_of_the_wrong_length_or_country_are_refused(typed):
    with pytest.raises(check.BadValue):
        check.phone(typed)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Hanako@Sakura-Foods.Example.JP", "Hanako@sakura-foods.example.jp"),
        ("ｔａｎａｋａ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ", "tanaka@example.co.jp"),
    ],
)
def test_email_addresses_read_by_email_validator(typed, stored):
    assert check.email(typed) == stored


@pytest.mark.parametrize(
    "typed", ["hanako@", "hanako@@example.jp", "hanako@example", "hanako example.jp", "a..b@example.jp"]
)
def test_email_addresses_that_are_not_are_refused(typed):
    with pytest.raises(check.BadValue):
        check.email(typed)


def _at_phone(app, lang: str) -> None:
    answers = {**PROFILE, **FIELDS, "corporate_number": corporate_number(21), "eligibility_verdict": VERDICT}
    answers.pop("phone", None)
    seed(app, lang=lang, answers=answers, flow="application", step="phone")


def test_a_mobile_number_one_digit_short_is_refused_and_hong_kong_is_taken_ja(app):
    _at_phone(app, "ja")
    play(
        CoreChat(app),
        """
        > 090-1234-567
        < 電話番号として読み取れませんでした
        < +852 2123 4567
        < ご担当者の電話番号を入力してください
        > +852 2123 4567
        <! 電話番号として読み取れませんでした
    """,
    )


def test_a_mobile_number_one_digit_short_is_refused_and_taiwan_is_taken_zh(app):
    _at_phone(app, "zh")
    play(
        CoreChat(app),
        """
        > 138 1234 567
        < 无法识别该电话号码
        < +886 912 345 678
        > +886 912 345 678
        <! 无法识别该电话号码
    """,
    )
