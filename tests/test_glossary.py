"""Both locales speak with one term for each thing (docs/glossary.md, read here), and what an
applicant reads carries no internal rule id; staff views keep them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.programme import load_programme
from bot.wiring import build_texts
from conversations.i18n import LANGUAGES
from tests.test_locales import BILINGUAL, _sample

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
RULE_ID = re.compile(r"(?<![A-Za-z0-9])(E1[0-4]|E[1-9]|P[12]|A[1-3]|SME-?[1-4]|MID-?[12])(?![0-9A-Za-z])")
# What only JETRO staff read (docs/glossary.md, "Writing"): these keep the rule ids.
STAFF = ("console.", "export.", "staff.chat.", "reminders.broadcast.")
APPLICANT_IN_STAFF = ("export.form.",)  # the blank form's notes are read by the companies
COLUMNS = {"ja": (2, 3), "zh": (4, 5)}  # (preferred, not) of each language in the terms table


def _table(heading: str) -> list[list[str]]:
    """The rows of the glossary's table under `heading` (cells stripped, header and rule left out)."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _forms(cell: str) -> list[str]:
    return [form.strip() for form in cell.split(" / ") if form.strip() and form.strip() != "—"]


TERMS = _table("Terms")
EXPLAINED = _table("Chinese names in Japanese texts")


def _rendered(lang: str) -> dict[str, str]:
    """Every text of a language as a company reads it, the programme's facts filled in; the FAQ's
    keywords (matching phrases, never shown) left out."""
    texts = build_texts(load_programme("japan-mall-2025"))
    out = {}
    for key in sorted(texts.keys(lang)):
        if key.endswith(".keywords"):
            continue
        variables = {name: _sample(name) for name in texts.variables(lang, key)}
        out[key] = texts.render(lang, key, **variables)
    return out


RENDERED = {lang: _rendered(lang) for lang in LANGUAGES}


def _for_applicants(key: str) -> bool:
    return key.startswith(APPLICANT_IN_STAFF) or not key.startswith(STAFF)


def test_the_glossary_is_read_whole():
    assert len(TERMS) >= 25 and all(len(row) == 6 for row in TERMS), TERMS
    things = {row[0] for row in TERMS}
    assert {"the company addressed", "a track (how a company takes part)"} <= things
    assert len(EXPLAINED) >= 3 and all(len(row) == 2 and row[0] in row[1] for row in EXPLAINED)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_applicant_texts_carry_no_rule_ids(lang):
    found = {key: RULE_ID.findall(text) for key, text in RENDERED[lang].items() if _for_applicants(key)}
    found = {key: ids for key, ids in found.items() if ids}
    assert not found, found


def test_staff_views_keep_the_rule_ids():
    for lang in LANGUAGES:
        staff = " ".join(text for key, text in RENDERED[lang].items() if not _for_applicants(key))
        assert {"P1", "P2"} <= set(RULE_ID.findall(staff)), lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_uses_a_form_the_glossary_sets_aside(lang):
    preferred, refused = COLUMNS[lang]
    problems = []
    for row in TERMS:
        for form in _forms(row[refused]):
            problems += [
                f"{key}: {form!r} (say {row[preferred]!r})"
                for key, text in RENDERED[lang].items()
                if form in text and key not in BILINGUAL
            ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_thing_is_named_by_its_glossary_term(lang):
    preferred = COLUMNS[lang][0]
    everything = "\n".join(RENDERED[lang].values())
    missing = [row[preferred] for row in TERMS if row[preferred] not in everything]
    assert not missing, missing


def test_chinese_texts_use_chinese_punctuation():
    problems = [
        key
        for key, text in RENDERED["zh"].items()
        if key not in BILINGUAL and re.search(r"[・「」『』]", text)
    ]
    assert not problems, problems


def test_japanese_texts_explain_a_chinese_name_at_its_first_mention():
    problems = []
    for key, text in RENDERED["ja"].items():
        if key in BILINGUAL:
            continue
        for name, explained in EXPLAINED:
            at = text.find(name)
            if at < 0:
                continue
            start = text.find(explained)
            if start < 0 or not start <= at < start + len(explained):
                problems.append(f"{key}: {name} first without 「{explained}」")
    assert not problems, "\n".join(problems)
