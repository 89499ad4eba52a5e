"""The natural answers of tests/data (written as companies write them, each with its meaning) played
through the core on both databases: at least 95% understood in each language, and not one stored
with a meaning the company did not give. benchmarks/natural_answers.py prints the same figures."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.natural_answers import DATA, HELD_APART, Bench, Outcome, cases, load
from conversations.i18n import LANGUAGES

TARGET = 0.95


def _check(outcomes: list[Outcome]) -> None:
    wrong = [o for o in outcomes if o.wrong]
    assert not wrong, "\n".join(f"{o.case.lang} {o.case.step} {o.case.said!r} → {o.got}" for o in wrong)
    for lang in {o.case.lang for o in outcomes}:
        mine = [o for o in outcomes if o.case.lang == lang]
        share = sum(o.understood for o in mine) / len(mine)
        misses = "\n".join(f"{o.case.step} {o.case.said!r} → {o.got}" for o in mine if not o.understood)
        assert share >= TARGET, f"{lang}: {share:.1%} understood\n{misses}"


def test_the_data_is_large_enough_and_every_meaning_is_of_its_form():
    data = load()
    rows = cases(data) + cases(load(HELD_APART))
    per_language = Counter(case.lang for case in rows)
    assert sum(per_language.values()) >= 300 and min(per_language.values()) >= 150
    flows = {case.step.partition(".")[0] for case in rows}
    assert {"eligibility", "application", "shipment", "salesdata"} <= flows
    assert {case.means for case in rows if isinstance(case.means, str)} >= {"ask", "refuse", "question"}
    assert DATA.exists() and HELD_APART.exists()


@pytest.mark.parametrize("source", [DATA, HELD_APART], ids=["tuned", "held_apart"])
def test_natural_answers_are_understood_and_never_stored_with_another_meaning(app, source):
    bench = Bench(app)
    _check([bench.play(case) for case in cases(load(source))])


def test_the_whole_pre_check_and_application_in_words(app):
    data = load()
    bench = Bench(app)
    fields = {group["step"]: group["field"] for group in data["answers"] if "field" in group}
    for lang in LANGUAGES:
        outcomes = list(bench.journey(lang, data["journeys"][lang], fields))
        assert len(outcomes) == len(data["journeys"][lang])  # the journey got to its end
        _check(outcomes)
