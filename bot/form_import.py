"""Filled application forms (.xlsx, e-mailed to JETRO) into applications: `import_forms`, for the
`japanmall staff import` command and any other caller (a staff console's upload).

Each file is read with the chat's own fields, options, parsers and rules
(conversations/application/form_import.py), checked against the intake rules and the
one-application-per-company rule as a submission in the chat is, and, unless `dry_run`, submitted
in a transaction of its own: a `users` row on the channel "email" (the company has no chat
account; its notices are settled `undeliverable`), the draft, the submission with its reference
and history, and the e-mailed file kept as a `files` row. Imported applications carry
`meta.source = "email"` and go through the same statuses as any other.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from bot.form_reader import FormFile, Unreadable, read_form
from bot.wiring import App
from conversations.application import consent, intake
from conversations.application.blank import empty_context
from conversations.application.check import whole_check
from conversations.application.document import XLSX_MIME
from conversations.application.drafts import collect
from conversations.application.form_import import Problem, Text, read_answers
from conversations.application.submit import reference_for
from conversations.context import Context
from conversations.eligibility import VERDICT_KEY
from conversations.i18n import Texts
from conversations.vocab import EMAIL
from storage import applications as store
from storage.application_files import EMAIL_FORM, add_file
from storage.dialog import UserRow, get_or_create_user, set_language
from storage.intake import lock_intake

log = logging.getLogger(__name__)

SOURCE = "email"  # applications.meta.source of an imported application
Source = Path | bytes | IO[bytes]


@dataclass
class FileResult:
    name: str
    reference: str | None = None  # given when the application was written
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportReport:
    dry_run: bool
    files: list[FileResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.files)

    def lines(self, texts: Texts, lang: str) -> list[str]:
        """One line a file, then one a problem (its cell, its field, the reason), then the totals."""
        out: list[str] = []
        for item in self.files:
            if item.problems:
                out.append(
                    texts.render(lang, "export.import.refused", file=item.name, count=len(item.problems))
                )
                out.extend(_problem_line(texts, lang, problem) for problem in item.problems)
            elif item.reference:
                out.append(
                    texts.render(lang, "export.import.imported", file=item.name, reference=item.reference)
                )
            else:
                out.append(texts.render(lang, "export.import.checked", file=item.name))
        good = sum(1 for item in self.files if item.ok)
        out.append(
            texts.render(
                lang, "export.import.total", good=good, bad=len(self.files) - good, dry_run=self.dry_run
            )
        )
        return out


def explain(texts: Texts, lang: str, problem: Problem) -> tuple[str, str, str]:
    """A problem as staff read it in `lang`: its cell ("" for the whole file), the field's label
    ("" when none) and the reason (the report's line, and the console's table, show these)."""
    variables = {
        name: texts.render(lang, value.key) if isinstance(value, Text) else value
        for name, value in problem.variables.items()
    }
    reason = texts.render(lang, problem.key, **variables)
    label = texts.render(lang, f"application.fields.{problem.field}") if problem.field else ""
    return problem.cell or "", label, reason


def _problem_line(texts: Texts, lang: str, problem: Problem) -> str:
    cell, label, reason = explain(texts, lang, problem)
    return texts.render(lang, "export.import.problem", cell=cell, field=label, reason=reason)


@dataclass
class _Batch:
    app: App
    dry_run: bool
    who: str
    received: datetime | None
    seen: set[str] = field(default_factory=set)  # corporate numbers of this batch (a dry run commits none)


def import_forms(
    app: App,
    sources: Sequence[tuple[str, Source]],
    *,
    dry_run: bool = False,
    who: str = "staff",
    received: datetime | None = None,
) -> ImportReport:
    """Read each (name, file) into an application; with `dry_run` check everything, write nothing.

    `received` is when the forms reached JETRO (default: now): the intake rules (deadline) are
    judged at that moment and the applications are submitted at it, as if sent in the chat then."""
    batch = _Batch(app, dry_run, who, received)
    report = ImportReport(dry_run)
    for name, source in sources:
        content = _content(source)
        result = FileResult(name)
        try:
            form = read_form(content)
        except Unreadable:
            result.problems.append(Problem(None, None, "export.import.unreadable"))
        else:
            _import_one(batch, form, content, result)
        report.files.append(result)
        log.info(
            "form import %s",
            "refused" if result.problems else ("checked" if dry_run else "imported"),
            extra={"reference": result.reference, "problems": len(result.problems)},
        )
    return report


def _content(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, Path):
        return source.read_bytes()
    return source.read()


def _import_one(batch: _Batch, form: FormFile, content: bytes, result: FileResult) -> None:
    app = batch.app
    programme = app.programme
    if not any(not key.startswith("_") for key in form.cells):
        result.problems.append(Problem(None, None, "export.import.not_a_form"))
        return
    if form.version and form.version[0] != programme.id:
        result.problems.append(
            Problem(None, None, "export.import.other_programme", {"given": form.version[0]})
        )
        return
    lang = form.language or "ja"
    now = batch.received or app.services.clock()
    try:
        with app.engine.connect() if batch.dry_run else app.engine.begin() as conn:
            ctx = empty_context(conn, app.services, UserRow(0, EMAIL, "", lang, None, None), lang, now)
            result.problems.extend(read_answers(ctx, form.cells))
            if result.problems:
                return
            # as at a submission in the chat: the company and intake rules under the programme's lock
            last = None if batch.dry_run else lock_intake(conn, programme.id, now)
            result.problems.extend(_company_problems(ctx, form, batch.seen))
            if result.problems:
                raise _Refused
            batch.seen.add(ctx.answers["corporate_number"])
            if last is not None:
                result.reference = _submit(app, ctx, last + 1, content, batch.who)
    except _Refused:
        pass  # rolled back


class _Refused(Exception):
    """Leaves the file's transaction without writing."""


def _company_problems(ctx: Context, form: FormFile, seen: set[str]) -> list[Problem]:
    """The rules of a submission: one application per company, the pre-check not failed, intake open."""
    number = ctx.answers["corporate_number"]
    cell = form.cells["corporate_number"].ref
    first = store.first_for_company(ctx.conn, ctx.programme.id, number)
    if first is not None:
        status = Text(f"core.status_names.{first.status}")
        return [
            Problem(
                cell,
                "corporate_number",
                "export.import.duplicate",
                {"reference": first.reference, "status": status},
            )
        ]
    if number in seen:
        return [Problem(cell, "corporate_number", "export.import.duplicate_in_batch")]
    judged = whole_check(ctx.answers, ctx.programme)  # the same whole check as the chat's submission
    verdict = judged.verdict
    ctx.answers[VERDICT_KEY] = verdict
    if verdict["eligible"] is False:
        return [Problem(None, None, "export.import.not_eligible", {"rules": ", ".join(verdict["failed"])})]
    refused = intake.refusal(ctx)
    return [] if refused is None else [Problem(None, None, refused.key, refused.variables)]


def _submit(app: App, ctx: Context, number: int, content: bytes, who: str) -> str:
    """The application written as a submission in the chat writes it, for an "email" user."""
    conn, answers, programme, now = ctx.conn, ctx.answers, ctx.programme, ctx.now
    corporate_number = answers["corporate_number"]
    user = get_or_create_user(conn, EMAIL, corporate_number, now)
    set_language(conn, user.id, ctx.lang)
    actor = f"{EMAIL}:{corporate_number}"
    application_id = store.create_draft(conn, user_id=user.id, programme=programme.id, actor=actor, now=now)
    data = collect(answers)
    store.save_draft(
        conn,
        user_id=user.id,
        programme=programme.id,
        data=data,
        track=answers.get("track"),
        corporate_number=corporate_number,
        company_name=answers.get("company_name_ja"),
        now=now,
    )
    reference = reference_for(programme.reference_prefix, number)
    meta = {
        "language": ctx.lang,
        "channel": EMAIL,
        "source": SOURCE,
        VERDICT_KEY: answers[VERDICT_KEY],
        "consent": consent.summary(answers),
        "imported_by": who,
        "imported_at": app.services.clock().isoformat(),
    }
    store.submit(
        conn,
        application_id=application_id,
        programme=programme.id,
        number=number,
        reference=reference,
        data=data,
        meta=meta,
        actor=actor,
        now=now,
    )
    path = Path(app.settings.files_dir).expanduser().resolve() / "imports" / f"{reference}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    add_file(
        conn,
        kind=EMAIL_FORM,
        name=path.name,
        path=str(path),
        mime=XLSX_MIME,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        user_id=user.id,
        application_id=application_id,
        now=now,
    )
    return reference
