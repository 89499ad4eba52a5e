"""Finding declared words inside an answer: longest word first, Latin words only as whole words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from conversations.answers.text import is_ascii_word


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    word: str
    values: frozenset[str]


class Terms:
    """Words (in `plain` form) and the values each names; a word may name several (then it is
    ambiguous, and the reader asks back rather than choose)."""

    def __init__(self, table: Mapping[str, Iterable[str]]) -> None:
        owners: dict[str, set[str]] = {}
        for value, words in table.items():
            for word in words:
                if word:
                    owners.setdefault(word, set()).add(value)
        self.owners = {word: frozenset(values) for word, values in owners.items()}
        alternatives = sorted(self.owners, key=len, reverse=True)
        parts = [
            rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])" if is_ascii_word(word) else re.escape(word)
            for word in alternatives
        ]
        self.pattern = re.compile("|".join(parts)) if parts else None

    def find(self, text: str) -> list[Hit]:
        """Every word in `text` (already in `plain` form), left to right, none overlapping."""
        if self.pattern is None:
            return []
        return [
            Hit(match.start(), match.end(), match.group(), self.owners[match.group()])
            for match in self.pattern.finditer(text)
        ]


def residue(text: str, hits: Iterable[Hit]) -> str:
    """What is left of `text` once the hits are cut out."""
    kept, position = [], 0
    for hit in hits:
        kept.append(text[position : hit.start])
        position = hit.end
    kept.append(text[position:])
    return "".join(kept)
