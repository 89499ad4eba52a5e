"""The words declared for each option (conversations/synonyms.yaml), read once and checked.

`words(vocabulary, code, lang)` gives the words of one option in a language (its own and the
shared ones of its code); `vocabulary_of(labels, step)` names the vocabulary of a question from
its labels' key. `check(known)` fails loudly when the file names a vocabulary or a code that no
question offers, or one word for two options of a vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

from conversations import vocab
from conversations.answers.text import plain

SHARED = "shared"
# codes of the shared part, and which of them one question can offer together
SHARED_CODES = ("yes", "no", "unknown", "undecided", "none", "done", "all")
TOGETHER = (("yes", "no", "unknown"), ("none", "unknown", "all"), ("done",), ("undecided",))
# the parts of a labels key that name no vocabulary ("application.summary.options" → summary)
_GENERIC = frozenset({"core", "options", "names", "application", "eligibility", "staff", "faq"})
# the vocabularies of conversations/vocab.py, by the name their questions' labels use
VOCABULARIES: Mapping[str, tuple[str, ...]] = {
    "applicant_type": vocab.APPLICANT_TYPES,
    "track": vocab.TRACKS,
    "product_category": vocab.PRODUCT_CATEGORIES,
    "manufacturer_industry": vocab.INDUSTRIES,
    "ec_platforms": vocab.EC_PLATFORMS,
    "store_owner": vocab.STORE_OWNERS,
    "china_trademark": vocab.TRADEMARK_STATES,
    "language": vocab.LANGUAGES,
}


class WordsError(ValueError):
    """conversations/synonyms.yaml says something no question can mean: a bug, found at start-up."""


def vocabulary_of(labels: str, step: str) -> str:
    """The vocabulary of a question: the last specific part of its labels' key, else its name."""
    parts = [part for part in labels.split(".") if part not in _GENERIC]
    return parts[-1] if parts else step


Table = dict[str, dict[str, dict[str, tuple[str, ...]]]]


@cache
def table() -> Table:
    """vocabulary -> code -> language ("ja", "zh" or "any") -> words in `plain` form."""
    return parse(resources.files("conversations").joinpath("synonyms.yaml").read_text(encoding="utf-8"))


def parse(source: str) -> Table:
    """The words of a synonyms file (the form of conversations/synonyms.yaml); WordsError when
    it is not of that form."""
    data: dict[str, Any] = yaml.safe_load(source)
    found: Table = {}
    for name, codes in data.items():
        if not isinstance(codes, Mapping):
            raise WordsError(f"synonyms.yaml: {name} must map codes to words")
        found[name] = {}
        for code, given in codes.items():
            by_language = given if isinstance(given, Mapping) else {"any": given}
            unknown = set(by_language) - {"ja", "zh", "any"}
            if unknown:
                raise WordsError(f"synonyms.yaml: {name}.{code} has words for {sorted(unknown)}")
            found[name][str(code)] = {
                lang: tuple(dict.fromkeys(plain(str(word)) for word in words or ()))
                for lang, words in by_language.items()
            }
    if SHARED not in found or set(found[SHARED]) - set(SHARED_CODES):
        raise WordsError(f"synonyms.yaml: shared holds the codes {', '.join(SHARED_CODES)} only")
    return found


def words(vocabulary: str, code: str, lang: str, data: Table | None = None) -> tuple[str, ...]:
    """The words of an option in `lang`: its vocabulary's, then the shared ones of its code."""
    found: list[str] = []
    for name in (vocabulary, SHARED):
        by_language = (data or table()).get(name, {}).get(code, {})
        found += [*by_language.get(lang, ()), *by_language.get("any", ())]
    return tuple(dict.fromkeys(found))


def offered(steps: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, set[str]]:
    """vocabulary -> codes, from (labels, step name, options) of the forms' questions."""
    found: dict[str, set[str]] = {}
    for labels, name, options in steps:
        found.setdefault(vocabulary_of(labels, name), set()).update(options)
    return found


def check(known: Mapping[str, Iterable[str]], data: Table | None = None) -> None:
    """Every vocabulary and code of the file (or `data`) is offered by a question (`known`:
    vocabulary -> codes, from the registered forms and VOCABULARIES); no word names two options
    of one vocabulary. Raises WordsError naming every problem."""
    data = data or table()
    offered = {name: set(codes) for name, codes in known.items()}
    for name, codes in VOCABULARIES.items():
        offered.setdefault(name, set()).update(codes)
    problems = []
    for name, codes in data.items():
        if name == SHARED:
            continue
        if name not in offered:
            problems.append(f"no question offers the vocabulary {name!r}")
            continue
        for code in codes:
            if code not in offered[name] and code not in SHARED_CODES:
                problems.append(f"{name}: no question offers the code {code!r}")
    for name, codes in offered.items():
        problems += _clashes(name, sorted(codes), data)
    for group in TOGETHER:
        problems += _clashes(SHARED, list(group), data)
    if problems:
        raise WordsError("conversations/synonyms.yaml: " + "; ".join(problems))


def _clashes(vocabulary: str, codes: list[str], data: Table) -> list[str]:
    problems = []
    for lang in ("ja", "zh"):
        owner: dict[str, str] = {}
        for code in codes:
            for word in words(vocabulary, code, lang, data):
                if owner.setdefault(word, code) != code:
                    problems.append(f"{vocabulary}: {word!r} names both {owner[word]!r} and {code!r}")
    return sorted(set(problems))
