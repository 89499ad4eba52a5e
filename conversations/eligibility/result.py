"""After the verdict: the Form "verdict" -- the details on request, then apply, check again or the menu.

The pre-check ends with the short verdict (one phone screen, conversations/eligibility/summary.py)
and this one question: 「詳しく見る」 shows the whole verdict rule by rule and asks again without
that option; 「応募する」 opens the application (the answers carry over); a failed check offers
to check again instead. The verdict is the one stored in `ctx.answers["eligibility_verdict"]`.
"""

from __future__ import annotations

from typing import Any

from conversations.context import Context
from conversations.eligibility import summary
from conversations.eligibility.flow import profile_of
from conversations.eligibility.rules import evaluate
from conversations.flow import HANDLED, Form, Step

NAME = "verdict"
SHOWN = "verdict_details_shown"  # in ctx.state.context once the details have been shown


def _failed(ctx: Context) -> bool:
    verdict = ctx.answers.get("eligibility_verdict")
    return isinstance(verdict, dict) and verdict.get("eligible") is False


def _options(ctx: Context) -> tuple[str, ...]:
    apply = ("apply",) if ctx.services.registry.has_flow("application") else ()
    if _failed(ctx):
        return ("retry", "menu")
    if ctx.state.context.get(SHOWN):
        return (*apply, "menu")
    return ("details", *apply, "menu")


def _vars(ctx: Context) -> dict[str, Any]:
    return {"failed": _failed(ctx), "shown": bool(ctx.state.context.get(SHOWN))}


def _choose(ctx: Context, value: str) -> str:
    if value == "details":
        profile = profile_of(ctx)
        for text in summary.details(ctx, evaluate(profile, ctx.programme), profile):
            ctx.say_text(text)
        ctx.state.context[SHOWN] = True
        ctx.ask_again()
        return HANDLED
    ctx.state.context.pop(SHOWN, None)
    if value == "apply":
        ctx.go("application")
    elif value == "retry":
        ctx.go("eligibility")
    else:
        ctx.go("menu", remember=False)
    return HANDLED


verdict = Form(
    name=NAME,
    steps=[
        Step(
            "next",
            "eligibility.after.question",
            options=_options,
            labels="eligibility.after.options",
            field="",
            on_answer=_choose,
            question_vars=_vars,
        ),
    ],
)
