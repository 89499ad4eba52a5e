"""The rules engine, table by table (docs/programme-rules.md: E1..E14, P1, P2, A1..A3, SME, MID)."""

from __future__ import annotations

import pytest

from bot.programme import SmeLine, load_programme
from conversations.eligibility import ProfileError, evaluate, validate_profile

PROGRAMME = load_programme("japan-mall-2025")

# Everything holds, KOL/KOC affiliate track, a small manufacturer, no other promotion.
FULL = {
    "applicant_type": "japanese_corporation",
    "track": "kol_affiliate",
    "product_category": "cosmetics",
    "japanese_brand": True,
    "ec_platforms": ["red", "douyin"],
    "store_owner": "own",
    "cross_border_direct": False,
    "distributed_in_china": True,
    "samples_ok": True,
    "materials_ok": True,
    "ships_within_7_days": True,
    "shares_sales_data": True,
    "no_ip_infringement": True,
    "accepts_export_control": True,
    "cooperates_with_surveys": True,
    "agrees_to_publication": True,
    "accepts_jetro_decision": True,
    "manufacturer_industry": "manufacturing",
    "capital_jpy": 100_000_000,
    "employees": 120,
    "wholly_owned_by_large_company": False,
    "in_other_china_promotion": False,
    "china_trademark": "registered",
}
ALL_E = [f"E{n}" for n in range(1, 15)]
YES_NO_RULES = {
    "E6": "samples_ok",
    "E7": "materials_ok",
    "E8": "ships_within_7_days",
    "E9": "shares_sales_data",
    "E10": "no_ip_infringement",
    "E11": "accepts_export_control",
    "E12": "cooperates_with_surveys",
    "E13": "agrees_to_publication",
    "E14": "accepts_jetro_decision",
}


def check(changes: dict | None = None, drop: tuple[str, ...] = (), programme=PROGRAMME) -> dict:
    profile = {**FULL, **(changes or {})}
    for key in drop:
        profile.pop(key)
    return evaluate(profile, programme)


def test_a_company_meeting_every_rule_is_eligible_with_priority():
    verdict = check()
    assert verdict["eligible"] is True
    assert verdict["company_size"] == "sme"
    assert verdict["priority"] is True
    assert verdict["failed"] == [] and verdict["unknown"] == []
    assert verdict["warnings"] == ["A2", "A3"]
    assert verdict["passed"] == sorted(["E1", "E2", "E3", "E4", *(f"E{n}" for n in range(6, 15))])


def test_the_verdict_has_designs_keys_and_types():
    verdict = check()
    for key in ("eligible", "company_size", "priority", "failed", "unknown", "warnings"):
        assert key in verdict
    assert isinstance(verdict["failed"], list) and isinstance(verdict["warnings"], list)


# -- every eligibility rule: the answer that fails it, the answer that holds it --------------------
FAILING = [
    ("E1", {"applicant_type": "other"}),
    ("E2", {"japanese_brand": False}),
    ("E3", {"ec_platforms": []}),
    ("E4", {"cross_border_direct": True}),
    ("E5", {"track": "group_buying", "distributed_in_china": False}),
    *((rule, {key: False}) for rule, key in YES_NO_RULES.items()),
]


@pytest.mark.parametrize(("rule", "changes"), FAILING, ids=[rule for rule, _ in FAILING])
def test_each_rule_fails_alone_and_makes_the_company_ineligible(rule, changes):
    verdict = check(changes)
    assert verdict["eligible"] is False
    assert verdict["failed"] == [rule]
    assert rule not in verdict["passed"] and rule not in verdict["unknown"]


HOLDING = [
    ("E1", {"applicant_type": "china_subsidiary_of_japanese_corporation"}),
    *(("E2", {"product_category": category}) for category in ("food_alcohol", "daily_goods", "stationery")),
    ("E2", {"product_category": "ip_goods"}),
    ("E3", {"ec_platforms": ["wechat_shop"], "store_owner": "partner"}),
    ("E3", {"ec_platforms": ["douyin"], "store_owner": None}),
    ("E5", {"track": "group_buying", "ec_platforms": None, "cross_border_direct": None}),
]


@pytest.mark.parametrize(("rule", "changes"), HOLDING)
def test_each_rule_holds_on_the_answers_that_meet_it(rule, changes):
    verdict = check(changes)
    assert verdict["eligible"] is True, verdict
    assert rule in verdict["passed"]


@pytest.mark.parametrize("rule", ALL_E)
def test_each_rule_is_unknown_when_its_answer_is_missing(rule):
    keys = {
        "E1": ("applicant_type",),
        "E2": ("japanese_brand",),
        "E3": ("ec_platforms", "store_owner"),
        "E4": ("cross_border_direct",),
        "E5": ("distributed_in_china",),
        **{r: (k,) for r, k in YES_NO_RULES.items()},
    }[rule]
    changes = {"track": "group_buying"} if rule == "E5" else {}
    verdict = check(changes, drop=keys)
    assert verdict["eligible"] is None
    assert verdict["unknown"] == [rule]
    assert verdict["failed"] == []


def test_null_is_the_same_as_a_missing_key():
    assert check({"samples_ok": None}) == check(drop=("samples_ok",))


def test_a_product_of_another_category_is_for_jetro_to_judge():
    verdict = check({"product_category": "other"})
    assert verdict["unknown"] == ["E2"] and verdict["review"] == ["E2"]
    assert check({"product_category": "other", "japanese_brand": False})["failed"] == ["E2"]


def test_a_failed_rule_beats_unknown_ones():
    verdict = evaluate({"samples_ok": False}, PROGRAMME)
    assert verdict["eligible"] is False
    assert verdict["failed"] == ["E6"]
    assert "E1" in verdict["unknown"]


def test_an_empty_profile_is_all_unknown_and_sorted():
    verdict = evaluate({}, PROGRAMME)
    assert verdict["eligible"] is None
    assert verdict["company_size"] is None and verdict["priority"] is None
    assert verdict["unknown"] == sorted(ALL_E)  # docs/interfaces.md: sorted (as sorted() does), each once
    assert verdict["tracks_allowed"] == ["kol_affiliate", "group_buying"]
    assert verdict["recommended_track"] == "kol_affiliate"


# -- tracks: their rules apply only to them ---------------------------------------------------------
def test_kol_affiliate_ignores_the_group_buying_rule():
    verdict = check({"distributed_in_china": False})
    assert verdict["eligible"] is True and "E5" not in verdict["failed"] + verdict["unknown"]


def test_group_buying_ignores_the_ec_store_rules():
    verdict = check({"track": "group_buying", "ec_platforms": [], "cross_border_direct": True})
    assert verdict["eligible"] is True
    assert verdict["passed"] == sorted(["E1", "E2", *(f"E{n}" for n in range(5, 15))])


def test_no_track_chosen_allows_both_and_recommends_the_one_that_holds():
    verdict = check({"track": None, "ec_platforms": [], "distributed_in_china": True})
    assert verdict["eligible"] is True
    assert verdict["tracks_allowed"] == ["group_buying"]
    assert verdict["recommended_track"] == "group_buying"
    assert verdict["failed"] == []


def test_no_track_chosen_prefers_a_track_whose_rules_hold_over_an_unknown_one():
    verdict = check({"track": None, "distributed_in_china": None})
    assert verdict["tracks_allowed"] == ["kol_affiliate", "group_buying"]
    assert verdict["recommended_track"] == "kol_affiliate"
    assert verdict["eligible"] is True and verdict["unknown"] == []
    other = check({"track": None, "ec_platforms": None, "cross_border_direct": None})
    assert other["recommended_track"] == "group_buying" and other["eligible"] is True


def test_no_track_chosen_with_both_unknown_lists_every_track_rule():
    verdict = check({"track": None}, drop=("ec_platforms", "cross_border_direct", "distributed_in_china"))
    assert verdict["eligible"] is None
    assert verdict["unknown"] == ["E3", "E4", "E5"]


def test_no_track_possible_fails_with_both_tracks_rules():
    verdict = check({"track": None, "cross_border_direct": True, "distributed_in_china": False})
    assert verdict["eligible"] is False
    assert verdict["failed"] == ["E4", "E5"]
    assert verdict["tracks_allowed"] == [] and verdict["recommended_track"] is None


# -- company size: every SME line at, under and over both thresholds ----------------------------------
# docs/programme-rules.md's table, written out here so that a wrong programme file is caught too.
SME_LINES = {
    "manufacturing": ("SME-1", 300_000_000, 300),
    "wholesale": ("SME-2", 100_000_000, 100),
    "retail": ("SME-3", 50_000_000, 50),
    "services": ("SME-4", 50_000_000, 100),
}


def test_the_programme_has_rules_md_sme_lines_and_mid_tier_numbers():
    for industry, (rule, capital, employees) in SME_LINES.items():
        line = PROGRAMME.sme_line(industry)
        assert (line.id, line.capital_jpy, line.employees) == (rule, capital, employees)
    assert PROGRAMME.mid_tier.max_employees == 2000


SIZE_CASES = []
for industry, (rule, capital, employees) in SME_LINES.items():
    for label, delta, size in (("at", 0, "sme"), ("under", -1, "sme"), ("over", 1, "mid_tier")):
        # capital decides while employees are over the line, and the other way round
        SIZE_CASES.append((industry, "capital", label, capital + delta, employees + 1, rule, size))
        SIZE_CASES.append((industry, "employees", label, capital + 1, employees + delta, rule, size))


@pytest.mark.parametrize(
    ("industry", "which", "where", "capital", "employees", "rule", "size"),
    SIZE_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in SIZE_CASES],
)
def test_sme_line_boundaries(industry, which, where, capital, employees, rule, size):
    verdict = check({"manufacturer_industry": industry, "capital_jpy": capital, "employees": employees})
    assert verdict["company_size"] == size
    assert verdict["sme_line"] == rule
    assert verdict["company_size_basis"] == ([rule] if size == "sme" else [rule, "MID-1"])
    assert verdict["priority"] is True  # SME or mid-tier: P1 holds either way


@pytest.mark.parametrize(
    ("employees", "size", "priority"), [(2000, "mid_tier", True), (2001, "large", False)]
)
def test_mid_1_at_2000_and_2001_employees(employees, size, priority):
    verdict = check({"capital_jpy": 1_000_000_000, "employees": employees})
    assert verdict["company_size"] == size
    assert verdict["company_size_basis"] == ["SME-1", "MID-1"]
    assert verdict["priority"] is priority
    assert verdict["eligible"] is True  # a large company is still eligible, only without P1


def test_mid_2_makes_a_non_sme_large():
    verdict = check({"capital_jpy": 1_000_000_000, "employees": 500, "wholly_owned_by_large_company": True})
    assert verdict["company_size"] == "large"
    assert verdict["company_size_basis"] == ["SME-1", "MID-2"]
    assert verdict["p1"] is False and verdict["priority"] is False
    assert verdict["eligible"] is True


def test_mid_2_for_an_sme_needs_staff_review():
    verdict = check({"wholly_owned_by_large_company": True})
    assert verdict["company_size"] == "review"
    assert verdict["company_size_basis"] == ["SME-1", "MID-2"]
    assert verdict["priority"] is None
    assert "MID-2" in verdict["review"]
    assert verdict["eligible"] is True


SIZE_UNKNOWNS = [
    # (changes, size, P1)
    ({"manufacturer_industry": None, "capital_jpy": 40_000_000, "employees": None}, "sme", True),
    ({"manufacturer_industry": None, "capital_jpy": 10**9, "employees": 200}, None, True),
    ({"manufacturer_industry": None, "capital_jpy": 10**9, "employees": 5000}, "large", False),
    ({"capital_jpy": 10**9, "employees": None}, None, None),
    ({"capital_jpy": None, "employees": None}, None, None),
    ({"wholly_owned_by_large_company": None}, None, None),
    ({"capital_jpy": 10**9, "employees": 3000, "wholly_owned_by_large_company": None}, "large", False),
    ({"capital_jpy": 10**9, "employees": 500, "wholly_owned_by_large_company": None}, None, None),
]


@pytest.mark.parametrize(("changes", "size", "p1"), SIZE_UNKNOWNS)
def test_company_size_with_unknowns_is_decided_only_when_every_possibility_agrees(changes, size, p1):
    verdict = check(changes)
    assert verdict["company_size"] == size
    assert verdict["p1"] is p1
    assert verdict["eligible"] is True  # size never decides eligibility


def test_sme_lines_and_mid_tier_come_from_the_programme():
    lines = tuple(
        SmeLine(id=sme.id, industry=sme.industry, capital_jpy=sme.capital_jpy * 2, employees=sme.employees)
        for sme in PROGRAMME.sme
    )
    changed = PROGRAMME.model_copy(
        update={"sme": lines, "mid_tier": PROGRAMME.mid_tier.model_copy(update={"max_employees": 400})}
    )
    profile = {"capital_jpy": 500_000_000, "employees": 350}
    assert check(profile)["company_size"] == "mid_tier"
    assert check(profile, programme=changed)["company_size"] == "sme"
    assert check({"capital_jpy": 10**9, "employees": 450}, programme=changed)["company_size"] == "large"


# -- priority and advice -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "priority", "warnings"),
    [
        ({}, True, ["A2", "A3"]),
        ({"in_other_china_promotion": True}, False, ["A2", "A3", "P2"]),
        ({"in_other_china_promotion": None}, None, ["A2", "A3"]),
        ({"china_trademark": "none"}, True, ["A1", "A2", "A3"]),
        ({"china_trademark": "pending"}, True, ["A2", "A3"]),
        ({"china_trademark": None}, True, ["A2", "A3"]),
        ({"china_trademark": "none", "in_other_china_promotion": True}, False, ["A1", "A2", "A3", "P2"]),
    ],
)
def test_priority_p2_and_warnings_never_make_a_company_ineligible(changes, priority, warnings):
    verdict = check(changes)
    assert verdict["priority"] is priority
    assert verdict["warnings"] == warnings
    assert verdict["eligible"] is True


def test_priority_is_false_when_p1_fails_even_if_p2_is_unknown():
    verdict = check({"capital_jpy": 10**9, "employees": 3000, "in_other_china_promotion": None})
    assert verdict["priority"] is False


# -- wrong values are refused, naming the key and what is allowed -----------------------------------
@pytest.mark.parametrize(
    ("profile", "key", "allowed"),
    [
        ({"employees": "many"}, "employees", "whole number"),
        ({"employees": True}, "employees", "whole number"),
        ({"capital_jpy": -1}, "capital_jpy", "0 or more"),
        ({"manufacturer_industry": "mining"}, "manufacturer_industry", "manufacturing, wholesale, retail"),
        ({"track": "tmall"}, "track", "kol_affiliate, group_buying"),
        ({"samples_ok": "yes"}, "samples_ok", "true, false or null"),
        ({"ec_platforms": ["taobao"]}, "ec_platforms", "red, douyin, wechat_shop"),
        ({"ec_platforms": "red"}, "ec_platforms", "a list of"),
        ({"china_trademark": "maybe"}, "china_trademark", "registered, pending, none"),
    ],
)
def test_wrong_values_raise_an_error_naming_the_key(profile, key, allowed):
    with pytest.raises(ProfileError) as caught:
        evaluate(profile, PROGRAMME)
    message = str(caught.value)
    assert message.startswith(f"{key}: ") and allowed in message
    assert "\n" not in message


def test_a_whole_float_is_taken_as_an_integer():
    assert validate_profile({"capital_jpy": 3e8}, PROGRAMME) == {"capital_jpy": 300_000_000}


def test_unknown_keys_are_refused_when_strict_and_ignored_by_evaluate():
    with pytest.raises(ProfileError, match=r"^employes: is not a profile key"):
        validate_profile({"employes": 3}, PROGRAMME)
    assert evaluate({**FULL, "eligibility_verdict": {}, "company_name": "x"}, PROGRAMME)["eligible"] is True
