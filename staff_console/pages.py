"""The dashboard, the applications table and one application with its actions."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from conversations.eligibility.rules import ELIGIBILITY_RULES
from conversations.staff import moves
from conversations.staff.review import SIZES
from conversations.statuses import STATUSES, MoveRefused
from conversations.vocab import CHANNELS, LANGUAGES, PRODUCT_CATEGORIES, TRACKS
from staff_console import charts, dashboard, listing, reads
from staff_console.actions import NOTES
from staff_console.auth import Staff, guard
from staff_console.common import back, console, page, text, words
from staff_console.render import parse_day


@guard()
async def home(request: Request, staff: Staff) -> Response:
    c = console(request)
    t = words(request, staff)
    figures = await c.runner.run(_figures, c, t.tz)
    per_day = [(f"{day.month}/{day.day}", count) for day, count in figures.per_day]
    funnel = [(t(f"console.funnel.{stage}"), count) for stage, count in figures.funnel]
    drafts = [(t.label("application.fields", field), count) for field, count in figures.drafts_at]
    return page(
        request,
        staff,
        "dashboard.html",
        figures=figures,
        per_day_chart=charts.columns(per_day, title=t("console.dashboard.per_day")),
        funnel_chart=charts.rows(funnel, title=t("console.dashboard.funnel")),
        drafts_chart=charts.rows(drafts, title=t("console.dashboard.drafts")),
    )


def _figures(c: object, tz: object) -> dashboard.Figures:
    with c.engine.connect() as conn:  # type: ignore[attr-defined]
        return dashboard.figures(conn, c.programme, c.clock(), tz)  # type: ignore[attr-defined]


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.query_params.get(name)
    return value if value in allowed else None


def query_of(request: Request) -> listing.Query:
    params = request.query_params
    page_number = params.get("page", "1")
    return listing.Query(
        status=_choice(request, "status", STATUSES),
        track=_choice(request, "track", TRACKS),
        category=_choice(request, "category", PRODUCT_CATEGORIES),
        size=_choice(request, "size", SIZES),
        priority=_choice(request, "priority", listing.PRIORITIES),
        channel=_choice(request, "channel", CHANNELS),
        lang=_choice(request, "lang", LANGUAGES),
        problems=_choice(request, "problems", listing.PROBLEMS),
        q=(params.get("q") or "").strip()[:100] or None,
        sort=_choice(request, "sort", tuple(listing.SORT_KEYS)) or "reference",
        desc=params.get("desc") == "1",
        page=int(page_number) if page_number.isdigit() else 1,
    )


@guard()
async def applications(request: Request, staff: Staff) -> Response:
    c = console(request)
    query = query_of(request)

    def find() -> listing.Page:
        with c.engine.connect() as conn:
            return listing.find(conn, c.programme, query)

    found = await c.runner.run(find)
    choices = {
        "status": [s for s in STATUSES if s != "draft"],
        "track": TRACKS,
        "category": PRODUCT_CATEGORIES,
        "size": SIZES,
        "priority": listing.PRIORITIES,
        "channel": CHANNELS,
        "lang": LANGUAGES,
        "problems": listing.PROBLEMS,
    }
    return page(
        request, staff, "applications.html", found=found, query=query, params=query.params(), choices=choices
    )


async def _detail(request: Request) -> reads.Detail | None:
    c = console(request)

    def read() -> reads.Detail | None:
        with c.engine.connect() as conn:
            return reads.detail(conn, c.programme, request.path_params["reference"])

    return await c.runner.run(read)


def _not_found(request: Request, staff: Staff) -> Response:
    return page(request, staff, "not_found.html", status_code=404)


@guard()
async def application(request: Request, staff: Staff) -> Response:
    found = await _detail(request)
    if found is None:
        return _not_found(request, staff)
    return _application_page(request, staff, found)


def _application_page(
    request: Request, staff: Staff, found: reads.Detail, *, refused: MoveRefused | None = None
) -> Response:
    notes = found.row.meta.get(NOTES, [])
    return page(
        request,
        staff,
        "application.html",
        d=found,
        notes=notes,
        rules=ELIGIBILITY_RULES,
        refused=refused,
        status_code=409 if refused else 200,
    )


@guard("reviewer")
async def move_preview(request: Request, staff: Staff) -> Response:
    """What the company would be told, in its language, before anything is sent."""
    c = console(request)
    reference = request.path_params["reference"]
    wanted = request.query_params.get("to", "")
    note = (request.query_params.get("note") or "").strip()[:1000] or None
    found = await _detail(request)
    if found is None:
        return _not_found(request, staff)
    try:
        preview = await c.actions.preview_move(reference, wanted, note)
    except MoveRefused as refused:
        return _application_page(request, staff, found, refused=refused)
    return page(request, staff, "move_preview.html", d=found, wanted=wanted, note=note or "", preview=preview)


@guard("reviewer")
async def move(request: Request, staff: Staff) -> Response:
    c = console(request)
    reference = request.path_params["reference"]
    form = await request.form()
    try:
        sent = await c.actions.move(
            staff.actor, reference, text(form, "to", 32), text(form, "note", 1000) or None
        )
    except moves.NotFound:
        return _not_found(request, staff)
    except MoveRefused as refused:
        found = await _detail(request)
        assert found is not None
        return _application_page(request, staff, found, refused=refused)
    return back(f"applications/{reference}", "moved", outcome=sent.outcome)


def _date(value: str) -> date | None:
    """A date as staff type it (2026年3月1日, 2026/3/1, 2026-03-01); None when empty or not a date."""
    return parse_day(value) if value else None


@guard("reviewer")
async def details(request: Request, staff: Staff) -> Response:
    """The sample address, the due dates and the number of samples for this application."""
    reference = request.path_params["reference"]
    form = await request.form()
    units = text(form, "samples_units", 3)
    values = {
        "sample_address": text(form, "sample_address", 500),
        "samples_due": _date(text(form, "samples_due", 40)),
        "samples_units": int(units) if units.isdigit() and 1 <= int(units) <= 100 else None,
        "sales_data_due": _date(text(form, "sales_data_due", 40)),
    }
    try:
        await console(request).actions.set_details(staff.actor, reference, values)
    except moves.NotFound:
        return _not_found(request, staff)
    return back(f"applications/{reference}", "details")


@guard("reviewer")
async def note(request: Request, staff: Staff) -> Response:
    reference = request.path_params["reference"]
    form = await request.form()
    body = text(form, "text", 2000)
    if body:
        try:
            await console(request).actions.add_note(staff.actor, reference, body)
        except moves.NotFound:
            return _not_found(request, staff)
    return back(f"applications/{reference}", "note" if body else None)


@guard()
async def stored_file(request: Request, staff: Staff) -> Response:
    """A material or the filled form, from the files folder only."""
    c = console(request)
    file_id = request.path_params["file_id"]

    def read() -> object:
        with c.engine.connect() as conn:
            return reads.stored_file(conn, file_id)

    found = await c.runner.run(read)
    root = c.files_dir.resolve()
    path = getattr(found, "path", None)
    if found is None or not path:
        return PlainTextResponse("not found", status_code=404)
    full = (root / path).resolve()
    if not full.is_relative_to(root) or not full.is_file():
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(full, filename=found.name, media_type=found.mime or "application/octet-stream")  # type: ignore[attr-defined]
