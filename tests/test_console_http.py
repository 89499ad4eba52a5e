"""The staff console over real HTTP: sign-in, sessions, CSRF, the lockout, roles, headers, logs."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from staff_console import accounts
from staff_console.routes import routes
from storage.models import StaffAudit, StaffSession
from tests.console_kit import PASSWORD, account, browser_client, csrf_of, serving, sign_in, signed_in
from tests.staff_kit import history, reload, submitted


@pytest.fixture
def served(app):
    with serving(app) as url:
        yield url


def audit_count(app, action: str) -> int:
    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).where(StaffAudit.__table__.c.action == action)).scalar_one()


def test_sign_in_opens_the_dashboard_with_a_safe_cookie_and_the_security_headers(app, served):
    account(app, "hanako", "viewer")
    http = browser_client(served)
    response = sign_in(http, "hanako")
    assert response.status_code == 303 and response.headers["location"] == "/staff/"
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("jm_staff=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff/" in cookie
    assert "Secure" not in cookie  # JAPANMALL_PUBLIC_URL is not https here
    page = http.get("/staff/")
    assert page.status_code == 200 and "ダッシュボード" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp  # nothing from another origin
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", page.text)  # no CDN
    assert " style=" not in page.text and "<style" not in page.text  # the CSP allows no inline style


def test_the_cookie_is_secure_when_the_public_url_is_https(app):
    app.settings = app.settings.model_copy(update={"public_url": "https://bot.example.jp"})
    account(app, "hanako", "viewer")
    with serving(app) as url:
        http = browser_client(url)
        form = http.get("/staff/login")  # a browser would send the Secure cookie back over https only
        token = csrf_of(form)
        response = http.post(
            "/staff/login",
            data={"username": "hanako", "password": PASSWORD, "csrf": token},
            headers={"cookie": f"jm_staff_login={token}"},
        )
    assert "Secure" in form.headers["set-cookie"]
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("jm_staff=")
    )
    assert "Secure" in cookie


def _paths(reference: str) -> list[tuple[str, str]]:
    values = {
        "reference": reference,
        "file_id": "1",
        "enquiry_id": "1",
        "broadcast_id": "1",
        "username": "hanako",
        "kind": "xlsx",
    }
    found = []
    for route in routes():
        path = getattr(route, "path", "")
        if path in ("/login", "/static"):
            continue
        filled = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values[m.group(1)], path)
        found.extend((method, "/staff" + filled) for method in sorted(route.methods - {"HEAD"}))
    return found


def test_every_page_redirects_a_stranger_to_the_sign_in_and_reveals_nothing(app, served):
    row = submitted(app, status="under_review")
    account(app, "hanako", "admin")
    stranger = browser_client(served)
    paths = _paths(row.reference)
    assert len(paths) >= 20
    for method, path in paths:
        response = stranger.request(method, path, data={"to": "accepted"})
        assert response.status_code == 303, (method, path)
        assert response.headers["location"] == "/staff/login", (method, path)
        assert response.text == "", (method, path)
        assert response.headers["x-frame-options"] == "DENY"
    assert reload(app, row).status == "under_review"
    # a made-up or stolen-looking cookie is no better
    stranger.cookies.set("jm_staff", "x" * 43, path="/staff/")
    assert stranger.get("/staff/applications").status_code == 303


def test_a_post_without_the_csrf_token_gets_403_and_changes_nothing(app, served):
    row = submitted(app, status="under_review")
    account(app, "ken", "admin")
    http = signed_in(served, "ken")
    moved_before = audit_count(app, "move")
    for data in ({"to": "accepted"}, {"to": "accepted", "csrf": "forged"}):
        response = http.post(f"/staff/applications/{row.reference}/move", data=data)
        assert response.status_code == 403
    assert http.post("/staff/intake", data={"intake": "close"}).status_code == 403
    assert http.post("/staff/enquiries/1/reply", data={"answer": "x"}).status_code == 403
    assert reload(app, row).status == "under_review"
    assert [h.to_status for h in history(app, row)][-1] == "under_review"
    assert audit_count(app, "move") == moved_before and audit_count(app, "intake_close") == 0
    # the sign-in form has its own token: no token, no session
    stranger = browser_client(served)
    response = stranger.post("/staff/login", data={"username": "ken", "password": PASSWORD})
    assert response.status_code == 403 and "jm_staff=" not in response.headers.get("set-cookie", "")


def test_with_the_token_a_reviewer_moves_and_a_viewer_is_refused(app, served):
    row = submitted(app, status="under_review")
    account(app, "viewer1", "viewer")
    account(app, "reviewer1", "reviewer")
    viewer = signed_in(served, "viewer1")
    page = viewer.get(f"/staff/applications/{row.reference}")
    assert page.status_code == 200 and "お知らせを確認する" not in page.text  # no move form for a viewer
    refused = viewer.post(
        f"/staff/applications/{row.reference}/move", data={"to": "accepted", "csrf": csrf_of(page)}
    )
    assert refused.status_code == 403 and "この操作はできません" in refused.text
    assert reload(app, row).status == "under_review"
    reviewer = signed_in(served, "reviewer1")
    page = reviewer.get(f"/staff/applications/{row.reference}")
    done = reviewer.post(
        f"/staff/applications/{row.reference}/move", data={"to": "accepted", "csrf": csrf_of(page)}
    )
    assert done.status_code == 303
    assert reload(app, row).status == "accepted"
    assert history(app, row)[-1].actor == "console:reviewer1"
    assert audit_count(app, "move") == 1
    assert reviewer.post("/staff/intake", data={"intake": "close", "csrf": csrf_of(page)}).status_code == 403


def test_five_failed_sign_ins_lock_the_account_for_fifteen_minutes(app, served, clock, caplog):
    account(app, "hanako", "reviewer")
    http = browser_client(served)
    for _ in range(accounts_lock := 5):
        assert sign_in(http, "hanako", "wrong password!").status_code == 401
    with caplog.at_level(logging.INFO):
        locked = sign_in(http, "hanako")  # the right password, but locked
    assert accounts_lock == 5
    assert locked.status_code == 429 and "15分" in locked.text
    assert any("locked" in r.getMessage() for r in caplog.records)
    assert audit_count(app, "sign_in_locked") == 1
    clock.advance(minutes=14)
    assert sign_in(http, "hanako").status_code == 429
    clock.advance(minutes=1, seconds=1)
    assert sign_in(http, "hanako").status_code == 303


def test_five_failures_from_one_address_lock_every_name_tried_from_it(app, served, clock):
    account(app, "hanako", "reviewer")
    http = browser_client(served)
    for number in range(5):
        assert sign_in(http, f"guess{number}", "wrong password!").status_code == 401
    assert sign_in(http, "hanako").status_code == 429  # same address (127.0.0.1)
    clock.advance(minutes=16)
    assert sign_in(http, "hanako").status_code == 303


def test_a_disabled_accounts_session_stops_working_at_once(app, served):
    account(app, "hanako", "reviewer")
    http = signed_in(served, "hanako")
    assert http.get("/staff/applications").status_code == 200
    assert accounts.disable(app.engine, app.services.clock, "hanako") == 1
    response = http.get("/staff/applications")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    assert sign_in(browser_client(served), "hanako").status_code == 401  # and it cannot sign in again


def test_sign_out_and_a_new_password_revoke_the_session_and_idle_sessions_expire(app, served, clock):
    account(app, "hanako", "viewer")
    http = signed_in(served, "hanako")
    page = http.get("/staff/")
    cookie = http.cookies.get("jm_staff")
    assert http.post("/staff/logout", data={"csrf": csrf_of(page)}).status_code == 303
    replay = browser_client(served)
    replay.cookies.set("jm_staff", cookie, path="/staff/")
    assert replay.get("/staff/").status_code == 303
    with app.engine.connect() as conn:
        (revoked,) = conn.execute(select(StaffSession.__table__.c.revoked_at)).one()
    assert revoked is not None

    other = signed_in(served, "hanako")
    accounts.set_password(app.engine, app.services.clock, "hanako", "a brand new password")
    assert other.get("/staff/").status_code == 303

    assert sign_in(browser_client(served), "hanako").status_code == 401  # the old password is gone
    fresh = browser_client(served)
    assert sign_in(fresh, "hanako", "a brand new password").status_code == 303
    clock.advance(minutes=29)
    assert fresh.get("/staff/").status_code == 200  # in use: kept alive
    clock.advance(minutes=31)
    assert fresh.get("/staff/").status_code == 303  # idle for longer than 30 minutes


def test_passwords_never_appear_in_logs(app, served, caplog, monkeypatch, db_url, tmp_path):
    from click.testing import CliRunner

    from bot.cli import main

    secret = "s3cret-never-logged-anywhere"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(
            main,
            ["staff", "user", "add", "hanako", "--role", "admin", "--password-stdin"],
            input=secret + "\n",
        )
        assert result.exit_code == 0, result.output
        assert secret not in result.output
        http = browser_client(served)
        assert sign_in(http, "hanako", secret + "x").status_code == 401
        assert sign_in(http, "hanako", secret).status_code == 303
        page = http.get("/staff/accounts")
        http.post(
            "/staff/accounts",
            data={"username": "taro", "role": "viewer", "password": secret, "csrf": csrf_of(page)},
        )
    assert caplog.records
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert all(secret not in str(value) for value in vars(record).values())
    with app.engine.connect() as conn:
        stored = [str(v) for row in conn.execute(select(StaffAudit.__table__)) for v in row]
    assert stored and all(secret not in value for value in stored)
    assert accounts.listing(app.engine)[0].password_hash.startswith("$argon2id$")


def test_an_erased_application_says_so_on_its_page(app, served):
    """After `staff erase` (bot/staff_records.py marks the application), its page says when, in
    the staff member's language and Japan time; another application's page does not."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from storage.models import Application

    erased, kept = submitted(app), submitted(app)
    mark = {"at": datetime(2026, 2, 3, 1, 30, tzinfo=UTC).isoformat(), "by": "cli:x"}
    with app.engine.begin() as conn:
        meta = {**erased.meta, "erased": mark}
        conn.execute(update(Application).where(Application.id == erased.id).values(meta=meta))
    account(app, "viewer2", "viewer")
    viewer = signed_in(served, "viewer2")
    page = viewer.get(f"/staff/applications/{erased.reference}")
    assert page.status_code == 200
    assert "個人データは 2026年2月3日（火） 10:30 に削除済み" in page.text, page.text[:3000]
    assert "削除済み" not in viewer.get(f"/staff/applications/{kept.reference}").text
