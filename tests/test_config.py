"""Settings: docs/interfaces.md's names, one clear line per problem, start-up stops on a bad value."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url == "sqlite:///japanmall.db"
    assert settings.programme == "japan-mall-2025"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.telegram_mode == "polling"
    assert settings.staff_accounts == frozenset()


def test_env_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("JAPANMALL_PROGRAMME=demo\nJAPANMALL_STAFF=telegram:1,wechat:oAbC\n")
    settings = load_settings()
    assert settings.programme == "demo"
    assert settings.staff_accounts == {("telegram", "1"), ("wechat", "oAbC")}


def test_postgres_url_uses_psycopg3(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", "postgresql://u@db/jm")
    assert load_settings().database_url == "postgresql+psycopg://u@db/jm"


def test_each_problem_is_one_line(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_TELEGRAM_MODE", "pigeon")
    monkeypatch.setenv("JAPANMALL_STAFF", "telegram")
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", "mysql://x")
    with pytest.raises(ConfigError) as error:
        load_settings()
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert any(line.startswith("JAPANMALL_TELEGRAM_MODE:") for line in lines)
    assert any(line.startswith("JAPANMALL_STAFF:") for line in lines)
    assert any(line.startswith("JAPANMALL_DATABASE_URL:") for line in lines)


def test_webhook_mode_needs_secret_and_url(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("JAPANMALL_TELEGRAM_MODE", "webhook")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert "JAPANMALL_TELEGRAM_WEBHOOK_SECRET" in str(error.value)


def test_cli_stops_with_clear_lines(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "JAPANMALL_PROGRAMME": "nowhere.toml", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "nowhere.toml: no such programme file" in result.stderr
    assert "Traceback" not in result.stderr
