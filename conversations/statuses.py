"""The status machine of an application (docs/interfaces.md, "Statuses"), in one place.

Each allowed move names who may make it: the company (in the chat), staff, or both. A move that
is not allowed is refused with the list of the moves that are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Actor = Literal["company", "staff"]

STATUSES = (
    "draft",
    "submitted",
    "under_review",
    "accepted",
    "waitlisted",
    "rejected",
    "samples_shipped",
    "samples_received",
    "promotion_live",
    "promotion_ended",
    "data_submitted",
    "completed",
    "withdrawn",
)
COMPANY: frozenset[Actor] = frozenset({"company"})
STAFF: frozenset[Actor] = frozenset({"staff"})
BOTH: frozenset[Actor] = frozenset({"company", "staff"})

# from -> {to: who may make the move}
MOVES: dict[str, dict[str, frozenset[Actor]]] = {
    "draft": {"submitted": COMPANY},
    "submitted": {"under_review": STAFF},
    "under_review": {"accepted": STAFF, "waitlisted": STAFF, "rejected": STAFF},
    "waitlisted": {"accepted": STAFF, "rejected": STAFF},
    "accepted": {"samples_shipped": BOTH},
    "samples_shipped": {"samples_received": STAFF},
    "samples_received": {"promotion_live": STAFF},
    "promotion_live": {"promotion_ended": STAFF},
    "promotion_ended": {"data_submitted": BOTH},
    "data_submitted": {"completed": STAFF},
    "rejected": {},
    "completed": {},
    "withdrawn": {},
}
# Withdrawal: from any status before promotion_live (docs/interfaces.md), by the company or by staff on
# its behalf; not from the end states.
BEFORE_LIVE = (
    "draft",
    "submitted",
    "under_review",
    "accepted",
    "waitlisted",
    "samples_shipped",
    "samples_received",
)
for _status in BEFORE_LIVE:
    MOVES[_status]["withdrawn"] = BOTH

# The company may correct its sales data until staff lock it by completing the application.
EDITABLE_SALES_DATA = ("promotion_ended", "data_submitted")


@dataclass(eq=False)  # not frozen: raising through a `with` block sets __traceback__
class MoveRefused(Exception):
    """The move is not allowed; `allowed` lists what this actor may do from `current`."""

    current: str
    wanted: str
    allowed: tuple[str, ...]

    def __str__(self) -> str:
        allowed = ", ".join(self.allowed) or "none"
        return f"cannot move from {self.current} to {self.wanted}; allowed: {allowed}"


def allowed_moves(current: str, actor: Actor) -> tuple[str, ...]:
    return tuple(to for to, who in MOVES.get(current, {}).items() if actor in who)


def check_move(current: str, wanted: str, actor: Actor) -> None:
    """Raise MoveRefused unless `actor` may move an application from `current` to `wanted`."""
    if wanted not in allowed_moves(current, actor):
        raise MoveRefused(current, wanted, allowed_moves(current, actor))
