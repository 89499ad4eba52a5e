"""Every move of the status machine through the database path (conversations/staff/moves.py):
allowed ones leave the new status and a history row (who, when, from, to, note); refused ones
change nothing and name the moves that are allowed."""

from __future__ import annotations

import pytest

from conversations.staff import moves
from conversations.statuses import STATUSES, MoveRefused, allowed_moves
from tests.staff_kit import history, reload, submitted

# from "draft" the only way on is the application's own submission (tested with the form)
FROM = [status for status in STATUSES if status != "draft"]


@pytest.mark.parametrize("actor", ["staff", "company"])
def test_every_allowed_move_writes_the_status_and_a_history_row(app, clock, actor):
    made = 0
    for current in FROM:
        for wanted in allowed_moves(current, actor):
            row = submitted(app, status=current)
            before = len(history(app, row))
            clock.advance(minutes=1)
            with app.engine.begin() as conn:
                moved = moves.make_move(
                    conn, row.reference, wanted, actor=actor, who=f"{actor}:t", now=clock(), note="memo"
                )
            assert moved.status == wanted == reload(app, row).status
            rows = history(app, row)
            assert len(rows) == before + 1
            last = rows[-1]
            assert (last.from_status, last.to_status, last.actor, last.note) == (
                current,
                wanted,
                f"{actor}:t",
                "memo",
            )
            assert last.at == clock()
            made += 1
    assert made == sum(len(allowed_moves(status, actor)) for status in FROM) > 0


@pytest.mark.parametrize("actor", ["staff", "company"])
def test_every_refused_move_changes_nothing_and_names_the_allowed_ones(app, clock, actor):
    refused = 0
    for current in FROM:
        row = submitted(app, status=current)
        before = history(app, row)
        for wanted in STATUSES:
            if wanted in allowed_moves(current, actor):
                continue
            with pytest.raises(MoveRefused) as caught, app.engine.begin() as conn:
                moves.make_move(conn, row, wanted, actor=actor, who="x", now=clock())
            assert caught.value.allowed == allowed_moves(current, actor)
            assert caught.value.current == current
            refused += 1
        assert reload(app, row).status == current
        assert history(app, row) == before
    assert refused > 50


def test_the_company_may_not_make_staffs_moves_nor_staff_the_companys_submission():
    assert "accepted" not in allowed_moves("under_review", "company")
    assert "submitted" not in allowed_moves("draft", "staff")
    assert "withdrawn" in allowed_moves("samples_received", "company")
    assert "withdrawn" not in allowed_moves("promotion_live", "company")


def test_an_unknown_reference_is_not_found(app, clock):
    with pytest.raises(moves.NotFound), app.engine.begin() as conn:
        moves.make_move(conn, "JM25-9999", "accepted", actor="staff", who="x", now=clock())


def test_a_move_made_by_someone_else_meanwhile_is_refused_against_the_new_status(app, clock):
    row = submitted(app, status="under_review")
    with app.engine.begin() as conn:
        moves.make_move(conn, row.reference, "accepted", actor="staff", who="a", now=clock())
    with pytest.raises(MoveRefused) as caught, app.engine.begin() as conn:
        moves.make_move(conn, row, "rejected", actor="staff", who="b", now=clock())  # the stale row
    assert caught.value.current == "accepted"
    assert reload(app, row).status == "accepted"
