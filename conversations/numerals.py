"""Digits as people type them, in every Unicode form, read without ever raising.

`str.isdigit()` is true for 「²」「①」「❶」, which `int()` refuses (ValueError), and `int()` refuses
more than 4,300 digits; a reader that checks one and calls the other crashes a step. Here every
character with a digit value (ASCII, full-width ２, superscript ², circled ① and ❶, Arabic-Indic ٢,
Devanagari २, …) is folded to its ASCII digit first, and a number is only read when it is short
enough to mean something.
"""

from __future__ import annotations

import unicodedata

MAX_DIGITS = 18  # beyond any count, amount or id a person types; keeps int() far from its limit


def ascii_digits(text: str) -> str:
    """`text` with NFKC applied and every digit of any script as its ASCII digit."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKC", text):
        if "0" <= char <= "9" or char.isascii():
            out.append(char)
            continue
        value = unicodedata.decimal(char, None)
        if value is None:
            value = unicodedata.digit(char, None)  # ❶ and its kin: a digit, not a decimal
        out.append(str(value) if value is not None else char)
    return "".join(out)


def read_int(text: str, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The whole number `text` is (surrounding spaces allowed), or None: never raises."""
    digits = ascii_digits(text).strip()
    if not digits or len(digits) > max_digits or not (digits.isascii() and digits.isdigit()):
        return None
    return int(digits)


def is_number(text: str) -> bool:
    """Whether `text` is only digits (of any form) — however many."""
    digits = ascii_digits(text).strip()
    return bool(digits) and digits.isascii() and digits.isdigit()
