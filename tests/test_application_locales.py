"""The application's texts: the same keys and variables in Japanese and Chinese, and a text for
every question, field label, option, reason of refusal and rule the code can name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.programme import load_programme
from bot.wiring import build_texts
from conversations.application import fields, validators
from conversations.application.form import application

TEXTS = build_texts(load_programme("japan-mall-2025"))
SOURCE = Path(validators.__file__).parent


def keys(lang: str) -> set[str]:
    return {key for key in TEXTS.keys(lang) if key.startswith("application.")}


def test_same_keys_and_variables_in_both_languages():
    assert keys("ja") == keys("zh")
    for key in keys("ja"):
        assert TEXTS.variables("ja", key) == TEXTS.variables("zh", key), key


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_every_step_field_option_and_rule_has_its_text(lang):
    for step in application.steps:
        assert TEXTS.has(step.question, lang), step.question
    for name in fields.NAMES:
        assert TEXTS.has(f"application.fields.{name}", lang), name
        if fields.KIND[name] == "choice":
            for step in fields.FIELDS:
                if step.name == name and not callable(step.options):
                    for value in step.options:
                        assert TEXTS.has(f"application.options.{name}.{value}", lang), (name, value)
    for section in fields.SECTIONS:
        assert TEXTS.has(f"application.sections.{section}", lang)
    for rule in [f"E{n}" for n in range(1, 15)]:
        assert TEXTS.has(f"application.rules.{rule}", lang), rule


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_every_reason_of_refusal_has_its_text(lang):
    code = "\n".join(path.read_text(encoding="utf-8") for path in SOURCE.glob("*.py"))
    reasons = set(re.findall(r'BadValue\("(\w+)"', code)) | set(
        re.findall(r'"application\.invalid\.(\w+)"', code)
    )
    assert {"corporate_number_check", "jan_check", "email", "price", "required"} <= reasons
    for reason in reasons - {"number"}:  # "number" is internal: parse_yen and parse_headcount rename it
        assert TEXTS.has(f"application.invalid.{reason}", lang), reason


def test_dates_in_each_language():
    deadline = load_programme("japan-mall-2025").dates.deadline
    assert "2026年1月30日（金） 23:59（日本時間、UTC+09:00）" in TEXTS.render(
        "ja", "application.start", deadline=deadline, zone="日本時間、UTC+09:00"
    )
    assert "2026年1月30日（周五） 23:59" in TEXTS.render(
        "zh", "application.intake.deadline_passed", deadline=deadline, zone=""
    )
