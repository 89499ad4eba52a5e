"""The blank application form (/form): the filled form's layout with every field empty, for
companies that apply by e-mail. In the company's language: the fields' rules as notes (the chat's
question, whether the field is required, when it applies), a drop-down list where a field has
options, and the version stamp that `japanmall staff import` reads back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from conversations.application.common import zone
from conversations.application.document import (
    NUMBER_FORMATS,
    ApplicationSheet,
    SheetRow,
    SheetSection,
    both_languages,
    offer,
    programme_rows,
)
from conversations.application.fields import FIELDS, KIND, SECTION, SECTIONS, WHEN
from conversations.context import Context, Services
from conversations.events import Inbound, Outbound
from conversations.flow import Step
from conversations.registry import Registry
from storage.application_files import BLANK_FORM
from storage.dialog import StateRow, UserRow


def empty_context(conn: Connection, services: Services, user: UserRow, lang: str, now: datetime) -> Context:
    """A context with no answers yet, outside any conversation: where the form's declared fields
    (their questions, options and parsers) are used on a sheet instead of a chat."""
    ctx = Context(
        conn=conn,
        user=user,
        state=StateRow("application", "sheet", {}, [], {}, 0),
        services=services,
        now=now,
        inbound=Inbound(),
    )
    ctx.set_language(lang)
    return ctx


def note(ctx: Context, step: Step) -> str:
    """A field's rules as the company reads them: what to write (the chat's question, or a text of
    the form's own where the question speaks of the chat), when it applies, whether it is required."""
    own = f"export.form.notes.{step.name}"
    if ctx.services.texts.has(own, ctx.lang):
        lines = [ctx.t(own)]
    else:
        lines = [ctx.t(step.question, **(step.question_vars(ctx) if step.question_vars else {}))]
    if step.name in WHEN:
        lines.append(ctx.t("export.form.only_when"))
    lines.append(ctx.t("export.form.optional" if step.optional else "export.form.required"))
    return "\n".join(lines)


def _row(ctx: Context, step: Step) -> SheetRow:
    choices = tuple(ctx.t(f"{step.labels}.{value}") for value in step.choices(ctx))
    return SheetRow(
        *both_languages(ctx.services.texts, f"application.fields.{step.name}"),
        None,
        NUMBER_FORMATS.get(KIND[step.name], "@"),  # "@": text, so that 法人番号 and JAN keep their zeros
        key=step.name,
        note=note(ctx, step),
        choices=choices,
    )


def build_blank(ctx: Context) -> ApplicationSheet:
    """Every field of the form, empty, by section (ctx.answers should be empty: no field is
    decided yet, so the questions read as they do for a company that has answered nothing)."""
    texts = ctx.services.texts
    sections = tuple(
        SheetSection(
            *both_languages(texts, f"application.sections.{section}"),
            tuple(_row(ctx, step) for step in FIELDS if SECTION[step.name] == section),
        )
        for section in SECTIONS
    )
    title = " / ".join(both_languages(texts, "application.form.title"))
    instructions = ctx.t("export.form.instructions", deadline=ctx.programme.dates.deadline, zone=zone(ctx))
    return ApplicationSheet(title, programme_rows(texts, ctx.programme.id, ctx.lang), sections, instructions)


def blank_name(programme_id: str, lang: str) -> str:
    return f"{programme_id}-form-{lang}.xlsx"


def form_command(ctx: Context, _args: str) -> None:
    """/form: send the blank form (.xlsx) in the company's language; then the question it was on."""
    blank = empty_context(ctx.conn, ctx.services, ctx.user, ctx.lang, ctx.now)
    document = offer(
        ctx, build_blank(blank), folder="forms", name=blank_name(ctx.programme.id, ctx.lang), kind=BLANK_FORM
    )
    if document is None:
        ctx.say("export.form.unavailable")
    else:
        ctx.send(Outbound(ctx.t("export.form.sent"), document=document))
    ctx.ask_again()


def register(registry: Registry) -> None:
    registry.add_command("form", form_command)
