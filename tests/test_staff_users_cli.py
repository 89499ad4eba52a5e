"""`japanmall staff user add|list|disable|password`, and the message log the console reads."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main
from conversations import Inbound, UserKey
from staff_console import accounts
from storage import message_log
from storage import staff_accounts as store


@pytest.fixture
def user_cli(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(main, ["staff", "user", *args], input=stdin, catch_exceptions=False)

    return invoke


def test_add_list_disable_and_a_new_password(user_cli, app):
    added = user_cli("add", "Hanako", "--role", "reviewer", "--password-stdin", stdin="a long passphrase\n")
    assert added.exit_code == 0 and "hanako (reviewer) added" in added.output
    listed = user_cli("list")
    assert listed.output.splitlines() == ["hanako\treviewer\tactive"]
    with app.engine.connect() as conn:
        found = store.account_by_name(conn, "hanako")
    assert found is not None and found.password_hash.startswith("$argon2id$")
    assert accounts.verify(found, "a long passphrase") and not accounts.verify(found, "a long passphrasE")

    changed = user_cli("password", "hanako", "--password-stdin", stdin="another long one!\n")
    assert changed.exit_code == 0
    with app.engine.connect() as conn:
        assert accounts.verify(store.account_by_name(conn, "hanako"), "another long one!")

    disabled = user_cli("disable", "hanako")
    assert disabled.exit_code == 0 and "disabled" in disabled.output
    assert "disabled" in user_cli("list").output


def test_bad_input_is_refused_with_one_line_and_exit_2(user_cli):
    short = user_cli("add", "taro", "--role", "admin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    assert (
        user_cli("add", "x", "--role", "admin", "--password-stdin", stdin="long enough pass\n").exit_code == 2
    )
    assert (
        user_cli("add", "taro", "--role", "boss", "--password-stdin", stdin="long enough pass\n").exit_code
        == 2
    )
    user_cli("add", "taro", "--role", "admin", "--password-stdin", stdin="long enough pass\n")
    again = user_cli("add", "taro", "--role", "admin", "--password-stdin", stdin="long enough pass\n")
    assert again.exit_code == 2 and "already exists" in again.output
    assert user_cli("disable", "nobody").exit_code == 2


def test_each_step_is_logged_with_what_the_user_sent_and_forget_erases_it(app):
    key = UserKey("console", "log-me")
    app.dialog.handle(key, Inbound(text="こんにちは"))
    app.dialog.handle(key, Inbound(option="check"))
    with app.engine.begin() as conn:
        from storage.dialog import get_or_create_user

        user = get_or_create_user(conn, "console", "log-me", app.services.clock())
        logged = message_log.for_user(conn, user.id)
        assert [step.inbound for step in logged] == [{"text": "こんにちは"}, {"option": "check"}]
        assert logged[0].messages and logged[0].messages[0]["text"]
        assert message_log.forget(conn, [user.id]) == 2
        assert message_log.for_user(conn, user.id) == []
