"""Commands that work at any step: /start /help /lang /back /cancel (/status is the application's)."""

from __future__ import annotations

from conversations.context import Context
from conversations.registry import Registry
from conversations.vocab import LANGUAGES


def start(ctx: Context, _args: str) -> None:
    ctx.state.back_stack.clear()
    ctx.state.context.pop("return", None)
    ctx.go("menu", remember=False)


def help_(ctx: Context, _args: str) -> None:
    ctx.say("core.help")
    ctx.ask_again()


def lang(ctx: Context, args: str) -> None:
    choice = args.strip().lower()
    if choice in LANGUAGES:
        ctx.set_language(choice)
        ctx.say("core.language.switched")
        if ctx.state.flow == "language":
            ctx.resume()
        else:
            ctx.ask_again()
        return
    if choice:
        ctx.say("core.language.unknown", given=choice[:20])
    ctx.interrupt("language")


def back(ctx: Context, _args: str) -> None:
    stack = ctx.state.back_stack
    if not stack:
        ctx.say("core.back.nothing")
        ctx.ask_again()
        return
    flow, step = stack.pop()
    ctx.state.flow, ctx.state.step = flow, step
    ctx.state.context.pop("options", None)
    ctx.ask_again()


def cancel(ctx: Context, _args: str) -> None:
    ctx.state.back_stack.clear()
    ctx.state.context.pop("return", None)
    ctx.say("core.cancelled")
    ctx.go("menu", remember=False)


def unknown(ctx: Context, name: str) -> None:
    ctx.say("core.unknown_command", name=name[:32])
    ctx.ask_again()


def register(registry: Registry) -> None:
    for name, handler in {
        "start": start,
        "menu": start,
        "help": help_,
        "lang": lang,
        "back": back,
        "cancel": cancel,
    }.items():
        registry.add_command(name, handler)
