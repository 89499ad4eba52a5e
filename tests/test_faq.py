"""The FAQ knowledge base and its matcher: coverage, accuracy on the labelled questions, programme facts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.programme import load_programme
from bot.wiring import build_app, build_texts
from conversations.faq import CONFIDENT, Signal, build_index, entry_ids, question_signal
from conversations.faq.normalise import fold, terms
from conversations.i18n import LANGUAGES, load_sources
from tests.transcript import CoreChat, play

QUESTIONS = Path(__file__).parent / "data" / "faq_questions.yaml"
SOURCES = load_sources()
ENTRIES = entry_ids(SOURCES["ja"])


# Every rule of docs/programme-rules.md and every practical point of the call (issue 9), with its entry.
COVERAGE = {
    "E1": "who_may_apply",
    "E2": "products",
    "E3": "ec_store",
    "E4": "cross_border",
    "E5": "distribution",
    "E6": "samples",
    "E7": "materials",
    "E8": "shipping_days",
    "E9": "sales_data",
    "E10": "ip",
    "E11": "export_control",
    "E12": "surveys",
    "E13": "publication",
    "E14": "jetro_decides",
    "P1": "priority",
    "P2": "other_events",
    "A1": "trademark",
    "A2": "agents",
    "A3": "sample_liability",
    "SME-1..4": "sme",
    "MID-1": "mid_tier",
    "MID-2": "mid_tier",
    "large": "large_company",
    "organiser": "about",
    "fee": "fee",
    "costs": "costs",
    "commissions": "commission",
    "period": "period",
    "deadline": "deadline",
    "early closing": "early_closing",
    "capacity": "capacity",
    "one product": "one_product",
    "one track": "one_track",
    "tracks": "tracks",
    "kol track": "kol_track",
    "group-buying track": "group_track",
    "platforms": "platforms",
    "sample address": "sample_shipping",
    "how to apply": "how_to_apply",
    "contact": "contact",
    "rights to content": "content_rights",
    "cancellation": "cancellation",
    "liability": "liability",
    "selection withdrawn": "selection_cancelled",
    "no transfer": "no_transfer",
    "after selection": "after_selection",
    "data use": "data_use",
}


def labelled() -> list[tuple[str, str, str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [(lang, entry, question) for lang in LANGUAGES for entry, question in data[lang]]


def test_knowledge_base_has_40_entries_with_the_same_keys_and_variables_in_both_languages():
    texts = build_texts(load_programme("japan-mall-2025"))
    assert len(ENTRIES) >= 40
    assert entry_ids(SOURCES["zh"]) == ENTRIES
    ja = {key for key in SOURCES["ja"] if key.startswith("faq.")}
    zh = {key for key in SOURCES["zh"] if key.startswith("faq.")}
    assert ja == zh
    for key in ja:
        assert texts.variables("ja", key) == texts.variables("zh", key), key
    for entry in ENTRIES:
        for lang in LANGUAGES:
            for part in ("title", "answer", "keywords"):
                assert SOURCES[lang].get(f"faq.entries.{entry}.{part}", "").strip(), (lang, entry, part)


@pytest.mark.parametrize("programme", ["japan-mall-2025", "demo"])
def test_every_answer_renders_from_the_programme_in_both_languages(programme):
    texts = build_texts(load_programme(programme))
    for entry in ENTRIES:
        for lang in LANGUAGES:
            text = texts.render(lang, f"faq.entries.{entry}.answer")
            assert text and "{" not in text and "None" not in text, (programme, lang, entry)
            assert len(text.encode()) < 1500, (lang, entry)  # fits a WeChat passive reply with room


def test_every_rule_and_practical_point_has_an_entry_and_a_test_question():
    asked = {entry for _, entry, _ in labelled()}
    for fact, entry in COVERAGE.items():
        assert entry in ENTRIES, fact
        assert entry in asked, f"no test question for {fact} ({entry})"


def test_question_set_is_large_enough_labelled_with_real_entries_and_not_copied():
    rows = labelled()
    per_language = Counter(lang for lang, _, _ in rows)
    assert per_language["ja"] >= 60 and per_language["zh"] >= 60
    assert {entry for _, entry, _ in rows} <= set(ENTRIES)
    assert len({question for _, _, question in rows}) == len(rows)
    indexed = [
        fold(line)
        for key, text in (*SOURCES["ja"].items(), *SOURCES["zh"].items())
        if key.startswith("faq.entries.")
        for line in text.splitlines()
    ]
    for _, entry, question in rows:
        body = fold(question.rstrip("？?。 "))
        assert not any(body.strip() and body.strip() in line for line in indexed), (entry, question)


def test_top1_accuracy_on_the_labelled_questions_is_at_least_90_percent():
    index = build_index()
    rows = labelled()
    right: Counter[str] = Counter()
    misses = []
    for lang, entry, question in rows:
        best = index.match(question).best
        if best == entry:
            right[lang] += 1
        else:
            misses.append(f"{lang} {entry} -> {best}: {question}")
    total = sum(right.values()) / len(rows)
    for lang in LANGUAGES:
        count = sum(1 for row in rows if row[0] == lang)
        print(f"FAQ top-1 accuracy {lang}: {right[lang]}/{count} = {right[lang] / count:.1%}")
    print(f"FAQ top-1 accuracy overall: {sum(right.values())}/{len(rows)} = {total:.1%}")
    assert total >= 0.90, "\n".join(misses)


def test_synonyms_meet_across_languages_and_scripts():
    assert terms("快团团") == terms("共同購入") == terms("团购") == terms("団購") == ["syn_groupbuy"]
    assert terms("小红书") == terms("RED") == terms("小紅書") == ["syn_red"]
    assert terms("抖音") == terms("Douyin") == ["syn_douyin"]
    assert terms("视频号") == terms("WeChat Channels") == ["syn_channels"]
    assert terms("佣金") == terms("手数料") == terms("コミッション") == ["syn_commission"]
    assert terms("样品") == terms("サンプル") == ["syn_sample"]
    assert "syn_red" not in terms("registered")  # a Latin synonym only as a whole word


def test_off_topic_and_plain_answers_are_not_confident():
    index = build_index()
    for text in (
        "ラーメンのおすすめは？",
        "我想吃火锅",
        "はい",
        "可以",
        "120",
        "株式会社テスト",
        "何氏食品有限公司",
    ):
        assert index.match(text).confidence < CONFIDENT, text
    assert index.match("参加費はかかりますか").confidence >= CONFIDENT


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("締め切りはいつ？", Signal.STRONG),
        ("样品要寄到哪里?", Signal.STRONG),
        ("サンプルは必要ですか", Signal.STRONG),
        ("能报名吗", Signal.STRONG),
        ("什么时候截止", Signal.WEAK),
        ("いつまでに送ればいい", Signal.WEAK),
        ("はい", Signal.NONE),
        ("可以", Signal.NONE),
        ("不是", Signal.NONE),
        ("120", Signal.NONE),
        ("株式会社テスト", Signal.NONE),
        ("何氏食品有限公司", Signal.NONE),  # a surname, not 何 "what"
        ("いつもの食品株式会社", Signal.NONE),
        ("法人番号ってどこで調べるの", Signal.STRONG),  # a question word, and a question's の
        ("サンプルって何個送ればいいの", Signal.STRONG),
        ("株式会社ハテナ？", Signal.WEAK),  # a question mark alone never decides
    ],
)
def test_question_signal(text, signal):
    assert question_signal(text) is signal


def test_a_changed_programme_changes_the_answers(settings, engine, clock, app):
    jst = ZoneInfo("Asia/Tokyo")
    original = app.programme
    changed = original.model_copy(
        update={
            "capacity": 80,
            "dates": original.dates.model_copy(
                update={"deadline": datetime(2026, 3, 13, 23, 59, tzinfo=jst)}
            ),
            "contact": original.contact.model_copy(update={"email": "japanmall@example.org"}),
            "samples": original.samples.model_copy(update={"max_units": 6}),
        }
    )
    before = build_texts(original)
    after = build_texts(changed)
    assert "2026年1月30日（金）" in before.render("ja", "faq.entries.deadline.answer")
    assert "2026年3月13日（金）" in after.render("ja", "faq.entries.deadline.answer")
    assert "2026年3月13日（周五）" in after.render("zh", "faq.entries.deadline.answer")
    assert "80社" in after.render("ja", "faq.entries.capacity.answer")
    assert "japanmall@example.org" in after.render("zh", "faq.entries.contact.answer")
    assert "最多 6 个左右" in after.render("zh", "faq.entries.samples.answer")
    other = build_app(settings, clock=clock, engine=engine, migrate=False, programme=changed)
    play(
        CoreChat(other),
        """
        > 応募はいつまでできますか？
        < 2026年3月13日（金）
        < 定員（80社）
        <! 2026年1月30日
        """,
    )
