"""The whole check before submission: the application judged again, as a whole, against the
programme's rules (the eligibility engine, `evaluate`) and the form's own requirements (every
field its track and answers require, the consents), from the final answers.

The verdict is recomputed here and stored with the application (priority, company size,
warnings); a pre-check's stored verdict is never trusted when the answers changed after it.
Anything missing or failing is an `Item` naming its field: the form lists them, each one tap
away (conversations/application/form.py, step "fix"), and submits nothing while one remains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conversations.application.fields import NAMES, RULE_OF, open_fields
from conversations.eligibility.rules import evaluate, failing_keys, safe_profile

if TYPE_CHECKING:
    from conversations.programme import Programme


@dataclass(frozen=True)
class Item:
    """One thing that stops submission: a field to answer (`missing`) or to change (`failing`)."""

    field: str
    reason: str  # "missing" | "failing"
    rule: str | None = None


@dataclass(frozen=True)
class Check:
    verdict: dict[str, Any]
    items: tuple[Item, ...]

    @property
    def ok(self) -> bool:
        return not self.items and self.verdict["eligible"] is not False


def verdict_of(answers: Mapping[str, Any], programme: Programme) -> dict[str, Any]:
    """The engine's verdict on the answers as they stand now."""
    return evaluate(safe_profile(answers, programme), programme)


def whole_check(answers: Mapping[str, Any], programme: Programme) -> Check:
    verdict = verdict_of(answers, programme)
    failing = failing_keys(answers, programme)
    items: list[Item] = []
    for name in open_fields(answers, programme):
        if name in failing:
            items.append(Item(name, "failing", failing[name]))
        elif name == "track" and answers.get("track") is not None:
            items.append(Item(name, "failing"))
        else:
            items.append(Item(name, "missing"))
    listed = {item.field for item in items}
    for rule in verdict["failed"]:  # a failed rule always names an answer to change
        key = next((k for k, r in RULE_OF.items() if r == rule), None)
        if key is not None and key not in listed and key in NAMES:
            items.append(Item(key, "failing", rule))
            listed.add(key)
    return Check(verdict, tuple(items))
