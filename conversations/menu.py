"""The welcome menu and the language choice."""

from __future__ import annotations

from conversations.context import Context
from conversations.flow import HANDLED, Form, Step

# Menu entry -> the flow that serves it. A flow not yet registered is said to be unavailable.
MENU = {"check": "eligibility", "apply": "application", "ask": "faq", "status": "status", "lang": "language"}


def _choose(ctx: Context, value: str) -> str:
    target = MENU[value]
    if target == "status":
        ctx.services.registry.commands["status"](ctx, "")
        return HANDLED
    if not ctx.services.registry.has_flow(target):
        ctx.say(f"core.not_available.{value}")
        ctx.ask_again()
        return HANDLED
    if target == "language":
        ctx.interrupt("language")
    else:
        ctx.go(target)
    return HANDLED


def _set_language(ctx: Context, value: str) -> str:
    first_time = not ctx.language_known
    ctx.set_language(value)
    ctx.say("core.language.switched")
    if first_time or "return" not in ctx.state.context:
        ctx.state.context.pop("return", None)
        ctx.go("menu", remember=False)
    else:
        ctx.resume()
    return HANDLED


def _welcome(ctx: Context) -> str | None:
    ctx.say("core.welcome")
    return None


menu = Form(
    name="menu",
    on_enter=_welcome,
    steps=[
        Step(
            "choose",
            "core.menu_question",
            options=tuple(MENU),
            labels="core.menu",
            field="",
            on_answer=_choose,
        ),
    ],
)

language = Form(
    name="language",
    steps=[
        Step(
            "choose",
            "core.language.question",
            options=("ja", "zh"),
            labels="core.language.names",
            field="",
            on_answer=_set_language,
        ),
    ],
)
