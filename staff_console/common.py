"""What every page handler uses: the console's state, the staff member's words, a page, a redirect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from staff_console.auth import PATH, Staff
from staff_console.render import Words, render

if TYPE_CHECKING:
    from staff_console import Console

FLASHES = (
    "moved",
    "details",
    "note",
    "replied",
    "intake_closed",
    "intake_open",
    "account_added",
    "account_disabled",
    "preferences",
    "resumed",
)


def console(request: Request) -> Console:
    return request.app.state.console


def words(request: Request, staff: Staff | None = None, lang: str | None = None) -> Words:
    texts = console(request).texts
    if staff is None:
        return Words(texts, lang if lang in ("ja", "zh") else "ja", "Asia/Tokyo")
    return Words(texts, staff.account.language, staff.account.timezone)


def page(
    request: Request, staff: Staff, name: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    flash = request.query_params.get("done")
    return render(
        name,
        words(request, staff),
        account=staff.account,
        csrf=staff.csrf,
        status_code=status_code,
        programme=console(request).programme,
        here=request.url.path,
        flash=flash if flash in FLASHES else None,
        outcome=request.query_params.get("outcome"),
        **context,
    )


def back(path: str, done: str | None = None, **extra: str) -> RedirectResponse:
    """After a POST: to the page again (the browser's reload does not repeat the action)."""
    query = "&".join(f"{k}={v}" for k, v in {"done": done, **extra}.items() if v)
    return RedirectResponse(f"{PATH}{path.lstrip('/')}{'?' + query if query else ''}", status_code=303)


def text(form: Any, name: str, limit: int = 4000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
