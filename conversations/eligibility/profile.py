"""The company profile (docs/interfaces.md): its keys, their allowed values, and checking a profile.

Every key is optional; a key that is absent or null is "I don't know". A wrong value raises
:class:`ProfileError`, whose message is one line naming the key and what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from conversations import vocab

if TYPE_CHECKING:
    from conversations.programme import Programme

CHOICES: dict[str, tuple[str, ...]] = {
    "applicant_type": vocab.APPLICANT_TYPES,
    "track": vocab.TRACKS,
    "product_category": vocab.PRODUCT_CATEGORIES,
    "store_owner": vocab.STORE_OWNERS,
    "manufacturer_industry": vocab.INDUSTRIES,
    "china_trademark": vocab.TRADEMARK_STATES,
}
BOOLEANS = (
    "japanese_brand",
    "cross_border_direct",
    "distributed_in_china",
    *vocab.COMMITMENTS,
    "wholly_owned_by_large_company",
    "in_other_china_promotion",
)
INTEGERS = ("capital_jpy", "employees")
EC_PLATFORMS = vocab.EC_PLATFORMS
PROFILE_KEYS: tuple[str, ...] = (
    "applicant_type",
    "track",
    "product_category",
    "japanese_brand",
    "ec_platforms",
    "store_owner",
    "cross_border_direct",
    "distributed_in_china",
    "samples_ok",
    "materials_ok",
    "ships_within_7_days",
    "shares_sales_data",
    "no_ip_infringement",
    "accepts_export_control",
    "cooperates_with_surveys",
    "agrees_to_publication",
    "accepts_jetro_decision",
    "manufacturer_industry",
    "capital_jpy",
    "employees",
    "wholly_owned_by_large_company",
    "in_other_china_promotion",
    "china_trademark",
)


_NOTHING = object()


class ProfileError(ValueError):
    """A profile that cannot be judged; the message names the key and what is allowed."""

    def __init__(self, key: str, allowed: str, given: Any = _NOTHING) -> None:
        super().__init__(f"{key}: {allowed}" + ("" if given is _NOTHING else f" (got {_show(given)})"))
        self.key = key
        self.allowed = allowed


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def store_platforms(programme: Programme | None) -> tuple[str, ...]:
    """The EC platforms whose stores count for E3 (from the programme, else vocab.EC_PLATFORMS)."""
    if programme is None:
        return EC_PLATFORMS
    found = [p for track in programme.tracks.values() for p in track.store_platforms]
    return tuple(dict.fromkeys(found)) or EC_PLATFORMS


def _check(key: str, value: Any, programme: Programme | None) -> Any:
    if key in CHOICES:
        allowed = CHOICES[key]
        if key == "track" and programme is not None:
            allowed = tuple(t for t in allowed if t in programme.tracks)
        if value not in allowed:
            raise ProfileError(key, "must be one of " + ", ".join(allowed) + ", or null", value)
        return value
    if key in BOOLEANS:
        if not isinstance(value, bool):
            raise ProfileError(key, "must be true, false or null", value)
        return value
    if key in INTEGERS:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            example = 300000000 if key == "capital_jpy" else 120
            raise ProfileError(key, f"must be a whole number, 0 or more (e.g. {example}), or null", value)
        return value
    platforms = store_platforms(programme)
    if not isinstance(value, list) or any(item not in platforms for item in value):
        allowed = ", ".join(platforms)
        raise ProfileError(key, f"must be a list of {allowed} (an empty list: no EC store), or null", value)
    return list(dict.fromkeys(value))


def validate_profile(data: Any, programme: Programme | None = None, *, strict: bool = True) -> dict[str, Any]:
    """The profile's known keys with checked values; null values dropped (they mean unknown).

    `strict` refuses keys the profile does not have (a misspelt key would silently be unknown);
    without it they are ignored, so that a conversation's answers can be passed as they are.
    """
    if not isinstance(data, Mapping):
        raise ProfileError(
            "profile", "must be a JSON object with keys such as applicant_type, track, …", data
        )
    if strict:
        for key in data:
            if key not in PROFILE_KEYS:
                raise ProfileError(str(key), "is not a profile key; allowed: " + ", ".join(PROFILE_KEYS))
    return {
        key: _check(key, data[key], programme)
        for key in PROFILE_KEYS
        if key in data and data[key] is not None
    }
