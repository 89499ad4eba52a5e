"""`japanmall check --json FILE` (docs/interfaces.md): the verdict as JSON, or exit 2 with one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.test_eligibility_rules import FULL

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the real `japanmall` group in a clean folder (no .env) with the 2025 programme."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(main, ["check", *args], input=stdin)

    return invoke


def write(tmp_path: Path, data, name: str = "profile.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_check_prints_the_verdict_of_a_file(run, tmp_path):
    result = run("--json", write(tmp_path, FULL))
    assert result.exit_code == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["eligible"] is True
    assert verdict["company_size"] == "sme" and verdict["priority"] is True
    assert verdict["failed"] == [] and verdict["unknown"] == [] and verdict["warnings"] == ["A2", "A3"]


def test_check_reads_standard_input_with_a_dash(run):
    result = run("--json", "-", stdin=json.dumps({"samples_ok": False, "employees": 2001}))
    assert result.exit_code == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["eligible"] is False and verdict["failed"] == ["E6"]
    assert "E1" in verdict["unknown"]


def test_an_empty_profile_is_unknown_not_an_error(run):
    result = run("--json", "-", stdin="{}")
    assert result.exit_code == 0
    verdict = json.loads(result.stdout)
    assert verdict["eligible"] is None and verdict["company_size"] is None and verdict["priority"] is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"employees": "many"}, "employees: must be a whole number"),
        ({"manufacturer_industry": "mining"}, "manufacturer_industry: must be one of manufacturing, whole"),
        ({"samples_ok": "yes"}, "samples_ok: must be true, false or null"),
        ({"ec_platforms": ["taobao"]}, "ec_platforms: must be a list of red, douyin, wechat_shop"),
        ({"employes": 12}, "employes: is not a profile key; allowed: applicant_type"),
        ([1, 2], "profile: must be a JSON object"),
        ('{"employees": 12,', "not valid JSON"),
        ("", "not valid JSON"),
    ],
)
def test_a_wrong_file_exits_2_with_one_line_naming_the_key(run, tmp_path, content, expected):
    result = run("--json", write(tmp_path, content))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_a_missing_file_exits_2_with_one_line(run, tmp_path):
    result = run("--json", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nowhere.json" in result.stderr


def test_the_programme_file_supplies_the_sme_lines(run, tmp_path, monkeypatch):
    source = Path(str(resources.files("bot") / "programmes" / "japan-mall-2025.toml")).read_text("utf-8")
    changed = source.replace("capital_jpy = 300_000_000", "capital_jpy = 500_000_000", 1)
    assert changed != source
    monkeypatch.setenv("JAPANMALL_PROGRAMME", write(tmp_path, changed, "next-year.toml"))
    profile = {"manufacturer_industry": "manufacturing", "capital_jpy": 400_000_000, "employees": 900}
    profile["wholly_owned_by_large_company"] = False
    assert json.loads(run("--json", write(tmp_path, profile)).stdout)["company_size"] == "sme"
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    assert json.loads(run("--json", write(tmp_path, profile)).stdout)["company_size"] == "mid_tier"


def test_check_is_listed_in_the_help(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--help"])
    assert "check" in result.stdout


def test_the_real_command_line_through_a_process(tmp_path):
    env = {**os.environ, "JAPANMALL_PROGRAMME": "japan-mall-2025", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bot.cli", "check", "--json", "-"]
    done = subprocess.run(
        command, input=json.dumps(FULL), capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["eligible"] is True
    wrong = '{"employees": "many"}'
    bad = subprocess.run(
        command, input=wrong, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        'japanmall check: employees: must be a whole number, 0 or more (e.g. 120), or null (got "many")'
    ]
