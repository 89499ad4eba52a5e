"""The eligibility pre-check: the rules engine (`evaluate`) and the conversation ("eligibility").

`evaluate(profile, programme)` is pure: the profile dict of docs/interfaces.md in, the verdict dict out, e.g.
`evaluate({"applicant_type": "japanese_corporation", "employees": 120}, programme)`.
"""

from __future__ import annotations

from conversations.eligibility.flow import VERDICT_KEY, check_command, eligibility, profile_of
from conversations.eligibility.profile import PROFILE_KEYS, ProfileError, validate_profile
from conversations.eligibility.result import verdict
from conversations.eligibility.rules import evaluate, rule_outcomes
from conversations.registry import Registry

__all__ = [
    "PROFILE_KEYS",
    "VERDICT_KEY",
    "ProfileError",
    "eligibility",
    "evaluate",
    "profile_of",
    "register",
    "rule_outcomes",
    "validate_profile",
]


def register(registry: Registry) -> None:
    """The "eligibility" flow, the "verdict" question after it, and the /check command."""
    registry.add_flow(eligibility)
    registry.add_flow(verdict)
    registry.add_command("check", check_command)
