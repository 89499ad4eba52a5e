"""The "faq" flow: a question in free text, its answer; when unsure, two topics or staff.

    question ──sure──► the answer, then the next question (or back where the user was)
        └─not sure──► unsure: [closest topic] [second topic] [send to staff] [rephrase] [back]

The user's question and its two closest topics wait in `ctx.state.context["faq"]` while the
"unsure" step is open. An enquiry for staff is one `enquiries` row (storage/enquiries.py).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from conversations.context import Context
from conversations.faq.index import Match
from conversations.faq.knowledge import answer, default_index
from conversations.faq.questions import MAX_QUESTION
from conversations.faq.several import topics as asked_in
from conversations.flow import FINISH, Form, Invalid, Step, targets
from conversations.numerals import is_number
from storage.enquiries import create_enquiry, latest_application_id

log = logging.getLogger(__name__)

PENDING = "faq"  # context: {"question": text, "topics": [entry, entry]} while the bot is unsure
AGAIN = "faq_again"  # context: a question was answered; the prompt says "any other question?"
FALLBACK_TOPICS = ("how_to_apply", "contact")
# option values of the "unsure" step are label keys under "faq." (Step.labels = "faq")
ENQUIRY, RETRY, BACK = "choices.enquiry", "choices.retry", "choices.back"


def topic_value(entry: str) -> str:
    return f"entries.{entry}.title"


def topic_of(value: str) -> str | None:
    head, tail = "entries.", ".title"
    return value[len(head) : -len(tail)] if value.startswith(head) and value.endswith(tail) else None


def reply(ctx: Context, text: str, match: Match | None = None) -> bool:
    """Answer `text` when sure (True): each of its questions when it asks several; else keep it
    with its two closest topics (False)."""
    asked = asked_in(default_index(), text)
    if asked:
        ctx.state.context.pop(PENDING, None)
        ctx.state.context[AGAIN] = True
        for entry, _match in asked:
            ctx.say_text(answer(ctx, entry))
        log.info("faq answered", extra={"user_id": ctx.user.id, "entries": [entry for entry, _ in asked]})
        return True
    match = match or default_index().match(text)
    if match.confident and match.best is not None:
        ctx.state.context.pop(PENDING, None)
        ctx.state.context[AGAIN] = True
        ctx.say_text(answer(ctx, match.best))
        log.info("faq answered", extra={"user_id": ctx.user.id, "entry": match.best})
        return True
    topics = match.closest(2)
    for fallback in FALLBACK_TOPICS:
        if len(topics) < 2 and fallback not in topics:
            topics.append(fallback)
    ctx.state.context[PENDING] = {"question": text[:MAX_QUESTION], "topics": topics}
    log.info("faq unsure", extra={"user_id": ctx.user.id, "topics": topics})
    return False


def _start(ctx: Context) -> str | None:
    ctx.state.context.pop(PENDING, None)
    ctx.state.context.pop(AGAIN, None)
    return None


def _read_question(_ctx: Context, text: str) -> str:
    if len(text) > MAX_QUESTION:
        raise Invalid("faq.ui.too_long", limit=MAX_QUESTION)
    if is_number(unicodedata.normalize("NFKC", text).rstrip(".)")):
        raise Invalid("faq.ui.words_please")  # a number from an earlier menu, not a question
    return text


def _on_question(ctx: Context, text: str) -> str | None:
    reply(ctx, text)
    return None


def _unsure_options(ctx: Context) -> list[str]:
    pending = ctx.state.context.get(PENDING) or {}
    topics = [topic_value(entry) for entry in pending.get("topics", FALLBACK_TOPICS)]
    known = [value for value in topics if ctx.services.texts.has(f"faq.{value}", ctx.lang)]
    return [*known, ENQUIRY, RETRY, BACK]


def _on_unsure(ctx: Context, value: str) -> str | None:
    pending: dict[str, Any] = ctx.state.context.pop(PENDING, None) or {}
    entry = topic_of(value)
    if entry is not None:
        ctx.state.context[AGAIN] = True
        ctx.say_text(answer(ctx, entry))
        return None
    if value == ENQUIRY:
        if not pending.get("question"):
            ctx.say("faq.ui.nothing_to_send")
            return "question"
        enquiry_id = create_enquiry(
            ctx.conn,
            user_id=ctx.user.id,
            language=ctx.lang,
            question=pending["question"],
            now=ctx.now,
            application_id=latest_application_id(ctx.conn, ctx.user.id),
        )
        log.info("enquiry created", extra={"enquiry_id": enquiry_id, "user_id": ctx.user.id})
        ctx.say("faq.ui.enquiry_sent")
        ctx.state.context[AGAIN] = True
        return None
    if value == RETRY:
        ctx.state.context.pop(AGAIN, None)
        return "question"
    return FINISH  # BACK: to where the user was, or the menu


@targets("question", "unsure", FINISH)
def _next(ctx: Context, _value: Any) -> str:
    """After an answer: unsure → the options; else the next question, or back where the user was."""
    if ctx.state.context.get(PENDING):
        return "unsure"
    return FINISH if "return" in ctx.state.context else "question"


faq = Form(
    name="faq",
    on_enter=_start,
    steps=[
        Step(
            "question",
            "faq.ui.ask",
            parse=_read_question,
            field="",
            on_answer=_on_question,
            next=_next,
            question_vars=lambda ctx: {"again": bool(ctx.state.context.get(AGAIN))},
        ),
        Step(
            "unsure",
            "faq.ui.unsure",
            options=_unsure_options,
            labels="faq",
            field="",
            on_answer=_on_unsure,
            next=_next,
        ),
    ],
)
