"""The question hook: a question is answered wherever it comes, then the user is put back.

Registered in `registry.question_hooks`, it sees every free text before the flow does:
- in the middle of a form, a text that is clearly a question (questions.Signal.STRONG), or one
  that opens like a question and that the knowledge base is sure about, is answered and the same
  form question is asked again; anything else ("はい", 120, a company name) goes to the form;
- at the menu (and as a new user's very first message, or instead of answering the language
  question a new user was asked), a question or any text the knowledge base is sure about is
  answered; a new user then gets the welcome and the menu;
- at the "not sure" options, a text that is not one of them is a new question.
A question the bot is not sure of opens the faq flow's "unsure" step as a side trip.
"""

from __future__ import annotations

from conversations.context import Context
from conversations.events import Inbound
from conversations.faq.flow import reply
from conversations.faq.knowledge import default_index
from conversations.faq.questions import MAX_QUESTION, Signal, question_signal
from conversations.flow import Form, Invalid, read_choice

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _answers_current_step(ctx: Context, inbound: Inbound) -> bool:
    """A number, or one of the current question's options typed out ("はい？" too): an answer."""
    text = inbound.text.strip().rstrip("?？")
    if text.translate(_FULLWIDTH_DIGITS).rstrip(".)．").isdigit():
        return True
    flow_name, step_name = ctx.here
    flow = ctx.services.registry.flows.get(flow_name)
    if not isinstance(flow, Form):
        return False
    try:
        step = flow.step(step_name)
    except KeyError:
        return False
    values = step.choices(ctx)
    if not values:
        return False
    try:
        read_choice(ctx, f"{flow_name}.{step_name}", values, step.labels, Inbound(text=text))
    except Invalid:
        return False
    return True


def question_hook(ctx: Context, inbound: Inbound) -> bool:
    """Answer `inbound` if it is a question; True when it was taken (the flow then sees nothing)."""
    text = inbound.text.strip()
    if not text or len(text) > MAX_QUESTION or ctx.here == ("faq", "question"):
        return False  # the faq flow's own question step takes every text itself
    if _answers_current_step(ctx, inbound):
        return False
    signal = question_signal(text)
    unsure = ctx.state.flow == "faq"  # a new question typed instead of choosing an option
    # a new user asked for a language who wrote in one instead: the language is known now
    fresh_language = ctx.state.flow == "language" and "return" not in ctx.state.context
    at_menu = ctx.state.flow == "menu" or fresh_language
    if signal is Signal.NONE and not (unsure or at_menu):
        return False
    match = default_index().match(text)
    taken = match.confident or signal is Signal.STRONG or unsure or (at_menu and signal is Signal.WEAK)
    if not taken:
        return False
    first_message = ctx.state.version == 0 or fresh_language
    if fresh_language:
        ctx.move("menu", "choose", remember=False)
    if reply(ctx, text, match):
        if unsure and "return" in ctx.state.context:
            ctx.resume()
        elif unsure:
            ctx.go("faq", "question", remember=False)
        elif first_message:
            ctx.go("menu", remember=False)
        else:
            ctx.ask_again()
    elif unsure:
        ctx.ask_again()
    else:
        ctx.interrupt("faq", "unsure")
    return True
