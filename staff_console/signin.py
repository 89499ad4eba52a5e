"""Signing in and out, the page of a refused action, the staff member's own preferences."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from staff_console.accounts import TIMEZONES
from staff_console.auth import COOKIE, LOGIN_COOKIE, PATH, Staff, guard, same
from staff_console.common import back, console, page, text, words
from staff_console.render import render

LOGIN_CSRF_AGE = 3600


def _login_form(request: Request, *, problem: str | None = None, status_code: int = 200) -> Response:
    auth = console(request).auth
    lang = request.query_params.get("lang") or request.cookies.get("jm_staff_lang") or "ja"
    token = secrets.token_urlsafe(32)
    response = render(
        "login.html",
        words(request, lang=lang),
        account=None,
        csrf=token,
        status_code=status_code,
        problem=problem,
        lang=lang,
    )
    auth.set_cookie(response, LOGIN_COOKIE, token, max_age=LOGIN_CSRF_AGE)
    return response


async def login(request: Request) -> Response:
    auth = console(request).auth
    if request.method == "GET":
        if await auth.staff(request) is not None:
            return RedirectResponse(PATH, status_code=303)
        return _login_form(request)
    form = await request.form()
    if not same(text(form, "csrf", 128), request.cookies.get(LOGIN_COOKIE) or ""):
        return Response("CSRF token missing or wrong", status_code=403, media_type="text/plain")
    address = request.client.host if request.client else "unknown"
    password = form.get("password")
    outcome = await auth.sign_in(
        text(form, "username", 64), password if isinstance(password, str) else "", address
    )
    if outcome.outcome != "ok" or outcome.token is None:
        problem = "locked" if outcome.outcome == "locked" else "wrong"
        return _login_form(request, problem=problem, status_code=429 if problem == "locked" else 401)
    response = RedirectResponse(PATH, status_code=303)
    auth.set_cookie(response, COOKIE, outcome.token)
    auth.forget_cookie(response, LOGIN_COOKIE)
    return response


@guard()
async def logout(request: Request, staff: Staff) -> Response:
    auth = console(request).auth
    await auth.sign_out(staff)
    response = RedirectResponse(f"{PATH}login", status_code=303)
    auth.forget_cookie(response, COOKIE)
    return response


def refused(request: Request) -> Response:
    staff: Staff = request.state.staff
    return page(request, staff, "refused.html", status_code=403)


@guard()
async def preferences(request: Request, staff: Staff) -> Response:
    form = await request.form()
    language = text(form, "language")
    timezone = text(form, "timezone")
    if language not in ("ja", "zh") or timezone not in TIMEZONES:
        return back("", None)
    await console(request).actions.set_preferences(staff.actor, staff.account.id, language, timezone)
    where = text(form, "next", 300)
    if not where.startswith(PATH) or "//" in where:
        where = PATH
    return RedirectResponse(where, status_code=303)
