"""The welcome menu and the language choice."""

from __future__ import annotations

from conversations import phase
from conversations.context import Context
from conversations.flow import HANDLED, Form, Step
from conversations.registry import Registry
from conversations.vocab import LANGUAGES

# Menu entry -> the flow it opens, or the command it runs (checked when the registry is built).
FLOWS = {"check": "eligibility", "apply": "application", "ask": "faq"}
COMMANDS = {"status": "status"}
MENU = ("check", "apply", "ask", "status", "lang")


def _choose(ctx: Context, value: str) -> str:
    if value in COMMANDS:
        ctx.services.registry.command(COMMANDS[value])(ctx, "")
    elif value == "lang":
        ctx.interrupt("language")
    else:
        ctx.go(FLOWS[value])
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
    now = phase.current(ctx)  # the greeting speaks from the programme's phase
    if now.intake_open:
        ctx.say("core.welcome")
    else:
        phase.say(ctx, "welcome", now)
    return None


menu = Form(
    name="menu",
    on_enter=_welcome,
    steps=[
        Step(
            "choose",
            "core.menu_question",
            options=MENU,
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
            options=LANGUAGES,
            labels="core.language.names",
            field="",
            on_answer=_set_language,
        ),
    ],
)


def register(registry: Registry) -> None:
    """The menu and the language question; the menu's entries must lead somewhere."""
    registry.add_flow(menu)
    registry.add_flow(language)
    registry.needs_flows("the menu", FLOWS.values())
    registry.needs_commands("the menu", COMMANDS.values())
