"""The application's fields, section by section: what is asked, when it applies, how it is read.

Every field is a step whose name is its key in `ctx.answers`. The eligibility profile's keys
(docs/interfaces.md) are shared with the pre-check: a field already answered there is never asked again.
A field is *open* when it applies to this company and has no acceptable answer yet; the form
always moves to the first open field, so resuming, /back and editing from the summary all land
where they should.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from conversations import vocab
from conversations.application import parsers as read
from conversations.application import validators as check
from conversations.application.intake import on_corporate_number
from conversations.application.materials import on_materials
from conversations.context import Context
from conversations.eligibility.profile import PROFILE_KEYS as PROFILE_KEY_ORDER
from conversations.flow import HANDLED, Step

Answers = Mapping[str, Any]

PROFILE_KEYS = frozenset(PROFILE_KEY_ORDER)  # the profile's keys (docs/interfaces.md), declared once
COMMITMENTS = vocab.COMMITMENTS
ELIGIBLE_TYPES = vocab.ELIGIBLE_APPLICANT_TYPES
# A field whose answer decides an eligibility rule: (rule id, test of an acceptable answer).
RULES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "applicant_type": ("E1", lambda value: value in ELIGIBLE_TYPES),
    "japanese_brand": ("E2", lambda value: value is True),
    "cross_border_direct": ("E4", lambda value: value is False),
    "distributed_in_china": ("E5", lambda value: value is True),
    **{name: (rule, lambda value: value is True) for name, rule in COMMITMENTS.items()},
}

KIND: dict[str, str] = {}  # text choice bool yen headcount cny platforms materials count
SECTION: dict[str, str] = {}
WHEN: dict[str, Callable[[Answers], bool]] = {}


def applies(name: str, answers: Answers) -> bool:
    when = WHEN.get(name)
    return when is None or when(answers)


def answered(name: str, answers: Answers) -> bool:
    if name in RULES:
        return name in answers and RULES[name][1](answers[name])
    if name == "materials":
        return bool(answers.get("materials"))
    if name in PROFILE_KEYS:
        return answers.get(name) is not None
    return name in answers  # an optional field skipped holds None


def is_open(name: str, answers: Answers) -> bool:
    return applies(name, answers) and not answered(name, answers)


def rule_check(name: str) -> Callable[[Context, Any], str | None]:
    """After an answer that fails its rule: say which rule and why, and ask again."""
    rule, acceptable = RULES[name]

    def on_answer(ctx: Context, value: Any) -> str | None:
        if acceptable(value):
            return None
        ctx.say("application.rule_not_met", rule=rule, condition=ctx.t(f"application.rules.{rule}"))
        ctx.ask_again()
        return HANDLED

    return on_answer


def advise(rule: str, when: Callable[[Any], bool]) -> Callable[[Context, Any], str | None]:
    """Advice that never blocks (A1, P2): said after the answer, then on to the next field."""

    def on_answer(ctx: Context, value: Any) -> str | None:
        if when(value):
            ctx.say(f"application.advice.{rule}")
        return None

    return on_answer


def field(
    name: str,
    kind: str,
    section: str,
    *,
    when: Callable[[Answers], bool] | None = None,
    options: Sequence[str] | Callable[[Context], Sequence[str]] = (),
    **kwargs: Any,
) -> Step:
    KIND[name], SECTION[name] = kind, section
    if when is not None:
        WHEN[name] = when
    if name in RULES and "on_answer" not in kwargs:
        kwargs["on_answer"] = rule_check(name)
    labels = "core.options" if kind == "bool" else f"application.options.{name}"
    return Step(
        name,
        f"application.q.{name}",
        options=("yes", "no") if kind == "bool" else options,
        labels=labels,
        skip=lambda ctx: not is_open(name, ctx.answers),
        **kwargs,
    )


def _maker(ctx: Context) -> dict[str, Any]:
    return {"maker": ctx.answers.get("maker_is_applicant") is not False}


def _is(key: str, *values: Any) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(key) in values


_SUBSIDIARY = _is("applicant_type", vocab.CHINA_SUBSIDIARY)
_KOL = _is("track", vocab.KOL_AFFILIATE)
_GROUP = _is("track", vocab.GROUP_BUYING)

COMPANY = [
    field("applicant_type", "choice", "company", options=vocab.APPLICANT_TYPES),
    field("company_name_ja", "text", "company", parse=read.plain(200)),
    field("company_name_en", "text", "company", parse=read.plain(200), optional=True),
    field(
        "corporate_number",
        "text",
        "company",
        parse=read.checked(check.corporate_number),
        on_answer=on_corporate_number,
        question_vars=lambda ctx: {"subsidiary": _SUBSIDIARY(ctx.answers)},
    ),
    field("uscc", "text", "company", when=_SUBSIDIARY, parse=read.checked(check.uscc)),
    field("address", "text", "company", parse=read.plain(300)),
    field("website", "text", "company", parse=read.checked(check.url), optional=True),
    field("contact_name", "text", "company", parse=read.plain(100)),
    field("contact_title", "text", "company", parse=read.plain(200)),
    field("email", "text", "company", parse=read.checked(check.email)),
    field("phone", "text", "company", parse=read.checked(check.phone)),
    field("wechat_id", "text", "company", parse=read.checked(check.wechat_id), optional=True),
]
MANUFACTURER = [
    field("maker_is_applicant", "bool", "manufacturer"),
    field(
        "manufacturer_name",
        "text",
        "manufacturer",
        when=_is("maker_is_applicant", False),
        parse=read.plain(200),
    ),
    field(
        "manufacturer_industry",
        "choice",
        "manufacturer",
        options=lambda ctx: [line.industry for line in ctx.programme.sme],
        question_vars=_maker,
    ),
    field("capital_jpy", "yen", "manufacturer", parse=read.checked(check.parse_yen), question_vars=_maker),
    field(
        "employees",
        "headcount",
        "manufacturer",
        parse=read.checked(check.parse_headcount),
        question_vars=_maker,
    ),
    field("wholly_owned_by_large_company", "bool", "manufacturer", question_vars=_maker),
]
PRODUCT = [
    field("product_name_ja", "text", "product", parse=read.plain(200)),
    field("product_name_zh", "text", "product", parse=read.plain(200), optional=True),
    field("brand", "text", "product", parse=read.plain(200)),
    field(
        "product_category",
        "choice",
        "product",
        options=vocab.PRODUCT_CATEGORIES,
    ),
    field("japanese_brand", "bool", "product"),
    field("jan_code", "text", "product", parse=read.checked(check.jan_code), optional=True),
    field("price_cny", "cny", "product", parse=read.price),
    field(
        "china_trademark",
        "choice",
        "product",
        options=vocab.TRADEMARK_STATES,
        on_answer=advise("A1", lambda value: value == "none"),
    ),
    field(
        "trademark_number",
        "text",
        "product",
        when=_is("china_trademark", "registered", "pending"),
        parse=read.plain(60),
        optional=True,
    ),
]
TRACK = [
    field("track", "choice", "track", options=lambda ctx: tuple(ctx.programme.tracks)),
    field("ec_platforms", "platforms", "track", when=_KOL, parse=read.platforms),
    field("store_owner", "choice", "track", when=_KOL, options=vocab.STORE_OWNERS),
    field("store_name", "text", "track", when=_KOL, parse=read.plain(300)),
    field("cross_border_direct", "bool", "track", when=_KOL),
    field("distributed_in_china", "bool", "track", when=_GROUP),
    field("distribution", "text", "track", when=_GROUP, parse=read.plain(500)),
]
MATERIALS = [
    field(
        "materials",
        "materials",
        "materials",
        field="",
        files=True,
        parse=read.materials,
        on_answer=on_materials,
    ),
    field("samples_count", "count", "materials", parse=read.samples),
    field("samples_more", "bool", "materials"),
]
COMMITMENT_STEPS = [field(name, "bool", "commitments") for name in COMMITMENTS]
OTHER = [
    field(
        "in_other_china_promotion",
        "bool",
        "other",
        on_answer=advise("P2", lambda value: value is True),
    ),
    field(
        "other_promotions",
        "text",
        "other",
        when=_is("in_other_china_promotion", True),
        parse=read.plain(500),
        optional=True,
    ),
    field("notes", "text", "other", parse=read.plain(1000), optional=True),
]

SECTIONS = ("company", "manufacturer", "product", "track", "materials", "commitments", "other")
FIELDS: list[Step] = [*COMPANY, *MANUFACTURER, *PRODUCT, *TRACK, *MATERIALS, *COMMITMENT_STEPS, *OTHER]
NAMES = tuple(step.name for step in FIELDS)
BOOLEANS = frozenset(name for name in NAMES if KIND[name] == "bool")


def applicable(answers: Answers) -> list[str]:
    """The fields that apply to this company, in the form's order."""
    return [name for name in NAMES if applies(name, answers)]


def open_fields(answers: Answers) -> list[str]:
    return [name for name in NAMES if is_open(name, answers)]
