"""The FAQ measured on the held-apart questions (tests/data/faq_held_apart.yaml: written before
tuning, never tuned on; the tuning set is tests/data/faq_questions.yaml). benchmarks/faq.py
prints the same figures."""

from __future__ import annotations

import pytest

from benchmarks.faq import HELD_APART, QUESTIONS, accuracy, sets
from conversations.faq import build_index
from conversations.faq.knowledge import entry_ids
from conversations.faq.normalise import fold
from conversations.i18n import LANGUAGES, load_sources

SOURCES = load_sources()
TARGET = 0.95


def test_the_held_apart_set_is_apart_from_the_entries_and_the_tuning_set():
    entries = set(entry_ids(SOURCES["ja"]))
    indexed = [
        fold(line)
        for key, text in (*SOURCES["ja"].items(), *SOURCES["zh"].items())
        if key.startswith("faq.entries.")
        for line in text.splitlines()
    ]
    tuning = {question for single, _, _ in sets(QUESTIONS).values() for _, question in single}
    for lang, (single, off_topic, doubles) in sets(HELD_APART).items():
        assert len(single) >= 60 and off_topic and doubles, lang
        for entry, question in single:
            assert entry in entries, (lang, entry)
            assert question not in tuning, question
            body = fold(question.rstrip("？?。 ")).strip()
            assert not any(body in line for line in indexed), (lang, question)
        for wanted, _message in doubles:
            assert set(wanted) <= entries


@pytest.mark.parametrize("lang", LANGUAGES)
def test_top1_on_the_held_apart_questions_and_not_sure_only_off_topic(lang):
    figures = accuracy(build_index(), HELD_APART)[lang]
    print(f"FAQ held-apart top-1 {lang}: {figures.top1}/{figures.questions} = {figures.share:.1%}")
    assert figures.share >= TARGET, "\n".join(figures.misses)
    assert figures.direct_wrong <= 2  # a topic answered directly is nearly always the right one
    assert figures.not_sure >= figures.off_topic - 1
    assert figures.both >= figures.doubles - 1
