"""The eligibility pre-check as a pure function: a profile and the programme in, the verdict out.

Rule ids are docs/programme-rules.md's. Each rule E1..E14 holds (True), fails (False) or is unknown (None).
Track rules apply only to their track: E3 and E4 to kol_affiliate, E5 to group_buying. With no
track chosen the company is eligible when the common rules and one track's rules hold; the verdict
then says which tracks the answers allow and recommends one. A failed rule makes `eligible` false
even when others are unknown. P1 and P2 (priority) and A1..A3 (advice) never make a company
ineligible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from conversations.eligibility.profile import validate_profile
from conversations.eligibility.size import company_size
from conversations.vocab import COMMITMENTS, ELIGIBLE_APPLICANT_TYPES, GROUP_BUYING, KOL_AFFILIATE

if TYPE_CHECKING:
    from conversations.programme import Programme

TRACK_RULES: dict[str, tuple[str, ...]] = {KOL_AFFILIATE: ("E3", "E4"), GROUP_BUYING: ("E5",)}
COMMON_RULES = ("E1", "E2", "E6", "E7", "E8", "E9", "E10", "E11", "E12", "E13", "E14")
ELIGIBILITY_RULES = ("E1", "E2", "E3", "E4", "E5", *COMMON_RULES[2:])
ADVICE = ("A2", "A3")  # always given: an agent's consent first; samples and commissions at own cost
APPLICANTS = ELIGIBLE_APPLICANT_TYPES
# The profile key(s) each rule reads; a rule that is a plain yes to a question holds when it is true.
RULE_KEYS: dict[str, tuple[str, ...]] = {
    "E1": ("applicant_type",),
    "E2": ("japanese_brand", "product_category"),
    "E3": ("ec_platforms",),
    "E4": ("cross_border_direct",),
    "E5": ("distributed_in_china",),
    **{rule: (key,) for key, rule in COMMITMENTS.items()},
}


def rule_order(rule: str) -> tuple[str, int]:
    """Rule ids sort by letter, then by number: E2 before E10."""
    head = rule.rstrip("0123456789")
    return head, int(rule[len(head) :] or 0)


def _sorted(rules: Iterable[str]) -> list[str]:
    # docs/interfaces.md: "sorted, each once" -- plain string order, as sorted() gives it, so
    # that a script comparing with sorted() agrees. Texts for people use rule_order instead.
    return sorted(set(rules))


def _all(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if False in values:
        return False
    return True if all(values) else None


def rule_outcomes(profile: Mapping[str, Any], programme: Programme) -> dict[str, bool | None]:
    """Every eligibility rule: True (holds), False (fails) or None (unknown). `profile` is validated."""
    out: dict[str, bool | None] = {}
    applicant = profile.get("applicant_type")
    out["E1"] = None if applicant is None else applicant in APPLICANTS
    brand, category = profile.get("japanese_brand"), profile.get("product_category")
    if brand is False:
        out["E2"] = False
    else:  # "other" products: whether they are "and the like" is JETRO's to judge
        out["E2"] = None if brand is None or category in (None, "other") else True
    platforms = profile.get("ec_platforms")
    kol = programme.tracks.get(KOL_AFFILIATE)
    stores = set(kol.store_platforms) if kol else set()
    out["E3"] = None if platforms is None else bool(stores.intersection(platforms))
    direct = profile.get("cross_border_direct")
    out["E4"] = None if direct is None else not direct
    for rule in ("E5", *COMMON_RULES[2:]):
        out[rule] = profile.get(RULE_KEYS[rule][0])
    return out


def track_status(outcomes: Mapping[str, bool | None], programme: Programme) -> dict[str, bool | None]:
    """Per track of the programme: do its own rules hold (True), fail (False) or is it unknown?"""
    return {t: _all(outcomes[r] for r in rules) for t, rules in TRACK_RULES.items() if t in programme.tracks}


def evaluate(profile: Mapping[str, Any], programme: Programme) -> dict[str, Any]:
    """The verdict of docs/interfaces.md, plus what explains it (passed, review, sme_line, tracks…).

    Raises ProfileError for a wrong value; keys that are not profile keys are ignored.
    """
    p = validate_profile(profile, programme, strict=False)
    outcomes = rule_outcomes(p, programme)
    status = track_status(outcomes, programme)
    allowed = [t for t, ok in status.items() if ok is not False]
    chosen = p.get("track")
    applicable = list(COMMON_RULES)
    if chosen:
        applicable += TRACK_RULES[chosen]
    elif not allowed:
        applicable += [r for t in status for r in TRACK_RULES[t]]
    elif not any(status[t] for t in allowed):
        applicable += [r for t in allowed for r in TRACK_RULES[t]]
    failed = _sorted(r for r in applicable if outcomes[r] is False)
    unknown = _sorted(r for r in applicable if outcomes[r] is None)
    relevant = applicable if chosen else [*COMMON_RULES, *(r for t in allowed for r in TRACK_RULES[t])]
    passed = _sorted(r for r in relevant if outcomes[r] is True)
    size = company_size(p, programme)
    other_promotion = p.get("in_other_china_promotion")
    p2 = None if other_promotion is None else not other_promotion
    if size.p1 is False or p2 is False:
        priority: bool | None = False
    else:
        priority = True if size.p1 and p2 else None
    warnings = list(ADVICE)
    if p.get("china_trademark") == "none":
        warnings.append("A1")
    if other_promotion:
        warnings.append("P2")
    review = []
    if outcomes["E2"] is None and p.get("product_category") == "other" and p.get("japanese_brand"):
        review.append("E2")
    if size.size == "review":
        review.append("MID-2")
    recommended = None
    if not chosen and allowed:
        recommended = next((t for t in allowed if status[t]), allowed[0])
    return {
        "eligible": False if failed else (None if unknown else True),
        "company_size": size.size,
        "priority": priority,
        "failed": failed,
        "unknown": unknown,
        "warnings": _sorted(warnings),
        "passed": passed,
        "review": review,
        "sme_line": size.sme_line,
        "company_size_basis": list(size.basis),
        "p1": size.p1,
        "p2": p2,
        "track": chosen,
        "tracks_allowed": allowed,
        "recommended_track": recommended,
    }


# -- what the form asks of the engine ----------------------------------------------------------
# The profile key whose answer decides each rule: the one answer to change when the rule fails.
DECIDING_KEY: dict[str, str] = {
    "E1": "applicant_type",
    "E2": "japanese_brand",
    "E3": "ec_platforms",
    "E4": "cross_border_direct",
    "E5": "distributed_in_china",
    **{rule: key for key, rule in COMMITMENTS.items()},
}
JUDGED_KEYS = frozenset(DECIDING_KEY.values())


# The form asks for the judgement of the same answers many times in one step (each field's "is it
# open?"): it is computed once per distinct set of profile answers (benchmarks/form_judgement.py).
_JUDGEMENTS: dict[Any, tuple[dict[str, Any], dict[str, str], list[str]]] = {}
_JUDGEMENTS_MAX = 512


def judgement(
    answers: Mapping[str, Any], programme: Programme
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    from conversations.eligibility.profile import PROFILE_KEYS, ProfileError

    key = (programme.id, id(programme), repr([answers.get(k) for k in PROFILE_KEYS]))  # repr: True ≠ 1
    found = _JUDGEMENTS.get(key)
    if found is not None:
        return found
    profile: dict[str, Any] = {}
    for name in PROFILE_KEYS:
        if answers.get(name) is None:
            continue
        try:
            profile.update(validate_profile({name: answers[name]}, programme))
        except ProfileError:
            continue
    outcomes = rule_outcomes(profile, programme)
    failing = {DECIDING_KEY[r]: r for r in rules_for(profile.get("track")) if outcomes[r] is False}
    without_track = {k: v for k, v in profile.items() if k != "track"}
    allowed = list(evaluate(without_track, programme)["tracks_allowed"])
    if len(_JUDGEMENTS) >= _JUDGEMENTS_MAX:
        _JUDGEMENTS.clear()
    _JUDGEMENTS[key] = (profile, failing, allowed)
    return profile, failing, allowed


def safe_profile(answers: Mapping[str, Any], programme: Programme) -> dict[str, Any]:
    """The profile keys of a conversation's answers; a value that breaks the contract is unknown."""
    return dict(judgement(answers, programme)[0])


def rules_for(track: str | None) -> tuple[str, ...]:
    """The rules that apply to a company on `track` (the common ones while no track is chosen)."""
    return (*COMMON_RULES, *TRACK_RULES[track]) if track else COMMON_RULES


def failing_keys(answers: Mapping[str, Any], programme: Programme) -> dict[str, str]:
    """Answered keys whose rule fails where it applies: key -> rule id.

    With a track chosen its own rules count too; without one, only the common rules (a track
    whose rule fails is simply not offered, see `allowed_tracks`).
    """
    return dict(judgement(answers, programme)[1])


def allowed_tracks(answers: Mapping[str, Any], programme: Programme) -> list[str]:
    """The tracks the answers so far leave open (the chosen one left out of the judgement)."""
    return list(judgement(answers, programme)[2])


def judged(key: str, answers: Mapping[str, Any], programme: Programme) -> bool | None:
    """One answer's judgement: True (its rule holds or it decides none), False (its rule fails
    where it applies), None (not answered)."""
    if answers.get(key) is None:
        return None
    _profile, failing, allowed = judgement(answers, programme)
    if key == "track":
        return answers["track"] in allowed
    return key not in failing
