"""Filled application forms uploaded to the console: checked first, then imported.

The same code as `japanmall staff import` (bot/form_import.py `import_forms`): the upload is
checked with `dry_run` (each file's line of the report, each bad cell with its reference and
reason, in the staff member's language) and the very files checked are kept, for a short while,
under the files folder; "import" then runs `import_forms` on them for real and deletes them. Like
staff_console/actions.py this module reaches into bot/ (the import needs the bot's `App`, which
the console's actions hold); it writes nothing itself but the audit rows and the kept uploads.

Limits: at most MAX_FILES files and MAX_REQUEST bytes a request (the Content-Length is checked
before the body is read; a request without one is refused), and each file as bot/form_reader.py
bounds it (its size, its rows; openpyxl reads the XML through defusedxml).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import time as clock_time
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from staff_console.auth import PATH, Staff, guard
from staff_console.common import console, page, text
from staff_console.render import parse_day, parse_time
from storage import staff_accounts as audit_store

if TYPE_CHECKING:
    from bot.form_import import ImportReport

log = logging.getLogger(__name__)

MAX_FILES = 20
MAX_REQUEST = 20 * 1024 * 1024  # a form is some 30 KB; bot/form_reader.py refuses one over 5 MB
KEEP_FOR = 3600  # seconds an upload checked and not imported is kept
FOLDER = "console-uploads"  # under the files folder
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class FileView:
    """One file of the report: its line (the CLI's words) and its problems (cell, field, reason)."""

    name: str
    line: str
    reference: str | None
    problems: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReportView:
    dry_run: bool
    files: list[FileView]
    total: str
    importable: int  # files found right (what "import" would take)


def report_view(report: ImportReport, texts: Any, lang: str) -> ReportView:
    from bot.form_import import explain

    files = []
    for item in report.files:
        if item.problems:
            key, variables = "export.import.refused", {"count": len(item.problems)}
        elif item.reference:
            key, variables = "export.import.imported", {"reference": item.reference}
        else:
            key, variables = "export.import.checked", {}
        line = texts.render(lang, key, file=item.name, **variables)
        problems = [explain(texts, lang, problem) for problem in item.problems]
        files.append(FileView(item.name, line, item.reference, problems))
    return ReportView(
        report.dry_run, files, report.lines(texts, lang)[-1], sum(1 for item in report.files if item.ok)
    )


# -- the kept uploads ------------------------------------------------------------------------------
def _root(files_dir: Path) -> Path:
    return files_dir.expanduser().resolve() / FOLDER


def _forget_old(root: Path) -> None:
    if not root.is_dir():
        return
    for kept in root.iterdir():
        if kept.is_dir() and clock_time.time() - kept.stat().st_mtime > KEEP_FOR:
            shutil.rmtree(kept, ignore_errors=True)


def keep(files_dir: Path, account_id: int, files: list[tuple[str, bytes]], received: datetime | None) -> str:
    """The files kept for the import that may follow the check; the token that names them."""
    root = _root(files_dir)
    _forget_old(root)
    token = secrets.token_urlsafe(32)
    folder = root / token
    folder.mkdir(parents=True, mode=0o700)
    for number, (_name, content) in enumerate(files):
        (folder / f"{number}.xlsx").write_bytes(content)
    manifest = {
        "account": account_id,
        "names": [name for name, _content in files],
        "received": received.isoformat() if received else None,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return token


def kept(
    files_dir: Path, token: str, account_id: int
) -> tuple[Path, list[tuple[str, bytes]], datetime | None] | None:
    """The files a check kept under `token`, for the account that uploaded them; None if gone."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = _root(files_dir) / token
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("account") != account_id:
        return None
    files = [(name, (folder / f"{n}.xlsx").read_bytes()) for n, name in enumerate(manifest["names"])]
    received = datetime.fromisoformat(manifest["received"]) if manifest.get("received") else None
    return folder, files, received


# -- the pages -------------------------------------------------------------------------------------
def _form_page(
    request: Request, staff: Staff, *, problem: str | None = None, status_code: int = 200, **context: Any
) -> Response:
    defaults: dict[str, Any] = {"report": None, "token": None, "received_date": "", "received_time": ""}
    today = console(request).clock().astimezone(ZoneInfo(staff.account.timezone)).date()
    return page(
        request,
        staff,
        "import.html",
        problem=problem,
        max_files=MAX_FILES,
        today=today,
        max_mb=MAX_REQUEST // (1024 * 1024),
        status_code=status_code,
        **{**defaults, **context},
    )


def limited(endpoint: Any) -> Any:
    """Refuse an upload larger than MAX_REQUEST before its body is read (a stranger is still sent to
    the sign-in page first, as by `guard`)."""

    @wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) <= MAX_REQUEST:
            return await endpoint(request)
        staff = await console(request).auth.staff(request)
        if staff is None:
            return RedirectResponse(f"{PATH}login", status_code=303)
        log.warning("staff console: an upload over the size limit refused", extra={"bytes": length or None})
        return _form_page(request, staff, problem="too_large", status_code=413)

    return wrapped


@guard("reviewer")
async def import_page(request: Request, staff: Staff) -> Response:
    return _form_page(request, staff)


def _received(form: Any, zone: str) -> datetime | str | None:
    """When the e-mails arrived, in the staff member's time zone; None: now; "bad": unreadable."""
    day_text, time_text = text(form, "received_date", 40), text(form, "received_time", 40)
    if not day_text and not time_text:
        return None
    day: date | None = parse_day(day_text)
    at: time | None = parse_time(time_text) if time_text else time(0, 0)
    if day is None or at is None:
        return "bad"
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone))


async def _run(
    request: Request,
    staff: Staff,
    files: list[tuple[str, bytes]],
    received: datetime | None,
    *,
    dry_run: bool,
) -> ReportView:
    from bot.form_import import import_forms

    c = console(request)
    app = c.actions.app  # the bot's App the actions are built on (bot/server.py)
    report = await c.runner.run(
        partial(import_forms, app, files, dry_run=dry_run, who=staff.actor, received=received)
    )
    references = [item.reference for item in report.files if item.reference]

    def audit() -> None:
        with c.engine.begin() as conn:
            audit_store.audit(
                conn,
                actor=staff.actor,
                action="import_check" if dry_run else "import",
                target=", ".join(references)[:500] or None,
                now=c.clock(),
                files=len(files),
                refused=sum(1 for item in report.files if not item.ok),
            )

    await c.runner.run(audit)
    return report_view(report, c.texts, staff.account.language)


@guard("reviewer")
async def check(request: Request, staff: Staff) -> Response:
    """The dry run of the uploaded files; the same files kept for the import."""
    c = console(request)
    form = await request.form()
    uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile) and item.filename]
    received = _received(form, staff.account.timezone)
    values = {name: text(form, name, 40) for name in ("received_date", "received_time")}
    if not uploads:
        return _form_page(request, staff, problem="no_files", status_code=400, **values)
    if len(uploads) > MAX_FILES:
        return _form_page(request, staff, problem="too_many", status_code=400, **values)
    if received == "bad":
        return _form_page(request, staff, problem="bad_received", status_code=400, **values)
    assert not isinstance(received, str)
    files = [(Path(item.filename or "form.xlsx").name[:200], await item.read()) for item in uploads]
    report = await _run(request, staff, files, received, dry_run=True)
    token = None
    if report.importable:
        token = await c.runner.io(keep, c.files_dir, staff.account.id, files, received)
    return _form_page(request, staff, report=report, token=token, **values)


@guard("reviewer")
async def run(request: Request, staff: Staff) -> Response:
    """The files the check kept, imported for real (checked again: the database may have moved)."""
    c = console(request)
    form = await request.form()
    found = await c.runner.io(kept, c.files_dir, text(form, "token", 64), staff.account.id)
    if found is None:
        return _form_page(request, staff, problem="expired", status_code=410)
    folder, files, received = found
    try:
        report = await _run(request, staff, files, received, dry_run=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _form_page(request, staff, report=report)
