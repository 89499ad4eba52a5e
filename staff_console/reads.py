"""What the pages read besides the dashboard and the table: one application in full, the
enquiries with the conversation around each, broadcasts with their progress, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from conversations.application.fields import NAMES, SECTION, SECTIONS, applies
from conversations.programme import Programme
from conversations.staff import review
from conversations.statuses import allowed_moves
from conversations.vocab import EMAIL
from staff_console.listing import Judged, judged
from storage import application_files, broadcasts, channel_users, message_log
from storage import applications as apps
from storage import staff as staff_store
from storage import staff_accounts as audit_store

FORMS = (application_files.APPLICATION_FORM, application_files.EMAIL_FORM)  # the filled, the e-mailed
AROUND = timedelta(hours=2)  # the conversation shown around an enquiry


@dataclass(frozen=True)
class Turn:
    """One step of the conversation as the company saw it: what it sent, what the bot answered."""

    at: datetime
    said: str | None  # None: the bot spoke first (a greeting)
    sent_file: bool
    answers: list[str]  # each message with the options it offered, numbered


def turns(logged: list[message_log.Logged]) -> list[Turn]:
    """A tap is shown by the label of the button the company tapped (from the step before)."""
    out: list[Turn] = []
    offered: dict[str, str] = {}
    for step in logged:
        came = step.inbound or {}
        said = came.get("text") or None
        if "option" in came:
            said = offered.get(came["option"], came["option"])
        if "file" in came:
            said = came["file"] + (f" — {came['text']}" if came.get("text") else "")
        offered = {}
        answers = []
        for message in step.messages:
            options = message.get("options") or []
            offered.update({value: label for value, label in options})
            numbered = [f"{number}. {label}" for number, (_value, label) in enumerate(options, 1)]
            answers.append("\n".join([message.get("text", ""), *numbered]).strip())
        out.append(Turn(step.at, said, "file" in came, answers))
    return out


@dataclass(frozen=True)
class Detail:
    row: apps.ApplicationRow
    channel: str
    language: str
    size: str
    judged: Judged
    sections: list[tuple[str, list[tuple[str, Any]]]]  # section -> (field, value)
    materials: list[Any]
    forms: list[Any]
    history: list[Any]
    deliveries: list[Any]
    conversation: list[Turn]
    moves: tuple[str, ...]
    company_actor: str = ""  # how the history names the company itself ("telegram:7101")
    write_to: str | None = None  # no chat account (applied by e-mail): the contact's e-mail address
    erased_at: datetime | None = None  # when `staff erase` removed its personal data

    def who(self, actor: str | None) -> tuple[str, str]:
        """Who made a move, for the history: ("company", ""), ("staff", name) or ("", actor)."""
        if not actor:
            return "", ""
        if actor == self.company_actor:
            return "company", ""
        kind, _, name = actor.partition(":")
        if kind in ("console", "cli") and name:
            return "staff", name
        if kind == "staff":
            return "staff", ""
        return "", actor


def detail(conn: Connection, programme: Programme, reference: str) -> Detail | None:
    row = apps.application_by_reference(conn, reference.strip().upper())
    if row is None or row.status == "draft":
        return None
    user = channel_users.by_id(conn, row.user_id)
    shown = {name: row.data.get(name) for name in NAMES if name in row.data or applies(name, row.data)}
    sections = [
        (section, [(name, value) for name, value in shown.items() if SECTION[name] == section])
        for section in SECTIONS
    ]
    files = application_files.files_of(conn, row.id)
    return Detail(
        row=row,
        channel=user.channel if user else "",
        language=(user.language if user else None) or row.meta.get("language") or "ja",
        size=review.size_of(row, programme),
        judged=judged(row, programme),
        sections=[(name, fields) for name, fields in sections if fields],
        materials=[f for f in files if f.kind == application_files.MATERIAL],
        forms=[f for f in files if f.kind in FORMS],
        history=list(apps.history(conn, row.id)),
        deliveries=list(staff_store.deliveries_for(conn, row.id)),
        conversation=turns(message_log.for_user(conn, row.user_id)),
        moves=allowed_moves(row.status, "staff"),
        company_actor=f"{user.channel}:{user.channel_user_id}" if user else "",
        write_to=(row.data.get("email") or "") if user is not None and user.channel == EMAIL else None,
        erased_at=erased_at(row),
    )


def erased_at(row: apps.ApplicationRow) -> datetime | None:
    """When the application's personal data were erased (bot/staff_records.py marks it), or None."""
    mark = row.meta.get("erased")
    try:
        return datetime.fromisoformat(mark["at"]) if isinstance(mark, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def stored_file(conn: Connection, file_id: int) -> Any:
    """A file the bot keeps for an application (materials, the filled form), or None."""
    found = application_files.file_by_id(conn, file_id)
    return found if found is not None and found.application_id is not None else None


@dataclass(frozen=True)
class EnquiryView:
    enquiry: staff_store.EnquiryRow
    reference: str | None
    around: list[Turn]


def enquiries(conn: Connection, *, open_only: bool) -> list[EnquiryView]:
    views = []
    for row in reversed(staff_store.enquiries(conn, open_only=open_only)):
        linked = apps.application_by_id(conn, row.application_id) if row.application_id else None
        log = message_log.for_user(conn, row.user_id)
        around = turns([m for m in log if abs(m.at - row.created_at) <= AROUND])
        views.append(EnquiryView(row, linked.reference if linked else None, around))
    return views


def recent_broadcasts(conn: Connection, limit: int = 20) -> list[broadcasts.BroadcastRow]:
    return broadcasts.latest(conn, limit)


def audit(conn: Connection, page: int, per_page: int = 50) -> tuple[int, list[audit_store.AuditRow]]:
    return audit_store.audit_page(conn, offset=(page - 1) * per_page, limit=per_page)
