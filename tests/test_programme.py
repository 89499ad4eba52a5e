"""Programme files: the built-ins, relative demo dates, and a malformed file named with its field."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.programme import ProgrammeError, load_programme

BUILT_IN_DIR = Path(__file__).resolve().parents[1] / "bot" / "programmes"


def test_real_call_facts():
    p = load_programme("japan-mall-2025")
    assert p.dates.deadline == datetime(2026, 1, 30, 23, 59, 59, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert p.dates.deadline.weekday() == 4  # Friday, as the call says
    assert p.capacity == 150
    assert p.contact.email == "pcs@jetro.go.jp"
    assert set(p.tracks) == {"kol_affiliate", "group_buying"}
    assert p.sme_line("wholesale").capital_jpy == 100_000_000  # SME-2
    assert p.sme_line("services").employees == 100  # SME-4
    assert p.mid_tier.max_employees == 2000  # MID-1


def test_demo_dates_are_relative_to_today():
    p = load_programme("demo", today=date(2026, 11, 25))
    assert p.dates.deadline.date() == date(2026, 12, 25)
    assert p.dates.intake_opens.date() == date(2026, 10, 26)
    assert p.dates.promotion_start > p.dates.deadline
    assert p.intake_open(datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("Asia/Tokyo")))


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = (BUILT_IN_DIR / "japan-mall-2025.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "programme.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_file_by_path_loads(tmp_path):
    path = _write(tmp_path, "capacity = 150", "capacity = 80")
    assert load_programme(str(path)).capacity == 80


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("capacity = 150", "capacity = -1", "capacity"),
        ("deadline = 2026-01-30T23:59:59+09:00", "deadline = 2026-01-30T23:59:59", "dates.deadline"),
        ('timezone = "Asia/Tokyo"', 'timezone = "Mars/Olympus"', "timezone"),
        ('industry = "wholesale"', 'industry = "farming"', "sme.1.industry"),
        ('email = "pcs@jetro.go.jp"', "", "contact.email"),
    ],
)
def test_malformed_file_names_path_and_field(tmp_path, old, new, field):
    path = _write(tmp_path, old, new)
    with pytest.raises(ProgrammeError) as error:
        load_programme(str(path))
    message = str(error.value)
    assert str(path) in message and f"field {field}" in message
    assert "\n" not in message


def test_unknown_programme_and_broken_toml(tmp_path):
    with pytest.raises(ProgrammeError, match="no such programme file"):
        load_programme(str(tmp_path / "nope.toml"))
    broken = tmp_path / "broken.toml"
    broken.write_text("capacity = = 3", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="not valid TOML"):
        load_programme(str(broken))
