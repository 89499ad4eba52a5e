"""The knowledge base: the entries of locales/<lang>/faq.yaml, indexed for matching.

An entry is `faq.entries.<id>` with a `title`, an `answer` and its `keywords` (indexing phrases
that are never shown) in both languages. The index is built once from the template sources (the
Jinja parts stripped: numbers and dates do not help matching); what the user reads is rendered
from the programme at answer time, so a new programme file changes the answers, not the index.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from conversations.context import Context
from conversations.faq.index import Index, Match
from conversations.i18n import LANGUAGES, load_sources

PREFIX = "faq.entries."
# how much each part of an entry counts when matching
WEIGHTS = {"title": 3.0, "keywords": 2.0, "answer": 0.25}
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def entry_ids(sources: Mapping[str, str]) -> list[str]:
    """Entry ids in the order the file declares them."""
    suffix = ".title"
    return [
        key[len(PREFIX) : -len(suffix)] for key in sources if key.startswith(PREFIX) and key.endswith(suffix)
    ]


def documents(sources: Mapping[str, Mapping[str, str]]) -> dict[str, list[tuple[str, float]]]:
    """Each entry's weighted texts in both languages, Jinja stripped, from the template sources."""
    docs: dict[str, list[tuple[str, float]]] = {}
    for entry in entry_ids(sources[LANGUAGES[0]]):
        parts: list[tuple[str, float]] = []
        for lang in LANGUAGES:
            for field, weight in WEIGHTS.items():
                text = sources[lang].get(f"{PREFIX}{entry}.{field}", "")
                parts.append((_JINJA.sub(" ", text), weight))
        docs[entry] = parts
    return docs


def build_index(root: Path | None = None) -> Index:
    """Index every entry over both languages (no network, nothing downloaded)."""
    return Index(documents(load_sources(root)))


@cache
def default_index() -> Index:
    """The index of the installed locales, built once per process (at registration)."""
    return build_index()


def title(ctx: Context, entry: str) -> str:
    return ctx.t(f"{PREFIX}{entry}.title")


PHASE_ENTRIES = frozenset({"deadline", "early_closing"})  # answered from the programme's phase


def answer(ctx: Context, entry: str) -> str:
    """The entry as the user reads it: its title, then its answer filled from the programme (the
    deadline's, once intake is not open, from the phase: no "apply soon" after the deadline)."""
    text = ctx.t(f"{PREFIX}{entry}.answer")
    if entry in PHASE_ENTRIES:
        from conversations import phase  # here: phase reads storage, the index does not need it

        now = phase.current(ctx)
        if not now.intake_open:
            text = ctx.t(f"phase.faq.{now.name}", **phase.variables(ctx, now))
    return ctx.t("faq.ui.answer", title=title(ctx, entry), answer=text)


__all__ = ["Index", "Match", "answer", "build_index", "default_index", "documents", "entry_ids", "title"]
