"""The questions of the pre-check, in the order asked, and when each is needed.

Each question stores its answer under its profile key (docs/interfaces.md); "I don't know" stores None.
A question is asked only when its key has no answer yet and the verdict can still use it:
no EC-store questions for group_buying, no E5 for kol_affiliate, no head count when the capital
already makes the maker an SME, no ownership question when the maker is large by MID-1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conversations.eligibility.profile import CHOICES
from conversations.eligibility.rules import rule_outcomes, track_status
from conversations.eligibility.size import company_size

if TYPE_CHECKING:
    from conversations.programme import Programme

Profile = Mapping[str, Any]
Needed = Callable[[Profile, "Programme"], bool]


@dataclass(frozen=True)
class Question:
    key: str  # the profile key, also the step's name
    kind: str  # choice, bool, platforms, yen, headcount
    rule: str  # the rule id the answer serves (for the diagram's and the reader's sake)
    needed: Needed | None = None

    @property
    def choices(self) -> tuple[str, ...]:
        if self.kind == "bool":
            return ("yes", "no", "unknown")
        if self.key == "track":
            return (*CHOICES["track"], "undecided")
        return (*CHOICES.get(self.key, ()), "unknown")


def track_possible(track: str) -> Needed:
    """The track is chosen or undecided, offered by the programme, and not already ruled out."""

    def needed(profile: Profile, programme: Programme) -> bool:
        if profile.get("track") not in (None, track) or track not in programme.tracks:
            return False
        return track_status(rule_outcomes(profile, programme), programme)[track] is not False

    return needed


_kol = track_possible("kol_affiliate")
_group = track_possible("group_buying")


def _has_store(profile: Profile, programme: Programme) -> bool:
    return _kol(profile, programme) and bool(profile.get("ec_platforms"))


def _employees_matter(profile: Profile, programme: Programme) -> bool:
    """Not when the capital alone makes the maker an SME (SME: capital OR employees)."""
    probe = {**profile, "employees": None, "wholly_owned_by_large_company": False}
    return company_size(probe, programme).size != "sme"


def _ownership_matters(profile: Profile, programme: Programme) -> bool:
    """Not when the maker is large already by MID-1 (more than 2,000 employees and not an SME)."""
    return company_size(profile, programme).size != "large"


QUESTIONS: tuple[Question, ...] = (
    Question("applicant_type", "choice", "E1"),
    Question("track", "choice", "E3-E5"),
    Question("product_category", "choice", "E2"),
    Question("japanese_brand", "bool", "E2"),
    Question("ec_platforms", "platforms", "E3", _kol),
    Question("store_owner", "choice", "E3", _has_store),
    Question("cross_border_direct", "bool", "E4", _kol),
    Question("distributed_in_china", "bool", "E5", _group),
    Question("samples_ok", "bool", "E6"),
    Question("materials_ok", "bool", "E7"),
    Question("ships_within_7_days", "bool", "E8"),
    Question("shares_sales_data", "bool", "E9"),
    Question("no_ip_infringement", "bool", "E10"),
    Question("accepts_export_control", "bool", "E11"),
    Question("cooperates_with_surveys", "bool", "E12"),
    Question("agrees_to_publication", "bool", "E13"),
    Question("accepts_jetro_decision", "bool", "E14"),
    Question("manufacturer_industry", "choice", "P1"),
    Question("capital_jpy", "yen", "P1"),
    Question("employees", "headcount", "P1", _employees_matter),
    Question("wholly_owned_by_large_company", "bool", "P1", _ownership_matters),
    Question("in_other_china_promotion", "bool", "P2"),
    Question("china_trademark", "choice", "A1"),
)


def to_value(question: Question, choice: str) -> Any:
    """A chosen option as the profile's JSON value ("unknown" and "undecided" are None)."""
    if choice in ("unknown", "undecided"):
        return None
    if question.kind == "bool":
        return choice == "yes"
    if question.kind == "platforms":
        return [] if choice == "none" else [choice]
    return choice
