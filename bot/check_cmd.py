"""`japanmall check --json FILE`: the eligibility pre-check of a company profile (docs/interfaces.md).

Prints the verdict as JSON and exits 0. A file that cannot be read, is not JSON, or holds a
wrong value exits 2 with one line naming the key and what is allowed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from bot.config import ConfigError, load_settings
from bot.programme import Programme, ProgrammeError, load_programme


def _stop(message: str) -> None:
    click.echo(f"japanmall check: {message}", err=True)
    sys.exit(2)


def _read(source: str) -> Any:
    name = "stdin" if source == "-" else source
    try:
        with click.open_file(source, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        _stop(f"{name}: cannot read the file ({reason})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _stop(f"{name}: not valid JSON: {exc}")


def _programme() -> Programme:
    try:
        return load_programme(load_settings().programme)
    except (ConfigError, ProgrammeError) as exc:
        _stop("configuration problem: " + " / ".join(str(exc).splitlines()))
        raise  # unreachable


@click.command("check")
@click.option(
    "--json",
    "source",
    required=True,
    metavar="FILE",
    help="The company profile as JSON (docs/interfaces.md's keys, all optional); - reads standard input.",
)
def check(source: str) -> None:
    """Eligibility pre-check of a company profile; prints the verdict as JSON."""
    from conversations.eligibility import ProfileError, evaluate, validate_profile

    data = _read(source)
    programme = _programme()
    try:
        verdict = evaluate(validate_profile(data, programme), programme)
    except ProfileError as exc:
        _stop(str(exc))
    click.echo(json.dumps(verdict, ensure_ascii=False, indent=2))
