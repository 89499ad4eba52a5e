"""The question hook: a question is answered wherever it comes, then the user is put back.

Registered in `registry.question_hooks`, it sees every free text before the flow does, and judges
whether it is a question from three things: its shape (questions.py), what it means to the
question being asked (conversations/answers: an option, a value the step's reader takes, or
nothing it can take), and whether the knowledge base is sure of its topic.

- in the middle of a form: a text that reads as one of the options is an answer unless it ends as
  a question ends (「はい？」 is an answer, 「KOLとKOCの違いは何ですか」 a question); a text the step
  takes (a company name) is a question only when it is shaped as one (「法人番号ってどこで調べるの」),
  or holds a question word and the knowledge base is sure of its topic (「截止日期是什么时候」), never
  for a question word alone (「いつもの食品株式会社」, 「何氏食品」); a text the step cannot take is a
  question when it holds a question word or mark (「样品要寄几个」). A question is answered and the
  same form question asked again; nothing is stored;
- at the menu (and as a new user's very first message, or instead of answering the language
  question a new user was asked), a question or any text the knowledge base is sure about is
  answered; a new user then gets the welcome and the menu;
- at the "not sure" options, a text that is not one of them is a new question.
A question the bot is not sure of opens the faq flow's "unsure" step as a side trip.
"""

from __future__ import annotations

import enum

from conversations.answers import askback
from conversations.answers.problems import Ambiguous, Invalid
from conversations.context import Context
from conversations.events import Inbound
from conversations.faq.flow import reply
from conversations.faq.knowledge import default_index
from conversations.faq.questions import MAX_QUESTION, Signal, asks, question_signal
from conversations.flow import Form, read_choice


class Reads(enum.Enum):
    """What a text means to the question being asked."""

    OPTION = "option"  # one of its options (or two, asked back)
    VALUE = "value"  # a value its reader takes (a company name, an amount)
    NOTHING = "nothing"  # nothing it can take
    NO_FORM = "no_form"  # the user is at no form's question


def _reads(ctx: Context, text: str) -> Reads:
    """Read `text` against the current question without storing anything."""
    flow_name, step_name = ctx.here
    flow = ctx.services.registry.flows.get(flow_name)
    if not isinstance(flow, Form) or step_name not in flow.step_names:
        return Reads.NO_FORM
    step = flow.step(step_name)
    here = f"{flow_name}.{step_name}"
    if askback.picks(ctx, here, Inbound(text=text)):
        return Reads.OPTION
    values = step.choices(ctx)
    try:
        if values:
            read_choice(
                ctx, here, values, step.labels, Inbound(text=text), multiple=step.multiple, name=step.name
            )
            return Reads.OPTION
        if step.parse is not None:
            step.parse(ctx, text)
    except Ambiguous:
        return Reads.OPTION if values else Reads.VALUE
    except Invalid:
        return Reads.NOTHING
    return Reads.VALUE


def _mid_form(ctx: Context, text: str, signal: Signal) -> bool:
    if signal is Signal.NONE:
        return False
    reads = _reads(ctx, text)
    if reads is Reads.OPTION:
        return asks(text)
    if reads is Reads.VALUE and signal is not Signal.STRONG:
        return not _only_marked(text) and default_index().match(text).confident
    return True


def _only_marked(text: str) -> bool:
    """A question mark without a question word: 「株式会社ハテナ？」 is still a company name."""
    return question_signal(text.rstrip("?？ 　")) is Signal.NONE


def question_hook(ctx: Context, inbound: Inbound) -> bool:
    """Answer `inbound` if it is a question; True when it was taken (the flow then sees nothing)."""
    text = inbound.text.strip()
    if not text or len(text) > MAX_QUESTION or ctx.here == ("faq", "question"):
        return False  # the faq flow's own question step takes every text itself
    signal = question_signal(text)
    unsure = ctx.state.flow == "faq"  # a new question typed instead of choosing an option
    # a new user asked for a language who wrote in one instead: the language is known now
    fresh_language = ctx.state.flow == "language" and "return" not in ctx.state.context
    at_menu = ctx.state.flow == "menu" or fresh_language
    if unsure or at_menu:
        if _reads(ctx, text) is Reads.OPTION and not asks(text) and signal is not Signal.STRONG:
            return False  # 「応募したいです」 chooses; 「応募はいつまでですか？」「报名截止日期是哪天？」 ask
        if not (unsure or signal is not Signal.NONE or default_index().match(text).confident):
            return False
    elif not _mid_form(ctx, text, signal):
        return False
    match = default_index().match(text)
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
