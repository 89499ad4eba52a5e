"""The manufacturer's company size (docs/programme-rules.md: SME-1..4, MID-1, MID-2) and priority P1.

SME: capital OR regular employees at or under the line of the industry (inclusive). MID-1: not
an SME and at most `mid_tier.max_employees` employees. MID-2: wholly owned by a non-SME corporation
with more than 2,000 employees makes a non-SME large; an SME so owned needs staff review (the call
does not say whether MID-2 overrides SME status, so we do not guess).

What is unknown is tried both ways: when every possibility gives the same size, that is the
answer; otherwise the size is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conversations.programme import Programme, SmeLine

BOTH = (True, False)


@dataclass(frozen=True)
class Size:
    size: str | None  # sme, mid_tier, large, review, or None when it depends on what is unknown
    basis: tuple[str, ...]  # the rule ids the size rests on, e.g. ("SME-1",) or ("SME-2", "MID-1")
    sme_line: str | None  # the id of the industry's SME line; None when the industry is unknown
    p1: bool | None  # priority P1: the manufacturer is an SME or mid-tier


def _is_sme(line: SmeLine, capital: int | None, employees: int | None) -> tuple[bool, ...]:
    if (capital is not None and capital <= line.capital_jpy) or (
        employees is not None and employees <= line.employees
    ):
        return (True,)
    if capital is not None and employees is not None:
        return (False,)
    return BOTH


def _outcome(sme: bool, over_mid: bool, owned: bool) -> tuple[str, str | None]:
    """(size, the MID rule that decided it) for one combination of facts."""
    if sme:
        return ("review", "MID-2") if owned else ("sme", None)
    if over_mid:
        return "large", "MID-1"
    return ("large", "MID-2") if owned else ("mid_tier", "MID-1")


def company_size(profile: dict[str, Any], programme: Programme) -> Size:
    industry = profile.get("manufacturer_industry")
    capital, employees = profile.get("capital_jpy"), profile.get("employees")
    owned = profile.get("wholly_owned_by_large_company")
    lines = [programme.sme_line(industry)] if industry else list(programme.sme)
    sme_values = {value for line in lines for value in _is_sme(line, capital, employees)}
    max_employees = programme.mid_tier.max_employees
    over_values = BOTH if employees is None else (employees > max_employees,)
    owned_values = BOTH if owned is None else (owned,)
    outcomes = {_outcome(*combo) for combo in product(sorted(sme_values), over_values, owned_values)}
    sizes = {size for size, _ in outcomes}
    if sizes <= {"sme", "mid_tier"}:
        p1: bool | None = True
    elif sizes == {"large"}:
        p1 = False
    else:
        p1 = None
    line_ids = tuple(line.id for line in lines)
    if len(sizes) != 1:
        return Size(None, (), line_ids[0] if industry else None, p1)
    mids = sorted({mid for _, mid in outcomes if mid})
    return Size(sizes.pop(), line_ids + tuple(mids), line_ids[0] if industry else None, p1)
