"""Telegram's size rules on our side: 4,096-character messages and 64-byte button data."""

from __future__ import annotations

from handlers.telegram_render import (
    CALLBACK_LIMIT,
    MESSAGE_LIMIT,
    decode_callback,
    encode_callback,
    split_text,
    utf16_length,
)


def test_short_text_is_one_part():
    assert split_text("こんにちは") == ["こんにちは"]


def test_long_text_is_cut_at_line_breaks_and_loses_nothing():
    lines = [f"{n:04d} " + "応募" * 20 for n in range(200)]  # 200 lines of 45 characters
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(utf16_length(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts) == text  # cut only where a line ended


def test_text_without_breaks_is_cut_at_spaces_or_anywhere():
    words = " ".join(["word"] * 2000)
    parts = split_text(words)
    assert all(utf16_length(part) <= MESSAGE_LIMIT for part in parts)
    assert " ".join(parts) == words
    solid = "字" * 9000
    parts = split_text(solid)
    assert [len(part) for part in parts] == [4096, 4096, 808]
    assert "".join(parts) == solid


def test_length_is_counted_in_utf16_units_and_emoji_are_not_broken():
    text = "😀" * 3000  # 6,000 UTF-16 code units
    parts = split_text(text)
    assert all(utf16_length(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parts) == text
    assert len(parts) == 2 and len(parts[0]) == 2048


def test_button_data_carries_step_and_value_when_it_fits():
    data, digest = encode_callback("menu.choose", "status")
    assert (data, digest) == ("menu.choose|status", None)
    assert decode_callback(data) == ("menu.choose", "status")
    assert decode_callback(encode_callback(None, "ja")[0]) == (None, "ja")
    assert decode_callback(encode_callback("a.b", "x|y")[0]) == ("a.b", "x|y")


def test_long_button_data_is_a_digest_within_64_bytes():
    step = "eligibility.applicant_type"
    value = "china_subsidiary_of_japanese_corporation"
    data, digest = encode_callback(step, value)
    assert len(f"{step}|{value}".encode()) > CALLBACK_LIMIT
    assert len(data.encode()) <= CALLBACK_LIMIT
    assert digest is not None and decode_callback(data) == digest
    assert encode_callback(step, value) == (data, digest)  # the same pair, the same data
    assert encode_callback(step, "japanese_corporation")[0] != data
    multibyte, _ = encode_callback("application.brand", "ブランド名" * 5)  # 75 bytes of UTF-8
    assert len(multibyte.encode()) <= CALLBACK_LIMIT
