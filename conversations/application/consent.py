"""Consent to the personal-data notice: asked before the first question about a person, in the
company's language, with the notice text from the programme file (docs/programme-rules.md,
"Personal data"); a company in China (a Chinese subsidiary) also consents separately to the
transfer of its contacts' data abroad (PIPL). The same code reads the chat's answer and the
e-mailed form's consent rows (conversations/application/form_import.py).

A consent is stored as an answer: {"agreed": true, "version": "<notice version>", "at": ISO time,
"via": "chat" | "form"}. One given to an older notice version is asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from conversations import vocab
from conversations.context import Context
from conversations.flow import HANDLED

if TYPE_CHECKING:
    from conversations.programme import Programme

NOTICE = "privacy_consent"
TRANSFER = "privacy_transfer"
KEYS = (NOTICE, TRANSFER)


def needs_transfer(answers: Mapping[str, Any]) -> bool:
    """A company in China: its contacts' data go abroad (to JETRO in Japan)."""
    return answers.get("applicant_type") == vocab.CHINA_SUBSIDIARY


def record(programme: Programme, now: datetime, *, via: str) -> dict[str, Any]:
    return {"agreed": True, "version": programme.privacy.version, "at": now.isoformat(), "via": via}


def given(value: Any, programme: Programme | None = None) -> bool:
    """A consent that holds: agreed, and to the programme's current notice (when it is known)."""
    if not isinstance(value, Mapping) or value.get("agreed") is not True:
        return False
    return programme is None or value.get("version") == programme.privacy.version


def text_of(ctx: Context, name: str) -> str:
    part = ctx.programme.privacy.notice if name == NOTICE else ctx.programme.privacy.transfer
    return part.get(ctx.lang)


def question_vars(name: str) -> Any:
    return lambda ctx: {"notice": text_of(ctx, name)}


def on_answer(name: str) -> Any:
    """Yes: the consent stored with its version and time. No: the form stops, politely, before
    any personal field; the answers so far are kept, and /apply asks again."""

    def answer(ctx: Context, value: Any) -> str | None:
        if value == "yes":
            ctx.answers[name] = record(ctx.programme, ctx.now, via="chat")
            return None
        ctx.answers.pop(name, None)
        ctx.say("privacy.declined")
        from conversations.application.common import to_menu

        to_menu(ctx)
        return HANDLED

    return answer


def summary(answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """What staff see and the application's meta keeps: the versions and times agreed to."""
    notice = answers.get(NOTICE)
    if not given(notice):
        return None
    out = {"version": notice["version"], "at": notice["at"], "via": notice.get("via", "chat")}
    transfer = answers.get(TRANSFER)
    if given(transfer):
        out["transfer_at"] = transfer["at"]
    return out
