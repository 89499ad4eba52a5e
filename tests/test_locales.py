"""Both locales have the same keys and the same template variables, and every text renders."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.programme import load_programme
from bot.wiring import build_texts
from conversations.i18n import detect_language, format_date, format_yen, format_yuan, load_sources

SOURCES = load_sources()
# Shown before the language is known, so written in both languages on purpose.
BILINGUAL = {"core.language.question", "core.language.names.ja", "wechat.subscribed"}


def test_same_keys_in_both_languages():
    ja, zh = set(SOURCES["ja"]), set(SOURCES["zh"])
    assert ja - zh == set(), f"only in ja: {sorted(ja - zh)}"
    assert zh - ja == set(), f"only in zh: {sorted(zh - ja)}"


def test_same_variables_in_both_languages():
    texts = build_texts(load_programme("japan-mall-2025"))
    for key in texts.keys("ja"):
        assert texts.variables("ja", key) == texts.variables("zh", key), key


class _Anything:
    """Stands for any template variable when rendering every text once."""

    def __str__(self) -> str:
        return "X"

    def __getattr__(self, _name: str) -> Any:
        return self

    def __iter__(self):
        return iter([self])

    def __bool__(self) -> bool:
        return True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self

    def __int__(self) -> int:
        return 3

    def __float__(self) -> float:
        return 3.0

    def __index__(self) -> int:
        return 3

    def __format__(self, spec: str) -> str:
        if "%" in spec:
            return format(datetime(2026, 1, 30, 12, tzinfo=UTC), spec)
        return format(3, spec)


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_every_text_renders_in_its_language(lang):
    texts = build_texts(load_programme("japan-mall-2025"))
    for key in sorted(texts.keys(lang)):
        variables = {name: _sample(name) for name in texts.variables(lang, key)}
        rendered = texts.render(lang, key, **variables)
        assert rendered.strip(), key
        assert "{{" not in rendered and "{%" not in rendered, key
        if lang == "ja":
            assert not re.search(r"(だ|である)。", rendered), f"{key}: plain style in a Japanese text"
        if lang == "zh" and key not in BILINGUAL:
            assert not re.search(r"[\u3040-\u309f]", rendered), f"{key}: hiragana in a Chinese text"


def _sample(name: str) -> Any:
    if name in ("count", "n", "number", "amount", "units", "total"):
        return 3
    if name.endswith(("_at", "date", "due", "deadline")):
        return datetime(2026, 1, 30, 12, tzinfo=UTC)
    return _Anything()


def test_dates_and_amounts_are_written_as_people_read_them():
    day = datetime(2026, 1, 30, 23, 59, tzinfo=UTC)
    assert format_date(day, "ja") == "2026年1月30日（金）"
    assert format_date(day, "zh") == "2026年1月30日（周五）"
    assert format_yen(300_000_000, "ja") == "300,000,000円"
    assert format_yen(300_000_000, "zh") == "300,000,000日元"
    assert format_yuan(1280, "zh") == "1,280元"


def test_welcome_carries_the_programme_deadline_in_its_zone():
    texts = build_texts(load_programme("japan-mall-2025"))
    assert "2026年1月30日（金）" in texts.render("ja", "core.welcome")
    assert "2026年1月30日（周五）" in texts.render("zh", "core.welcome")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("こんにちは", "ja"),
        ("応募したいです", "ja"),
        ("カタカナ", "ja"),
        ("你好", "zh"),
        ("我想报名", "zh"),
        ("hello", None),
        ("12345", None),
        ("申請", None),  # written the same in Japanese: not unmistakable (issue 18)
        ("申请", "zh"),
    ],
)
def test_language_detection(text, lang):
    assert detect_language(text) == lang
