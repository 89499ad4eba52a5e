"""Reference numbers and capacity under concurrent submissions (SQLite and PostgreSQL), and the
storage primitives of applications."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.wiring import build_app
from conversations import Inbound, UserKey
from storage import applications as apps
from storage.intake import intake_closed, lock_intake, set_intake_closed, set_last_reference
from tests.application_kit import application_of, at_confirm

WORKERS = 8


def submit_all_at_once(app, users: list[str]) -> list[str]:
    """Every user taps "submit" at the same moment, each on its own thread and connection."""
    barrier = threading.Barrier(len(users))

    def tap(user: str) -> str:
        barrier.wait()
        reply = app.dialog.handle(UserKey("console", user), Inbound(text="提出する"))
        return "\n".join(message.text for message in reply.messages)

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        return list(pool.map(tap, users))


def test_concurrent_submissions_get_distinct_consecutive_references(app):
    users = [f"u{n}" for n in range(WORKERS)]
    ids = [at_confirm(app, user, n + 1) for n, user in enumerate(users)]
    answers = submit_all_at_once(app, users)
    assert all("受付番号は JM25-" in answer for answer in answers), answers
    references = sorted(application_of(app, user_id).reference for user_id in ids)
    assert references == [f"JM25-{n:04d}" for n in range(1, WORKERS + 1)]
    with app.engine.begin() as conn:
        assert lock_intake(conn, app.programme.id, app.services.clock()) == WORKERS
        assert apps.places_taken(conn, app.programme.id) == WORKERS


def test_concurrent_submissions_never_overfill_the_programme(settings, engine, clock):
    app = build_app(settings, clock=clock, engine=engine, migrate=False)
    app = build_app(
        settings,
        clock=clock,
        engine=engine,
        migrate=False,
        programme=app.programme.model_copy(update={"capacity": 5}),
    )
    users = [f"u{n}" for n in range(WORKERS)]
    ids = [at_confirm(app, user, n + 1) for n, user in enumerate(users)]
    answers = submit_all_at_once(app, users)
    assert sum("受付番号は JM25-" in answer for answer in answers) == 5
    assert sum("定員（5 社）に達したため" in answer for answer in answers) == WORKERS - 5
    statuses = sorted(application_of(app, user_id).status for user_id in ids)
    assert statuses == ["draft"] * (WORKERS - 5) + ["submitted"] * 5


def test_the_same_company_submitting_twice_at_once_gets_one_application(app):
    first = at_confirm(app, "u1", 3)
    second = at_confirm(app, "u2", 3)  # same corporate number, another account
    answers = submit_all_at_once(app, ["u1", "u2"])
    assert sum("受付番号は JM25-0001" in answer for answer in answers) == 1
    assert sum("すでに応募をいただいています" in answer for answer in answers) == 1
    assert sorted(application_of(app, user_id).status for user_id in (first, second)) == [
        "draft",
        "submitted",
    ]


def test_a_double_tap_on_submit_submits_once(app):
    user_id = at_confirm(app, "u1", 1)
    submit_all_at_once(app, ["u1", "u1"])
    row = application_of(app, user_id)
    assert (row.status, row.reference) == ("submitted", "JM25-0001")
    with app.engine.connect() as conn:
        assert [h.to_status for h in apps.history(conn, row.id)] == ["draft", "submitted"]


def test_storage_primitives(app, clock):
    now = clock()
    user_id = at_confirm(app, "u1", 1)
    with app.engine.begin() as conn:
        draft = apps.draft_for_user(conn, user_id, app.programme.id)
        assert draft is not None and draft.status == "draft"
        assert lock_intake(conn, "other-programme", now) == 0
        set_last_reference(conn, "other-programme", 41, now)
        assert lock_intake(conn, "other-programme", now) == 41
        assert not intake_closed(conn, app.programme.id)
        set_intake_closed(conn, app.programme.id, True, by="console:staff", now=now)
        assert intake_closed(conn, app.programme.id) and not intake_closed(conn, "other-programme")
        assert not apps.move(
            conn, draft.id, from_status="accepted", to_status="samples_shipped", actor="x", now=now
        )
        assert apps.move(
            conn, draft.id, from_status="draft", to_status="withdrawn", actor="console:u1", now=now
        )
        assert apps.application_by_id(conn, draft.id).status == "withdrawn"
        assert apps.reached_at(conn, draft.id, "withdrawn") == now
        assert apps.draft_for_user(conn, user_id, app.programme.id) is None
        assert not apps.save_draft(
            conn,
            user_id=user_id,
            programme=app.programme.id,
            data={},
            track=None,
            corporate_number=None,
            company_name=None,
            now=now,
        )


def test_references_carry_the_programme_prefix():
    from conversations.application.submit import reference_for

    assert reference_for("JM25", 42) == "JM25-0042"
    assert reference_for("DEMO", 150) == "DEMO-0150"
