"""The eligibility conversation: the Form "eligibility", built from the questions' table.

Answers go to `ctx.answers` under the profile keys; a key already answered is not asked again
(the application form shares them). A failed rule ends the check at once, naming the rule and why.
At the end the verdict is stored in `ctx.answers["eligibility_verdict"]`; the user goes on to the
application when they came from it (`ctx.state.context["then"] == "application"`) and may apply,
otherwise back to the menu.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from conversations.answers.polarity import UNKNOWN, polarity
from conversations.context import Context
from conversations.eligibility import summary
from conversations.eligibility.profile import PROFILE_KEYS, ProfileError, store_platforms, validate_profile
from conversations.eligibility.questions import QUESTIONS, Question, to_value
from conversations.eligibility.rules import DECIDING_KEY, TRACK_RULES, allowed_tracks, evaluate
from conversations.flow import FINISH, Form, Invalid, Step, targets
from conversations.parsing import ParseError, parse_headcount, parse_yen, yen_in_words

log = logging.getLogger(__name__)

VERDICT_KEY = "eligibility_verdict"
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}
SKIPPED = frozenset({"skip", "スキップ", "跳过"})  # passing an amount by is "I don't know" here


def profile_of(ctx: Context) -> dict[str, Any]:
    """The profile keys of the answers; a value that breaks the contract counts as unknown."""
    profile: dict[str, Any] = {}
    for key in PROFILE_KEYS:
        value = ctx.answers.get(key)
        if value is None:
            continue
        try:
            profile.update(validate_profile({key: value}, ctx.programme))
        except ProfileError:
            log.warning("stored answer does not fit the profile", extra={"key": key, "user_id": ctx.user.id})
    return profile


def _failed(ctx: Context) -> bool:
    return bool(evaluate(profile_of(ctx), ctx.programme)["failed"])


# -- reading free text -----------------------------------------------------------------------
def _reader(parse: Any, kind: str) -> Any:
    def read(ctx: Context, text: str) -> int | None:
        if text.strip().casefold() in SKIPPED or polarity(text, ctx.lang) == {UNKNOWN}:
            return None
        try:
            return parse(text)
        except ParseError as problem:
            raise Invalid(f"eligibility.invalid.{kind}.{problem.reason}", given=text.strip()[:30]) from None

    return read


# -- storing answers -------------------------------------------------------------------------
def _store(question: Question) -> Any:
    def on_answer(ctx: Context, answer: Any) -> str | None:
        if question.kind in ("yen", "headcount"):
            value = answer
            if value is not None and question.kind == "yen":
                words = yen_in_words(value, ctx.lang) if value >= 10_000 else ""
                ctx.say("eligibility.understood.capital_jpy", amount=value, words=words)
            elif value is not None:
                ctx.say("eligibility.understood.employees", count=value)
        elif question.kind == "platforms":
            value = _platforms(answer)
        else:
            value = to_value(question, answer)
        ctx.answers[question.key] = value
        if question.kind == "platforms" and value and _left(ctx):
            ctx.state.context["ec_more"] = True
        return None

    return on_answer


def _skip(question: Question) -> Any:
    def skip(ctx: Context) -> bool:
        if ctx.answers.get(question.key) is not None:
            return True
        return question.needed is not None and not question.needed(profile_of(ctx), ctx.programme)

    return skip


def _open_tracks(ctx: Context) -> tuple[str, ...]:
    """The track question offers only the tracks the answers so far leave open (and "undecided")."""
    allowed = allowed_tracks(ctx.answers, ctx.programme)
    return tuple(t for t in QUESTIONS_BY_KEY["track"].choices if t not in TRACK_RULES or t in allowed)


def _options(question: Question) -> Any:
    if question.key == "track":
        return _open_tracks
    if question.kind != "platforms":
        return question.choices
    return lambda ctx: (*store_platforms(ctx.programme), "none", "unknown")


def _labels(question: Question) -> str:
    return "core.options" if question.kind == "bool" else f"eligibility.options.{question.key}"


def _platforms(chosen: list[str]) -> list[str] | None:
    """The platforms of one answer (several may be named at once); "none" is [], "unknown" None."""
    platforms = [value for value in chosen if value not in ("none", "unknown")]
    if platforms:
        return platforms
    return [] if "none" in chosen else None


def _step(question: Question) -> Step:
    reader = {"yen": _reader(parse_yen, "amount"), "headcount": _reader(parse_headcount, "headcount")}
    return Step(
        question.key,
        f"eligibility.questions.{question.key}",
        options=() if question.kind in reader else _options(question),
        labels=_labels(question),
        parse=reader.get(question.kind),
        field="",
        skip=_skip(question),
        on_answer=_store(question),
        multiple=question.kind == "platforms",
    )


# -- more than one EC platform -----------------------------------------------------------------
# The options keep their numbers while the company adds platforms (1 is always the first platform).
def _more_choices(ctx: Context) -> tuple[str, ...]:
    return (*store_platforms(ctx.programme), "done")


def _left(ctx: Context) -> list[str]:
    chosen = ctx.answers.get("ec_platforms") or []
    return [p for p in store_platforms(ctx.programme) if p not in chosen]


def _more(ctx: Context, choices: list[str]) -> None:
    chosen = list(ctx.answers.get("ec_platforms") or [])
    ctx.answers["ec_platforms"] = [*chosen, *(p for p in choices if p != "done" and p not in chosen)]
    if "done" in choices or not _left(ctx):
        ctx.state.context.pop("ec_more", None)


def _more_vars(ctx: Context) -> dict[str, Any]:
    chosen = ctx.answers.get("ec_platforms") or []
    return {"chosen": "、".join(ctx.t(f"eligibility.options.ec_platforms.{p}") for p in chosen)}


EC_MORE = Step(
    "ec_more",
    "eligibility.questions.ec_more",
    options=_more_choices,
    labels="eligibility.options.ec_platforms",
    field="",
    skip=lambda ctx: not ctx.state.context.get("ec_more") or not _left(ctx),
    on_answer=_more,
    question_vars=_more_vars,
    multiple=True,
)


# -- starting over or going on -------------------------------------------------------------------
def _has_answers(ctx: Context) -> bool:
    return any(ctx.answers.get(key) is not None for key in PROFILE_KEYS)


def _reuse(ctx: Context, choice: str) -> None:
    if choice == "restart":
        for key in (*PROFILE_KEYS, VERDICT_KEY):
            ctx.answers.pop(key, None)


REUSE = Step(
    "reuse",
    "eligibility.questions.reuse",
    options=("keep", "restart"),
    labels="eligibility.options.reuse",
    field="",
    skip=lambda ctx: True,  # only entered from on_enter, when earlier answers exist
    on_answer=_reuse,
)


# -- after a failed check: change one answer ------------------------------------------------------
def change_choices(ctx: Context) -> list[str]:
    """The answers that make the verdict fail (one tap each), the track when a track's own rule
    fails, and starting over."""
    verdict = evaluate(profile_of(ctx), ctx.programme)
    keys = [DECIDING_KEY[rule] for rule in verdict["failed"]]
    if verdict["track"] and any(rule in TRACK_RULES[verdict["track"]] for rule in verdict["failed"]):
        keys.append("track")
    return [*dict.fromkeys(keys), "restart"]


def _change(ctx: Context, choice: str) -> str | None:
    """The chosen answer is asked again; the other answers stay, so the verdict follows at once."""
    if choice == "restart":
        _reuse(ctx, "restart")
        return None
    ctx.answers.pop(choice, None)
    ctx.answers.pop(VERDICT_KEY, None)
    if choice == "ec_platforms":
        ctx.state.context.pop("ec_more", None)
    return choice


CHANGE = Step(
    "change",
    "eligibility.change.question",
    options=change_choices,
    labels="eligibility.change.options",
    field="",
    skip=lambda ctx: True,  # only entered from on_enter, after a failed check
    on_answer=_change,
)


def _enter(ctx: Context) -> str | None:
    ctx.say("eligibility.intro")
    ctx.state.context.pop("ec_more", None)
    if _failed(ctx):
        return "change"  # not the same failure again: which answer would the company change?
    if _has_answers(ctx) and ctx.state.context.get("then") != "application":
        return "reuse"
    return None


def _finish(ctx: Context) -> None:
    profile = profile_of(ctx)
    verdict = evaluate(profile, ctx.programme)
    ctx.answers[VERDICT_KEY] = verdict
    ctx.state.context.pop("ec_more", None)
    for text in summary.render(ctx, verdict, profile):
        ctx.say_text(text)
    then = ctx.state.context.pop("then", None)
    wants_application = then == "application" and verdict["eligible"] is not False
    if wants_application and ctx.services.registry.has_flow("application"):
        ctx.go("application")
        return
    ctx.say("eligibility.next.retry" if verdict["eligible"] is False else "eligibility.next.apply")
    ctx.go("menu", remember=False)


def _then(following: str, loop: str | None = None) -> Any:
    """After an answer: stop at once on a failed rule, else the next step (skipped when not open)."""

    @targets(*dict.fromkeys(filter(None, (loop, following, FINISH))))
    def next_step(ctx: Context, _value: Any) -> str:
        if _failed(ctx):
            return FINISH
        if loop and ctx.state.context.get(loop):
            return loop
        return following

    return next_step


def _steps() -> list[Step]:
    steps = [CHANGE, REUSE]
    for question in QUESTIONS:
        steps.append(_step(question))
        if question.kind == "platforms":
            steps.append(EC_MORE)
    names = [step.name for step in steps] + [FINISH]
    return [
        replace(step, next=_then(names[i + 1], "ec_more" if step is EC_MORE else None))
        for i, step in enumerate(steps)
    ]


eligibility = Form(name="eligibility", steps=_steps(), on_enter=_enter, on_finish=_finish)


def check_command(ctx: Context, _args: str) -> None:
    """/check: the eligibility pre-check, from wherever the user is."""
    ctx.state.context.pop("then", None)
    ctx.go("eligibility")
