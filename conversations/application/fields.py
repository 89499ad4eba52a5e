"""The application's fields, section by section: what is asked, when it applies, how it is read.

Every field is a step whose name is its key in `ctx.answers`. The eligibility profile's keys
(docs/interfaces.md) are shared with the pre-check: a field already answered there is never asked again.
A field is *open* when it applies to this company and has no acceptable answer yet; the form
always moves to the first open field, so resuming, /back and editing from the summary all land
where they should. Whether an answer is acceptable under the programme's rules is the eligibility
engine's to say (`conversations.eligibility.rules`: `judged`, `failing_keys`, `allowed_tracks`):
this module restates no rule. The tracks offered are those the engine leaves open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from conversations import vocab
from conversations.application import consent
from conversations.application import parsers as read
from conversations.application import validators as check
from conversations.application.intake import on_corporate_number
from conversations.application.materials import on_materials
from conversations.context import Context
from conversations.eligibility import rules as engine
from conversations.eligibility.profile import PROFILE_KEYS as PROFILE_KEY_ORDER
from conversations.flow import HANDLED, Step

if TYPE_CHECKING:
    from conversations.programme import Programme

Answers = Mapping[str, Any]

PROFILE_KEYS = frozenset(PROFILE_KEY_ORDER)  # the profile's keys (docs/interfaces.md), declared once
COMMITMENTS = vocab.COMMITMENTS
# The fields whose answer decides an eligibility rule, and which rule: the engine's own table.
RULE_OF: dict[str, str] = {key: rule for rule, key in engine.DECIDING_KEY.items()}
JUDGED = frozenset(RULE_OF) | {"track"}

KIND: dict[str, str] = {}  # text choice bool yen headcount cny platforms materials count consent
OPTIONAL: set[str] = set()
SECTION: dict[str, str] = {}
WHEN: dict[str, Callable[[Answers], bool]] = {}


def applies(name: str, answers: Answers) -> bool:
    when = WHEN.get(name)
    return when is None or when(answers)


def shaped(name: str, value: Any) -> bool:
    """The value has the shape its field's kind stores (a draft or a file may hold anything)."""
    kind = KIND.get(name, "text")
    if kind in ("text", "choice"):
        return isinstance(value, str) and bool(value.strip())
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("platforms", "materials"):
        return isinstance(value, list) and (kind == "platforms" or bool(value))
    if kind in ("yen", "headcount", "count", "cny"):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    return True


def answered(name: str, answers: Answers, programme: Programme | None = None) -> bool:
    """An acceptable answer: given, of its kind's shape, a profile value the contract allows,
    and (with the programme) not failing the rule it decides. An optional field skipped holds None."""
    if name in consent.KEYS:
        return consent.given(answers.get(name), programme)
    if name not in answers:
        return False
    value = answers[name]
    if value is None:
        return name in OPTIONAL
    if not shaped(name, value):
        return False
    if programme is None or (name not in PROFILE_KEYS and name not in JUDGED):
        return True
    profile, failing, allowed = engine.judgement(answers, programme)
    if name in PROFILE_KEYS and name not in profile:
        return False  # a value the profile's contract does not allow
    if name == "track":
        return value in allowed
    return name not in failing


def is_open(name: str, answers: Answers, programme: Programme | None = None) -> bool:
    return applies(name, answers) and not answered(name, answers, programme)


def rule_check(name: str) -> Callable[[Context, Any], str | None]:
    """After an answer the engine judges failing: say what the rule asks, and ask again."""

    def on_answer(ctx: Context, value: Any) -> str | None:
        if engine.judged(name, ctx.answers, ctx.programme) is not False:
            return None
        rule = RULE_OF.get(name)
        if rule is None:  # a track the answers rule out
            ctx.say("check.track_not_open")
        else:
            ctx.say("application.rule_not_met", rule=rule, condition=ctx.t(f"application.rules.{rule}"))
        ctx.answers.pop(name, None)
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
    if kwargs.get("optional"):
        OPTIONAL.add(name)
    if when is not None:
        WHEN[name] = when
    if name in JUDGED and "on_answer" not in kwargs:
        kwargs["on_answer"] = rule_check(name)
    labels = kwargs.pop("labels", "core.options" if kind == "bool" else f"application.options.{name}")
    return Step(
        name,
        f"privacy.q.{name}" if kind == "consent" else f"application.q.{name}",
        options=("yes", "no") if kind == "bool" else options,
        labels=labels,
        skip=lambda ctx: not is_open(name, ctx.answers, ctx.programme),
        **kwargs,
    )


def offered_tracks(ctx: Context) -> tuple[str, ...]:
    """The tracks the engine's verdict on the answers so far allows, in the programme's order."""
    allowed = engine.allowed_tracks(ctx.answers, ctx.programme)
    return tuple(t for t in ctx.programme.tracks if t in allowed)


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
    # docs/programme-rules.md "Personal data": the notice and consent come before the first person's data
    field(
        consent.NOTICE,
        "consent",
        "privacy",
        options=("yes", "no"),
        labels="core.options",
        question_vars=consent.question_vars(consent.NOTICE),
        on_answer=consent.on_answer(consent.NOTICE),
    ),
    field(
        consent.TRANSFER,
        "consent",
        "privacy",
        when=consent.needs_transfer,
        options=("yes", "no"),
        labels="core.options",
        question_vars=consent.question_vars(consent.TRANSFER),
        on_answer=consent.on_answer(consent.TRANSFER),
    ),
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
    field("track", "choice", "track", options=lambda ctx: offered_tracks(ctx)),
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

SECTIONS = ("privacy", "company", "manufacturer", "product", "track", "materials", "commitments", "other")
FIELDS: list[Step] = [*COMPANY, *MANUFACTURER, *PRODUCT, *TRACK, *MATERIALS, *COMMITMENT_STEPS, *OTHER]
NAMES = tuple(step.name for step in FIELDS)
BOOLEANS = frozenset(name for name in NAMES if KIND[name] == "bool")


def applicable(answers: Answers) -> list[str]:
    """The fields that apply to this company, in the form's order."""
    return [name for name in NAMES if applies(name, answers)]


def open_fields(answers: Answers, programme: Programme | None = None) -> list[str]:
    """The fields still to answer; with the programme, an answer its rule fails counts as open."""
    return [name for name in NAMES if is_open(name, answers, programme)]
