"""The filters of `japanmall staff list`, shared by `staff export`: the same options, the same
applications. The option for the companies' language is `--lang` on list and `--company-lang` on
export, whose `--lang` is the language of its headers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import click
from sqlalchemy import Connection, Engine

from conversations.programme import Programme
from conversations.staff import review
from conversations.statuses import STATUSES
from conversations.vocab import CHANNELS, LANGUAGES, PRODUCT_CATEGORIES, TRACKS
from storage import staff as staff_store

FILTERS = ("status", "track", "category", "size", "channel", "lang", "search")


def filter_options(lang_flag: str = "--lang") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The filter options of `staff list` on a command (their values reach it by FILTERS' names)."""
    options = (
        click.option("--status", type=click.Choice(STATUSES), help="Only applications in this status."),
        click.option("--track", type=click.Choice(TRACKS), help="Only this track."),
        click.option("--category", type=click.Choice(PRODUCT_CATEGORIES), help="Only this product category."),
        click.option("--size", type=click.Choice(review.SIZES), help="Only this company size."),
        click.option("--channel", type=click.Choice(CHANNELS), help="Only companies on this channel."),
        click.option(
            lang_flag, "lang", type=click.Choice(LANGUAGES), help="Only companies using this language."
        ),
        click.option("--search", help="Text in the reference, company name or corporate number."),
    )

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _filters(options: dict[str, Any]) -> staff_store.Filters:
    return staff_store.Filters(
        status=options["status"],
        track=options["track"],
        channel=options["channel"],
        lang=options["lang"],
        search=options["search"],
    )


def find(conn: Connection, programme: Programme, options: dict[str, Any]) -> list[staff_store.Listed]:
    """The submitted applications the filter options name (a command's keyword arguments)."""
    return review.find(conn, programme, _filters(options), category=options["category"], size=options["size"])


def pages(engine: Engine, programme: Programme, options: dict[str, Any]) -> Iterator[staff_store.Listed]:
    """The same, read a page at a time (conversations/staff/review.py `pages`)."""
    filters = _filters(options)
    return review.pages(
        engine.connect, programme, filters, category=options["category"], size=options["size"]
    )


def count_at_most(conn: Connection, options: dict[str, Any]) -> int:
    """How many the database's filters leave (category and size are judged afterwards, in Python)."""
    return staff_store.count_applications(conn, _filters(options))
