"""Checks of what companies type: pure functions returning the normalised value or raising BadValue.

Each `BadValue` names its reason; `application.invalid.<reason>` is the text the company reads.
Input is NFKC-normalised first, so full-width digits and letters (１２３, ＡＢＣ, ＠) are read
as their ASCII forms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import email_validator
import phonenumbers

from conversations import parsing


class BadValue(ValueError):
    """A value that cannot be taken; `reason` is the key of the explanation."""

    def __init__(self, reason: str, **variables: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.variables = variables


def clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


_SEPARATORS = re.compile(r"[\s\-‐‑–—ー−_.・]")


# -- company identifiers ------------------------------------------------------------------------
def corporate_check_digit(base: str) -> int:
    """The National Tax Agency's check digit of a 12-digit base number (法人番号の指定を行う際の規則)."""
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def corporate_number(text: str) -> str:
    """法人番号: 13 digits, the first being the check digit of the other 12."""
    digits = _SEPARATORS.sub("", clean(text))
    if not re.fullmatch(r"\d{13}", digits):
        raise BadValue("corporate_number_format")
    if int(digits[0]) != corporate_check_digit(digits[1:]):
        raise BadValue("corporate_number_check")
    return digits


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(body: str) -> str:
    """The check character of the first 17 characters of a unified social credit code."""
    total = sum(USCC_CHARS.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc(text: str) -> str:
    """统一社会信用代码: 18 characters of GB 32100-2015, the last one a check character (mod 31)."""
    code = _SEPARATORS.sub("", clean(text)).upper()
    if len(code) != 18 or any(char not in USCC_CHARS for char in code):
        raise BadValue("uscc_format")
    if code[17] != uscc_check_char(code[:17]):
        raise BadValue("uscc_check")
    return code


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit: weights 3, 1, 3, … from the right of the body."""
    total = sum(int(digit) * (3 if n % 2 == 0 else 1) for n, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def jan_code(text: str) -> str:
    """JAN/EAN code: 8 or 13 digits with a GS1 check digit."""
    digits = _SEPARATORS.sub("", clean(text))
    if not re.fullmatch(r"\d{8}|\d{13}", digits):
        raise BadValue("jan_format")
    if int(digits[-1]) != gtin_check_digit(digits[:-1]):
        raise BadValue("jan_check")
    return digits


# -- contact --------------------------------------------------------------------------------------
def email(text: str) -> str:
    """An e-mail address, by email-validator's syntax rules (no DNS look-up): the domain lower-cased."""
    value = clean(text)
    try:
        checked = email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise BadValue("email") from None
    return checked.normalized


_PHONE_PUNCTUATION = re.compile(r"[\s\-‐‑–—ー−.()/]")
PHONE_REGIONS = ("JP", "CN", "HK", "TW")  # international numbers taken (+81, +86, +852, +886)
DOMESTIC_REGIONS = ("JP", "CN")  # a number without its country code is read as Japanese, then Chinese


def _valid(digits: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return number if phonenumbers.region_code_for_number(number) in PHONE_REGIONS else None


def phone(text: str) -> str:
    """A phone number of Japan or China (domestic or international), or of Hong Kong or Taiwan
    (international), checked by `phonenumbers` with each country's lengths (a mobile number one
    digit short is refused).

    International numbers come back in E.164 (+81312345678); domestic ones as typed, with hyphens
    as the only separator.
    """
    value = clean(text)
    international = value.startswith(("+", "00"))
    if international:
        value = value.replace("(0)", "")
    digits = _PHONE_PUNCTUATION.sub("", value)
    if international:
        digits = "+" + (digits[1:] if digits.startswith("+") else digits[2:])
        if not digits[1:].isdigit():
            raise BadValue("phone")
        number = _valid(digits, None)
        if number is None:
            raise BadValue("phone")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not digits.isdigit():
        raise BadValue("phone")
    if any(_valid(digits, region) for region in DOMESTIC_REGIONS):
        return re.sub(r"-{2,}", "-", re.sub(r"[\s‐‑–—ー−.()/]", "-", value)).strip("-")
    raise BadValue("phone")


def url(text: str) -> str:
    """A web address; `www.example.jp` is read as https://www.example.jp."""
    value = clean(text)
    if not re.match(r"(?i)https?://", value):
        value = "https://" + value
    if re.search(r"\s", value):
        raise BadValue("url")
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not re.fullmatch(
        r"(?:[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]{0,61}[A-Za-z0-9\u00a1-\uffff])?\.)+"
        r"[A-Za-z\u00a1-\uffff]{2,63}",
        host,
    ):
        raise BadValue("url")
    return value


# -- amounts and counts ---------------------------------------------------------------------------
def parse_yen(text: str) -> int:
    """An amount in yen ("3億円", "5000万円", "300,000,000", "3亿日元", "50百万円"): the shared reader."""
    try:
        amount = parsing.parse_yen(text)
    except parsing.ParseError:
        raise BadValue("yen") from None
    if amount < 1:
        raise BadValue("yen")
    return amount


def parse_headcount(text: str) -> int:
    """A number of people ("120人", "120名", "1,200"): the shared reader."""
    try:
        return parsing.parse_headcount(text)
    except parsing.ParseError:
        raise BadValue("headcount") from None


def wechat_id(text: str) -> str:
    """A WeChat ID: 6–20 letters, digits, _ or -, starting with a letter (older IDs: a QQ or phone number)."""
    value = clean(text)
    if re.fullmatch(r"[A-Za-z][-_A-Za-z0-9]{5,19}|\+?\d{5,15}", value):
        return value
    raise BadValue("wechat_id")
