"""Reading a programme file: the facts of a call (the model is conversations/programme.py).

Two programmes are built in (``japan-mall-2025`` and ``demo``); any other TOML or YAML file
with the same fields can be named by path. A malformed file stops start-up with
:class:`ProgrammeError`, naming the path and the field.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import ValidationError

from conversations.programme import Programme, SmeLine

__all__ = ["BUILT_IN", "Programme", "ProgrammeError", "SmeLine", "load_programme"]

BUILT_IN = ("japan-mall-2025", "demo")

_RELATIVE = re.compile(r"^today(?P<sign>[+-])(?P<days>\d+)d(?:\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?$")


class ProgrammeError(ValueError):
    """The programme file cannot be used; the message names the path and the field."""


def _resolve_relative(data: Any, today: date, tz: ZoneInfo) -> Any:
    """Turn "today+30d 23:59:59" strings into aware datetimes (the demo programme)."""
    if isinstance(data, dict):
        return {key: _resolve_relative(value, today, tz) for key, value in data.items()}
    if isinstance(data, str):
        match = _RELATIVE.match(data.strip())
        if match:
            days = int(match["days"]) * (1 if match["sign"] == "+" else -1)
            at = time.fromisoformat(match["time"]) if match["time"] else time(0, 0)
            return datetime.combine(today + timedelta(days=days), at, tzinfo=tz)
    return data


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else tomllib.loads(text)
    if not isinstance(data, dict):
        raise ProgrammeError(f"{path}: the file must hold a table of fields")
    return data


def load_programme(name_or_path: str, *, today: date | None = None) -> Programme:
    """Load a built-in programme by name or a programme file by path."""
    if name_or_path in BUILT_IN:
        resource = resources.files("bot") / "programmes" / f"{name_or_path}.toml"
        path = Path(str(resource))
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ProgrammeError(f"{name_or_path}: no such programme file (built in: {', '.join(BUILT_IN)})")
    try:
        data = _read(path)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProgrammeError(f"{path}: not valid TOML/YAML: {exc}") from exc
    zone_name = data.get("timezone", "UTC")
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    data = _resolve_relative(data, today or datetime.now(zone).date(), zone)
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise ProgrammeError(f"{path}: field {field}: {first['msg']}") from None
