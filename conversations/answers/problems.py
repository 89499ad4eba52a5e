"""What a reader says when it cannot simply take an answer: refused (Invalid), or two readings
(Ambiguous) that the company is asked to choose between; never a guess."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class Invalid(Exception):
    """An answer that cannot be taken: `key` is the reason's text, asked again with it."""

    def __init__(self, key: str, **variables: Any) -> None:
        super().__init__(key)
        self.key = key
        self.variables = variables


@dataclass(frozen=True)
class Reading:
    """One meaning an answer may have: the value it would store, how it is shown, and the words
    that pick it when the company answers the ask-back ("人民元" for 98元). A reading may be a
    refusal (`refusal`: the reason's key) when the company picks a meaning the question cannot take."""

    value: Any
    label: str
    words: tuple[str, ...] = ()
    refusal: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "words": list(self.words),
            "refusal": self.refusal,
            "variables": self.variables,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reading:
        return cls(
            data.get("value"),
            str(data.get("label", "")),
            tuple(data.get("words") or ()),
            data.get("refusal"),
            dict(data.get("variables") or {}),
        )


class Ambiguous(Invalid):
    """Two (or more) readings of one answer: the bot asks which was meant and stores nothing."""

    def __init__(self, readings: Sequence[Reading]) -> None:
        super().__init__("core.ask_back")
        self.readings = tuple(readings)
