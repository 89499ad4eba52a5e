"""Every allowed and refused move of the status machine (docs/interfaces.md, "Statuses")."""

from __future__ import annotations

import itertools

import pytest

from conversations.statuses import MOVES, STATUSES, MoveRefused, allowed_moves, check_move

ALLOWED = {
    ("draft", "submitted", "company"),
    ("submitted", "under_review", "staff"),
    ("under_review", "accepted", "staff"),
    ("under_review", "waitlisted", "staff"),
    ("under_review", "rejected", "staff"),
    ("waitlisted", "accepted", "staff"),
    ("waitlisted", "rejected", "staff"),
    ("accepted", "samples_shipped", "company"),
    ("accepted", "samples_shipped", "staff"),
    ("samples_shipped", "samples_received", "staff"),
    ("samples_received", "promotion_live", "staff"),
    ("promotion_live", "promotion_ended", "staff"),
    ("promotion_ended", "data_submitted", "company"),
    ("promotion_ended", "data_submitted", "staff"),
    ("data_submitted", "completed", "staff"),
} | {
    (status, "withdrawn", actor)
    for status in (
        "draft",
        "submitted",
        "under_review",
        "accepted",
        "waitlisted",
        "samples_shipped",
        "samples_received",
    )
    for actor in ("company", "staff")
}


def test_every_status_is_in_the_machine():
    assert set(MOVES) == set(STATUSES)


@pytest.mark.parametrize(
    ("current", "wanted", "actor"), list(itertools.product(STATUSES, STATUSES, ("company", "staff")))
)
def test_each_move_is_allowed_or_refused_exactly_as_designed(current, wanted, actor):
    if (current, wanted, actor) in ALLOWED:
        check_move(current, wanted, actor)
    else:
        with pytest.raises(MoveRefused) as refused:
            check_move(current, wanted, actor)
        assert set(refused.value.allowed) == set(allowed_moves(current, actor))
        assert refused.value.current == current


def test_no_withdrawal_once_the_promotion_is_live():
    for status in ("promotion_live", "promotion_ended", "data_submitted", "completed", "rejected"):
        assert "withdrawn" not in allowed_moves(status, "company")
        assert "withdrawn" not in allowed_moves(status, "staff")


def test_refusal_names_the_allowed_moves():
    with pytest.raises(MoveRefused, match="allowed: accepted, waitlisted, rejected, withdrawn"):
        check_move("under_review", "completed", "staff")
