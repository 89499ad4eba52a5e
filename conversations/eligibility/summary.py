"""The verdict in plain words, rule by rule, in the user's language.

A failed rule: which one and why, nothing else. Otherwise: every applicable rule with its
outcome, the track, the company size with the line it used, priority, and the warnings. Every
verdict ends by saying it is a pre-check and that JETRO decides (E14).
"""

from __future__ import annotations

from typing import Any

from conversations.context import Context
from conversations.eligibility.rules import (
    COMMON_RULES,
    ELIGIBILITY_RULES,
    TRACK_RULES,
    rule_order,
    rule_outcomes,
    track_status,
)

MARKS = {True: "passed", False: "failed", None: "unknown"}


def _track(ctx: Context, track: str) -> str:
    return ctx.t(f"eligibility.options.track.{track}")


def _line(ctx: Context, rule: str, outcome: bool | None) -> str:
    mark = ctx.t(f"eligibility.verdict.mark.{MARKS[outcome]}")
    return ctx.t("eligibility.verdict.line", mark=mark, rule=rule, text=ctx.t(f"eligibility.rules.{rule}"))


def stopped(ctx: Context, verdict: dict[str, Any]) -> str:
    lines = [ctx.t("eligibility.verdict.head.failed")]
    for rule in verdict["failed"]:
        lines.append(_line(ctx, rule, False))
        lines.append(ctx.t(f"eligibility.failed_why.{rule}"))
    lines.append(ctx.t("eligibility.precheck"))
    return "\n".join(lines)


def rules(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> str:
    """Every rule the verdict rests on, never contradicting its head: "all met" lists only rules
    that hold (the common ones and those of the tracks that hold); a track ruled out is named on a
    line of its own, not listed with a cross under a head that says everything is met."""
    outcomes = rule_outcomes(profile, ctx.programme)
    chosen = verdict["track"]
    tracks = [t for t in TRACK_RULES if t in ctx.programme.tracks]
    if chosen:
        shown = sorted((*COMMON_RULES, *TRACK_RULES[chosen]), key=rule_order)
    else:
        status = track_status(outcomes, ctx.programme)
        open_tracks = [t for t in verdict["tracks_allowed"] if status[t] or not verdict["eligible"]]
        shown = [
            r for r in ELIGIBILITY_RULES if r in COMMON_RULES or any(r in TRACK_RULES[t] for t in open_tracks)
        ]
    head = "passed" if verdict["eligible"] else "unknown"
    lines = [ctx.t(f"eligibility.verdict.head.{head}")]
    lines += [_line(ctx, rule, outcomes[rule]) for rule in shown]
    if any(outcomes[rule] is None for rule in shown):
        lines.append(ctx.t("eligibility.verdict.unknown_note"))
    if "E2" in verdict["review"]:
        lines.append(ctx.t("eligibility.verdict.review_e2"))
    if chosen:
        lines.append(ctx.t("eligibility.track.chosen", track=_track(ctx, chosen)))
    else:
        for track in (t for t in tracks if t not in verdict["tracks_allowed"]):
            failed = [r for r in TRACK_RULES[track] if outcomes[r] is False]
            conditions = "、".join(ctx.t(f"eligibility.rules.{r}") for r in failed)
            lines.append(ctx.t("eligibility.track.closed", track=_track(ctx, track), rules=conditions))
        if verdict["recommended_track"]:
            allowed = [_track(ctx, t) for t in verdict["tracks_allowed"]]
            recommended = _track(ctx, verdict["recommended_track"])
            lines.append(ctx.t("eligibility.track.open", tracks=allowed, recommended=recommended))
    return "\n".join(lines)


def _basis(ctx: Context, rule: str) -> str:
    programme = ctx.programme
    if rule.startswith("SME-"):
        line = next(line for line in programme.sme if line.id == rule)
        return ctx.t(
            "eligibility.size.sme_line",
            rule=rule,
            industry=ctx.t(f"eligibility.options.manufacturer_industry.{line.industry}"),
            capital=line.capital_jpy,
            employees=line.employees,
        )
    if rule == "MID-1":
        return ctx.t("eligibility.size.mid1", max=programme.mid_tier.max_employees)
    return ctx.t("eligibility.size.mid2", parent=programme.mid_tier.large_parent_min_employees)


def size(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> str:
    industry = profile.get("manufacturer_industry")
    lines = [ctx.t(f"eligibility.size.head.{verdict['company_size'] or 'unknown'}")]
    basis = verdict["company_size_basis"] or ([verdict["sme_line"]] if verdict["sme_line"] else [])
    lines += [_basis(ctx, rule) for rule in basis]
    if not basis:
        lines.append(ctx.t("eligibility.size.no_line"))
    owned = profile.get("wholly_owned_by_large_company")
    lines.append(
        ctx.t(
            "eligibility.size.answers",
            industry=ctx.t(f"eligibility.options.manufacturer_industry.{industry or 'unknown'}"),
            capital=profile.get("capital_jpy"),
            employees=profile.get("employees"),
            owned=ctx.t(f"core.options.{'unknown' if owned is None else ('yes' if owned else 'no')}"),
        )
    )
    if verdict["priority"] is None:
        missing = [rule for rule in ("P1", "P2") if verdict[rule.lower()] is None]
        lines.append(ctx.t("eligibility.priority.unknown", rules="・".join(missing)))
    elif verdict["priority"]:
        lines.append(ctx.t("eligibility.priority.yes"))
    else:
        reasons = [
            ctx.t(f"eligibility.priority.not_{rule}") for rule in ("p1", "p2") if verdict[rule] is False
        ]
        lines.append(ctx.t("eligibility.priority.no", reasons="、".join(reasons)))
    return "\n".join(lines)


def warnings(ctx: Context, verdict: dict[str, Any]) -> str:
    lines = [ctx.t("eligibility.warnings.head")]
    lines += [ctx.t(f"eligibility.warnings.{rule}") for rule in verdict["warnings"]]
    lines.append(ctx.t("eligibility.precheck"))
    return "\n".join(lines)


def render(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """The messages that tell the verdict (one when a rule failed, three otherwise)."""
    if verdict["failed"]:
        return [stopped(ctx, verdict)]
    return [rules(ctx, verdict, profile), size(ctx, verdict, profile), warnings(ctx, verdict)]
