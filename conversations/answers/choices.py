"""An option read from what a company wrote: by its number, its label or a part of it, or a word
declared beside it (conversations/synonyms.yaml), anywhere in the answer; several of them for a
question that takes several (「REDとDouyinの両方です」); yes / no by polarity.py.

Two options named in one answer to a question that takes one are two readings, and the bot asks
back (「食品か日用品か迷います」), except where the first only describes the second
(「日本企業の中国子会社です」「我们是日本公司在上海的子公司」: the last named is what it is).
An option named in the negative (「自社の店舗ではありません」) is not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from conversations.answers.matching import Hit, Terms
from conversations.answers.numbers import option_numbers
from conversations.answers.polarity import polarity
from conversations.answers.problems import Ambiguous, Invalid, Reading
from conversations.answers.text import plain
from conversations.answers.words import VOCABULARIES, words
from conversations.i18n import LANGUAGES, Texts

SKIP_WORDS = frozenset({"skip", "/skip", "スキップ", "跳过", "略过", "なし", "无", "無"})
# options that are no option of their own in a question of several: "none of them", "I don't know"
APART = ("none", "unknown", "undecided", "done")
ALL = "all"
_PARTS = re.compile(r"[・（）()、/／,，\s]+")
_GENERIC_PARTS = frozenset(
    plain(word) for word in ("商品", "店舗", "店铺", "アプリ", "小程序", "企業", "企业")
)
_COORDINATION = re.compile(r"と|や|か|、|,|/|・|和|与|及|或|还是|或者|and|or|または|また|も|跟|以及|&|\+")
_DESCRIBES = re.compile(r"(?:の|的)$")
_NEGATED_AFTER = tuple(
    plain(word) for word in ("ではない", "じゃない", "ではなく", "はない", "もない", "以外")
)
_NEGATED_BEFORE = tuple(plain(word) for word in ("不是", "并非", "不", "没有", "没", "非"))
_NOTHING_OPENINGS = re.compile(r"^(?:特には|特に|とくに|まだ|今のところ|现在|現在|暂时|目前|还|暂)")
_FILLERS = re.compile(
    r"^(?:弊社は|うちは|我们是|我们|我司是|是)|(?:です|でお願いします|のほう|ほう|で|吧|啊|的)+$"
)


@dataclass(frozen=True)
class Question:
    """What the reader needs to know of the question: its options and how they read."""

    values: tuple[str, ...]
    labels: str  # the key under which each option's label is found (labels.value)
    vocabulary: str  # the name its words are declared under (words.vocabulary_of)
    multiple: bool = False
    text: str = ""  # the question as asked, for an answer that repeats its words


def label_of(texts: Texts, lang: str, labels: str, value: str) -> str:
    key = f"{labels}.{value}"
    return texts.render(lang, key) if texts.has(key, lang) else value


@lru_cache(maxsize=512)
def _labels(texts: Texts, labels: str, values: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Every option's labels in both languages, whole and in their parts (a part two options
    share is no one's): 「食品・酒類」 is also 「食品」 and 「酒類」."""
    whole = {value: [plain(label_of(texts, lang, labels, value)) for lang in LANGUAGES] for value in values}
    parts: dict[str, set[str]] = {value: set() for value in values}
    for value, names in whole.items():
        for name in names:
            for part in _PARTS.split(name):
                part = re.sub(r"(?:など|等)$", "", part)
                if (len(part) >= 2 or part.isascii()) and part and part not in _GENERIC_PARTS:
                    parts[value].add(part)
    owners: dict[str, int] = {}
    for found in parts.values():
        for part in found:
            owners[part] = owners.get(part, 0) + 1
    return {
        value: tuple(dict.fromkeys([*whole[value], *(p for p in parts[value] if owners[p] == 1)]))
        for value in values
    }


@lru_cache(maxsize=512)
def _terms(texts: Texts, question: Question, lang: str) -> Terms:
    labels = _labels(texts, question.labels, question.values)
    table = {
        value: [
            *labels[value],
            *([plain(value)] if value.isascii() else []),
            *words(question.vocabulary, value, lang),
        ]
        for value in question.values
    }
    if question.multiple:
        table[ALL] = list(words(question.vocabulary, ALL, lang))
    return Terms(table)


def _negated(text: str, hit: Hit) -> int:
    """How far a negation of the hit reaches past it (0: the option is not named in the negative)."""
    after = text[hit.end :]
    for negation in _NEGATED_AFTER:
        if after.startswith(negation):
            return len(negation)
    if text[: hit.start].endswith(_NEGATED_BEFORE):
        return 1
    return 0


def _named(text: str, hits: list[Hit]) -> list[Hit]:
    """The hits that name an option, without those named in the negative (and their negation)."""
    kept: list[Hit] = []
    reach = -1
    for hit in hits:
        if hit.start < reach:
            continue  # the 「ない」 of 「REDはない」 is the negation, not "none"
        negation = _negated(text, hit)
        if negation:
            reach = hit.end + negation
            continue
        kept.append(hit)
    return kept


def _heads(text: str, hits: list[Hit]) -> list[list[str]]:
    """For a question that takes one option: the groups of options named side by side; a name
    that only describes the next (「日本企業の」 of 「中国子会社」) gives way to it."""
    groups: list[list[str]] = []
    previous: Hit | None = None
    for hit in hits:
        values = sorted(hit.values)
        if previous is not None and previous.values != hit.values:
            gap = text[previous.end : hit.start]
            if _DESCRIBES.search(gap) and not _COORDINATION.search(gap):
                groups[-1] = values
                previous = hit
                continue
        if previous is None or previous.values != hit.values:
            groups.append(values)
        previous = hit
    return groups


def _by_part(texts: Texts, question: Question, said: str) -> list[str]:
    """An answer that is part of one label (「製造業」 of 「製造業その他」)."""
    core = _FILLERS.sub("", said)
    if len(core) < 2:
        return []
    labels = _labels(texts, question.labels, question.values)
    return [value for value in question.values if any(core in label for label in labels[value])]


def read(texts: Texts, lang: str, question: Question, text: str) -> str | list[str]:
    """The option (or, for a question of several, the options) an answer names.

    Raises Invalid("core.invalid.choice") when it names none, Ambiguous when it names two where
    one was asked for (or yes and no at once)."""
    values = question.values
    refused = Invalid("core.invalid.choice", count=len(values))
    said = plain(text)
    if not said:
        raise refused
    numbers = option_numbers(text)
    if numbers is not None:
        if any(not 1 <= number <= len(values) for number in numbers):
            raise refused
        chosen = list(dict.fromkeys(values[number - 1] for number in numbers))
        return _result(texts, lang, question, chosen)
    if "yes" in values and "no" in values:
        readings = [
            value for value in values if value in polarity(text, lang, question.vocabulary, question.text)
        ]
        if readings:
            return _result(texts, lang, question, readings)
        raise refused
    hits = _named(said, _terms(texts, question, lang).find(said))
    named = list(dict.fromkeys(value for hit in hits for value in sorted(hit.values) if value != ALL))
    if question.multiple:
        if not named and any(ALL in hit.values for hit in hits):
            named = [value for value in values if value not in APART]
        chosen = named or _by_part(texts, question, said)
        real = [value for value in chosen if value not in APART]
        apart = [value for value in chosen if value in APART and value != "done"]
        if real:  # 「REDだけ、ほかはない」: the platforms named, not "none"
            chosen = [value for value in chosen if value not in apart]
        if not chosen:
            raise refused
        return _result(texts, lang, question, chosen)
    groups = _heads(said, hits)
    heads = list(dict.fromkeys(value for group in groups for value in group))
    return _result(texts, lang, question, heads or _by_part(texts, question, said))


def _result(texts: Texts, lang: str, question: Question, chosen: list[str]) -> str | list[str]:
    if not chosen:
        raise Invalid("core.invalid.choice", count=len(question.values))
    if question.multiple:
        return [value for value in question.values if value in chosen]
    if len(chosen) == 1:
        return chosen[0]
    raise Ambiguous([Reading(value, label_of(texts, lang, question.labels, value)) for value in chosen[:3]])


def says_nothing(text: str, lang: str) -> bool:
    """An answer that gives nothing: 「スキップ」「特にありません」「まだありません」「暂无」「没有」."""
    if text.strip().lower() in SKIP_WORDS:
        return True
    core = _FILLERS.sub("", _NOTHING_OPENINGS.sub("", plain(text)))
    return bool(core) and core in words("", "none", lang)


_ENDING = re.compile(r"(?:いたしました|しました|します|です|でした|了|啦|吧|啊|。)$")


def ends_list(text: str, lang: str) -> bool:
    """The words that end a list: 「以上です」「完了しました」「これで全部です」「完成了」「就这些」."""
    said, done = plain(text), words("", "done", lang)
    while said and said not in done:
        shorter = _ENDING.sub("", said)
        if shorter == said:
            return False
        said = shorter
    return bool(said)


def code_for(
    texts: Texts,
    vocabulary: str,
    text: str,
    *,
    values: Sequence[str] | None = None,
    labels: str | None = None,
) -> str | None:
    """The option code a label or a declared word names, in either language (for imports that
    read filled forms: 「日本法人」「在华子公司」「快团团」「コスメ」 → the codes of conversations/vocab.py).

    `vocabulary` is one of words.VOCABULARIES (applicant_type, track, product_category, …), whose
    codes and the application form's labels are used unless `values` and `labels` are given.
    None when the text names no option, or two."""
    asked = Question(
        tuple(values if values is not None else VOCABULARIES[vocabulary]),
        labels or f"application.options.{vocabulary}",
        vocabulary,
    )
    for lang in LANGUAGES:
        try:
            found = read(texts, lang, asked, text)
        except Invalid:
            continue
        if isinstance(found, str):
            return found
    return None
