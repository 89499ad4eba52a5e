"""A filled form's cells read into the application's answers, by the chat's own code path: the
form's declared fields (fields.FIELDS: when each applies, its options, its parser, whether it
is optional) and the rules a field's answer must meet (the eligibility engine's judgement).
The privacy rows are read by the chat's consent code (consent.py): no agreement, no import.
What is wrong is a `Problem` naming the cell and the reason's text, as the chat would have said it.

The .xlsx itself is read elsewhere (bot/form_reader.py): this module sees field names, cell
references and values only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from conversations.answers.choices import code_for, option_numbers
from conversations.application import consent
from conversations.application.fields import BOOLEANS, FIELDS, KIND, RULE_OF, applies
from conversations.application.materials import MAX_ITEMS
from conversations.context import Context
from conversations.eligibility import rules as engine
from conversations.flow import SKIP_WORDS, Invalid, Step
from conversations.i18n import Texts
from conversations.vocab import EC_PLATFORMS, LANGUAGES

BILINGUAL = " / "
_PLATFORM_LABELS = (
    "application.options.ec_platforms"  # the filled form writes a label in both languages as "ja / zh"
)


@dataclass(frozen=True)
class SheetCell:
    ref: str  # e.g. "C12"
    value: Any


@dataclass(frozen=True)
class Text:
    """A text as a problem's variable, rendered in the language of the report that shows it."""

    key: str


@dataclass(frozen=True)
class Problem:
    """Why a file (cell None), or a field's cell, cannot be taken: `key` is the reason's text."""

    cell: str | None
    field: str | None
    key: str
    variables: dict[str, Any] = field(default_factory=dict)


def option_code(texts: Texts, labels: str, values: Iterable[str], text: str) -> str | None:
    """The option whose code or label (in either language) a cell holds; the filled form's "ja / zh"
    reads too; else what the chat's answer reader takes it for (a declared word, 「在华子公司」
    「コスメ」), when that names one option. The one place that maps a cell to an option's code."""
    values = tuple(values)
    said = _fold(text)
    wanted = {said, *(part.strip() for part in said.split(BILINGUAL))}
    for value in values:
        names = {value.casefold(), *(_fold(texts.render(lang, f"{labels}.{value}")) for lang in LANGUAGES)}
        if wanted & names:
            return value
    if option_numbers(text) is not None or labels == "core.options":
        return None  # a number is not an option in a cell (the lists hold labels); yes/no cells are exact
    vocabulary = labels.rsplit(".", 1)[-1]
    return code_for(texts, vocabulary, text, values=values, labels=labels)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def cell_text(value: Any) -> str:
    """What a cell holds as the text a company would have typed in the chat."""
    if value is None:
        return ""
    if isinstance(value, bool):  # Excel's TRUE / FALSE
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def read_value(ctx: Context, step: Step, text: str) -> Any:
    """One field's value from its cell's text, as the chat reads it; raises Invalid."""
    values = step.choices(ctx)
    if values:
        code = option_code(ctx.services.texts, step.labels, values, text)
        if code is None:
            shown = "、".join(ctx.t(f"{step.labels}.{value}") for value in values)
            raise Invalid("export.import.not_an_option", options=shown)
        return code == "yes" if step.name in BOOLEANS else code
    assert step.parse is not None, step.name
    if KIND[step.name] == "materials":
        found = step.parse(ctx, text)
        if "links" not in found:
            raise Invalid("application.invalid.materials_none")
        return list(found["links"])[:MAX_ITEMS]
    if KIND[step.name] == "platforms":
        return _platforms(ctx, step, text)
    return step.parse(ctx, text)


def _platforms(ctx: Context, step: Step, text: str) -> Any:
    """EC platforms: their labels (either language; the filled form's "ja / zh" by halves) as codes,
    then the chat's parser, which also checks them against the programme's store platforms."""
    assert step.parse is not None
    problem: Invalid | None = None
    for half in (half for half in text.split(BILINGUAL) if half.strip()):
        words = [word.strip() for word in re.split(r"[、,，\n]", half) if word.strip()]
        codes = [
            option_code(ctx.services.texts, _PLATFORM_LABELS, EC_PLATFORMS, word) or word for word in words
        ]
        try:
            return step.parse(ctx, ",".join(codes))
        except Invalid as bad:
            problem = problem or bad
    raise problem or Invalid("application.invalid.platforms", count=len(EC_PLATFORMS))


def _agreed(ctx: Context, step: Step, text: str) -> bool:
    try:
        return read_value(ctx, step, text) == "yes"
    except Invalid:
        return False


def read_answers(ctx: Context, cells: Mapping[str, SheetCell]) -> list[Problem]:
    """Fill `ctx.answers` from the cells, field by field in the form's order (a field applies or not
    by the answers before it, as in the chat); the problems found, in the form's order."""
    problems: list[Problem] = []
    for step in FIELDS:
        name = step.name
        if not applies(name, ctx.answers):
            continue
        cell = cells.get(name)
        ref = cell.ref if cell else None
        text = cell_text(cell.value) if cell else ""
        if KIND[name] == "consent":  # the privacy rows: agreed, or the file is refused
            agreed = bool(text) and _agreed(ctx, step, text)
            if agreed:
                ctx.answers[name] = consent.record(ctx.programme, ctx.now, via="form")
            else:
                problems.append(Problem(ref, name, "privacy.import.not_agreed"))
            continue
        if not text or (step.optional and text.casefold() in SKIP_WORDS):
            if step.optional:
                ctx.answers[name] = None
            else:
                problems.append(Problem(ref, name, "application.invalid.required"))
            continue
        try:
            value = read_value(ctx, step, text)
        except Invalid as bad:
            problems.append(Problem(ref, name, bad.key, bad.variables))
            continue
        if engine.judged(name, {**ctx.answers, name: value}, ctx.programme) is False:
            if name in RULE_OF:
                rule = RULE_OF[name]
                condition = Text(f"application.rules.{rule}")
                variables = {"rule": rule, "condition": condition}
                problems.append(Problem(ref, name, "export.import.rule_not_met", variables))
            else:
                problems.append(Problem(ref, name, "check.track_not_open"))
            continue
        ctx.answers[name] = value
    return problems
