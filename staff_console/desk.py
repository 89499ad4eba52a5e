"""Enquiries, broadcasts, export and intake, the audit log and the accounts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from conversations.statuses import STATUSES
from conversations.vocab import CHANNELS, LANGUAGES, TRACKS
from staff_console import accounts, reads
from staff_console.actions import Segment
from staff_console.auth import Staff, guard
from staff_console.common import back, console, page, text
from storage import intake

PER_PAGE = 50


# -- enquiries -------------------------------------------------------------------------------------
@guard()
async def enquiries(request: Request, staff: Staff) -> Response:
    c = console(request)
    show = request.query_params.get("show", "open")

    def read() -> list[reads.EnquiryView]:
        with c.engine.connect() as conn:
            return reads.enquiries(conn, open_only=show != "all")

    return page(request, staff, "enquiries.html", items=await c.runner.run(read), show=show)


@guard("reviewer")
async def reply(request: Request, staff: Staff) -> Response:
    form = await request.form()
    answer = text(form, "answer", 2000)
    enquiry_id = request.path_params["enquiry_id"]
    if not answer:
        return back("enquiries", None)
    try:
        sent = await console(request).actions.reply(staff.actor, enquiry_id, answer)
    except LookupError:
        return page(request, staff, "not_found.html", status_code=404)
    return back("enquiries", "replied", outcome=sent.outcome)


# -- broadcasts ------------------------------------------------------------------------------------
def _segment(form: object) -> Segment:
    def many(name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in form.getlist(name) if v in allowed)  # type: ignore[attr-defined]

    references = text(form, "references", 2000).replace(",", " ").split()
    return Segment(
        statuses=many("status", STATUSES),
        tracks=many("track", TRACKS),
        languages=many("lang", LANGUAGES),
        channels=many("channel", CHANNELS),
        references=tuple(r.upper()[:32] for r in references),
    )


def _choices() -> dict[str, tuple[str, ...]]:
    return {
        "status": tuple(s for s in STATUSES if s != "draft"),
        "track": TRACKS,
        "lang": LANGUAGES,
        "channel": CHANNELS,
    }


@guard()
async def broadcasts(request: Request, staff: Staff) -> Response:
    c = console(request)

    def read() -> list[object]:
        with c.engine.connect() as conn:
            return list(reads.recent_broadcasts(conn))

    rows = await c.runner.run(read)
    return page(request, staff, "broadcasts.html", rows=rows, choices=_choices(), form={}, segment=None)


@guard("admin")
async def broadcast_preview(request: Request, staff: Staff) -> Response:
    """The dry run: who would receive it, per channel and language, and both texts."""
    c = console(request)
    form = await request.form()
    segment = _segment(form)
    texts = {"ja": text(form, "text_ja"), "zh": text(form, "text_zh")}
    counts = await c.actions.dry_run(segment)
    values = {"text_ja": texts["ja"], "text_zh": texts["zh"], "references": text(form, "references", 2000)}
    return page(
        request,
        staff,
        "broadcast_preview.html",
        segment=segment,
        counts=counts,
        total=sum(counts.values()),
        texts=texts,
        form=values,
        missing=not (texts["ja"] and texts["zh"]),
        choices=_choices(),
    )


@guard("admin")
async def broadcast_send(request: Request, staff: Staff) -> Response:
    form = await request.form()
    ja, zh = text(form, "text_ja"), text(form, "text_zh")
    if not (ja and zh) or form.get("confirm") != "yes":
        return back("broadcasts", None)
    broadcast_id = await console(request).actions.start_broadcast(staff.actor, _segment(form), ja, zh)
    return back(f"broadcasts/{broadcast_id}")


@guard()
async def broadcast(request: Request, staff: Staff) -> Response:
    progress = await console(request).actions.progress(request.path_params["broadcast_id"])
    if progress is None:
        return page(request, staff, "not_found.html", status_code=404)
    return page(request, staff, "broadcast.html", p=progress)


@guard("admin")
async def broadcast_resume(request: Request, staff: Staff) -> Response:
    broadcast_id = request.path_params["broadcast_id"]
    try:
        await console(request).actions.resume_broadcast(staff.actor, broadcast_id)
    except LookupError:
        return page(request, staff, "not_found.html", status_code=404)
    return back(f"broadcasts/{broadcast_id}", "resumed")


# -- export and intake -----------------------------------------------------------------------------
@guard()
async def intake_page(request: Request, staff: Staff) -> Response:
    c = console(request)

    def read() -> bool:
        with c.engine.connect() as conn:
            return intake.intake_closed(conn, c.programme.id)

    closed = await c.runner.run(read)
    return page(
        request, staff, "intake.html", closed=closed, deadline_passed=c.clock() > c.programme.dates.deadline
    )


@guard("admin")
async def intake_switch(request: Request, staff: Staff) -> Response:
    form = await request.form()
    closed = form.get("intake") == "close"
    await console(request).actions.set_intake(staff.actor, closed)
    return back("intake", "intake_closed" if closed else "intake_open")


@guard()
async def export(request: Request, staff: Staff) -> Response:
    """The file `japanmall staff export` writes, as a download; deleted once sent."""
    kind = request.path_params["kind"]
    if kind not in ("xlsx", "csv"):
        return page(request, staff, "not_found.html", status_code=404)
    suffix = f".{kind}"
    handle, name = tempfile.mkstemp(suffix=suffix, prefix="japanmall-export-")  # mode 0600
    os.close(handle)
    path = Path(name)
    await console(request).actions.export(staff.actor, path, staff.account.language)
    stamp = console(request).clock().strftime("%Y%m%d")
    return FileResponse(
        path, filename=f"japanmall-{stamp}{suffix}", background=BackgroundTask(path.unlink, missing_ok=True)
    )


# -- the audit log and the accounts ----------------------------------------------------------------
@guard("admin")
async def audit(request: Request, staff: Staff) -> Response:
    c = console(request)
    number = request.query_params.get("page", "1")
    page_number = int(number) if number.isdigit() and int(number) > 0 else 1

    def read() -> tuple[int, list[object]]:
        with c.engine.connect() as conn:
            total, rows = reads.audit(conn, page_number, PER_PAGE)
            return total, list(rows)

    total, rows = await c.runner.run(read)
    pages = max(1, -(-total // PER_PAGE))
    return page(request, staff, "audit.html", rows=rows, page_number=page_number, pages=pages, total=total)


@guard("admin")
async def staff_accounts(request: Request, staff: Staff) -> Response:
    c = console(request)
    rows = await c.runner.run(accounts.listing, c.engine)
    return page(request, staff, "accounts.html", rows=rows, roles=accounts.ROLES, problem=None)


@guard("admin")
async def account_add(request: Request, staff: Staff) -> Response:
    c = console(request)
    form = await request.form()
    password = form.get("password")
    try:
        await c.actions.add_account(
            staff.actor,
            text(form, "username", 64),
            text(form, "role", 16),
            password if isinstance(password, str) else "",
            text(form, "language", 2) or "ja",
        )
    except accounts.AccountError as problem:
        rows = await c.runner.run(accounts.listing, c.engine)
        return page(
            request,
            staff,
            "accounts.html",
            rows=rows,
            roles=accounts.ROLES,
            problem=str(problem),
            status_code=400,
        )
    return back("accounts", "account_added")


@guard("admin")
async def account_disable(request: Request, staff: Staff) -> Response:
    try:
        await console(request).actions.disable_account(staff.actor, request.path_params["username"])
    except accounts.AccountError:
        return page(request, staff, "not_found.html", status_code=404)
    return back("accounts", "account_disabled")
