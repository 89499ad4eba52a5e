"""The verdict in plain words, in the user's language, without the rules' ids (docs/glossary.md).

`short`: what fits on one phone screen -- a failed rule and why; otherwise the outcome, what is
still unknown, the track, the company size, priority and the warnings by name. `details` (on
request): every applicable rule with its outcome, the size with the line it used, priority and
the warnings in full. Both end by saying it is a pre-check and that JETRO decides (E14).
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


SHOWN_TOPICS = 3  # the unknown conditions named on the short verdict; the rest are counted


def _topics(ctx: Context, rules: list[str]) -> str:
    """Rules by their short names (never their ids): 「サンプルの提供、販売データの提出」."""
    names = [ctx.t(f"eligibility.topics.{rule}") for rule in rules[:SHOWN_TOPICS]]
    if len(rules) > SHOWN_TOPICS:
        names.append(ctx.t("eligibility.short.more", count=len(rules) - SHOWN_TOPICS))
    return "、".join(names)


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


def _shown(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """The rules that apply: the common ones and the chosen track's, else the open tracks' -- never
    contradicting the head: "all met" lists only rules that hold; a track ruled out is named on a
    line of its own."""
    chosen = verdict["track"]
    if chosen:
        return sorted((*COMMON_RULES, *TRACK_RULES[chosen]), key=rule_order)
    status = track_status(rule_outcomes(profile, ctx.programme), ctx.programme)
    open_tracks = [t for t in verdict["tracks_allowed"] if status[t] or not verdict["eligible"]]
    return [
        r for r in ELIGIBILITY_RULES if r in COMMON_RULES or any(r in TRACK_RULES[t] for t in open_tracks)
    ]


def short(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> str:
    """The verdict on one phone screen; the rest is in `details`."""
    if verdict["failed"]:
        return stopped(ctx, verdict)
    outcomes = rule_outcomes(profile, ctx.programme)
    lines = [ctx.t(f"eligibility.verdict.head.{'passed' if verdict['eligible'] else 'unknown'}")]
    unknown = [rule for rule in _shown(ctx, verdict, profile) if outcomes[rule] is None]
    if unknown:
        lines.append(ctx.t("eligibility.short.unknown", topics=_topics(ctx, unknown)))
    if verdict["track"]:
        lines.append(ctx.t("eligibility.short.track", track=_track(ctx, verdict["track"])))
    elif verdict["recommended_track"]:
        tracks = "、".join(_track(ctx, t) for t in verdict["tracks_allowed"])
        recommended = _track(ctx, verdict["recommended_track"])
        lines.append(ctx.t("eligibility.short.tracks_open", tracks=tracks, recommended=recommended))
    size_name = ctx.t(f"eligibility.short.sizes.{verdict['company_size'] or 'unknown'}")
    lines.append(ctx.t("eligibility.short.size", size=size_name))
    priority = {True: "yes", False: "no", None: "unknown"}[verdict["priority"]]
    lines.append(ctx.t(f"eligibility.short.priority.{priority}"))
    if "E2" in verdict["review"]:
        lines.append(ctx.t("eligibility.short.review"))
    if verdict["warnings"]:
        names = "、".join(ctx.t(f"eligibility.topics.{rule}") for rule in verdict["warnings"])
        lines.append(ctx.t("eligibility.short.warnings", topics=names))
    lines.append(ctx.t("eligibility.short.precheck"))
    return "\n".join(lines)


def rules(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> str:
    """Every rule the verdict rests on, never contradicting its head: "all met" lists only rules
    that hold (the common ones and those of the tracks that hold); a track ruled out is named on a
    line of its own, not listed with a cross under a head that says everything is met."""
    outcomes = rule_outcomes(profile, ctx.programme)
    chosen = verdict["track"]
    tracks = [t for t in TRACK_RULES if t in ctx.programme.tracks]
    shown = _shown(ctx, verdict, profile)
    head = "passed" if verdict["eligible"] else "unknown"
    lines = [ctx.t("eligibility.verdict.details_head"), ctx.t(f"eligibility.verdict.head.{head}")]
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
            lines.append(
                ctx.t("eligibility.track.closed", track=_track(ctx, track), rules=_topics(ctx, failed))
            )
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
        lines.append(ctx.t("eligibility.priority.unknown", rules=_topics(ctx, missing)))
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


def details(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """The whole verdict, asked for after the short one (one message when a rule failed, three otherwise)."""
    if verdict["failed"]:
        return [stopped(ctx, verdict)]
    return [rules(ctx, verdict, profile), size(ctx, verdict, profile), warnings(ctx, verdict)]


def render(ctx: Context, verdict: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """The message that tells the verdict: the short one (details on request)."""
    return [short(ctx, verdict, profile)]
