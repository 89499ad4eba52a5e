"""What staff change, in one place for the three ways they work: the chat (`/staff set`,
`/staff reply`), the command line (`japanmall staff set-status`, `staff reply`) and the staff
console. Each action runs in the caller's transaction and writes the company's message into the
outbox (storage/deliveries.py) in that same transaction: the move and its notice commit together
or not at all, and the sender delivers the notice afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from hashlib import sha1

from sqlalchemy import Connection

from conversations.events import Outbound
from conversations.i18n import Texts
from conversations.programme import Programme
from conversations.staff import moves
from storage import applications as store
from storage import channel_users, deliveries, links
from storage import staff as staff_store

__all__ = ["Moved", "Replied", "language_of", "move", "notice_key", "reply", "reply_key"]


@dataclass(frozen=True, slots=True)
class Moved:
    application: store.ApplicationRow  # after the move
    from_status: str
    delivery_id: int  # the notice to the company's own account (linked accounts get one each too)
    outcome: str  # the notice's outcome so far: queued, or held / undeliverable / blocked at once


@dataclass(frozen=True, slots=True)
class Replied:
    enquiry: staff_store.EnquiryRow
    delivery_id: int
    outcome: str


def language_of(conn: Connection, user_id: int, fallback: str | None = None) -> str:
    user = channel_users.by_id(conn, user_id)
    return (user.language if user else None) or fallback or "ja"


def notice_key(application_id: int, status: str, at: datetime) -> str:
    return f"status:{application_id}:{status}:{at.isoformat()}"


def reply_key(enquiry_id: int, answer: str) -> str:
    return f"enquiry:{enquiry_id}:{sha1(answer.encode()).hexdigest()[:16]}"


def move(
    conn: Connection,
    texts: Texts,
    programme: Programme,
    reference_or_row: str | store.ApplicationRow,
    wanted: str,
    *,
    who: str,
    now: datetime,
    note: str | None = None,
) -> Moved:
    """Move an application (raises moves.NotFound, or MoveRefused with nothing changed) and
    write its notice, in the company's language, into the outbox."""
    before = reference_or_row
    if isinstance(before, str):
        found = store.application_by_reference(conn, before.strip().upper())
        if found is None:
            raise moves.NotFound(before)
        before = found
    moved = moves.make_move(conn, before, wanted, actor="staff", who=who, now=now, note=note)
    key = notice_key(moved.id, moved.status, now)
    first = None
    # The company's own account, then each account staff linked to the application (`staff link`),
    # each in its own language.
    for user_id in (moved.user_id, *links.linked_users(conn, moved.id)):
        lang = language_of(conn, user_id, moved.meta.get("language") if user_id == moved.user_id else None)
        text = moves.notice(conn, texts, programme, moved, lang, from_status=before.status, note=note)
        row, _new = deliveries.enqueue(
            conn,
            user_id=user_id,
            kind="notice",
            messages=[Outbound(text).to_json()],
            now=now,
            dedup_key=key if user_id == moved.user_id else f"{key}:linked:{user_id}",
            application_id=moved.id,
        )
        first = first or row
    assert first is not None
    return Moved(moved, before.status, first.id, first.outcome)


def reply(
    conn: Connection, texts: Texts, enquiry_id: int, answer: str, *, who: str, now: datetime
) -> Replied:
    """Answer an enquiry (LookupError when there is none) and write the answer for the company,
    introduced in its language, into the outbox."""
    found = staff_store.enquiry(conn, enquiry_id)
    if found is None:
        raise LookupError(enquiry_id)
    answer = answer.strip()
    staff_store.answer_enquiry(conn, found.id, answer=answer, by=who, now=now)
    text = texts.render(language_of(conn, found.user_id), "staff.reply.to_company", answer=answer)
    row, _new = deliveries.enqueue(
        conn,
        user_id=found.user_id,
        kind="enquiry_reply",
        messages=[Outbound(text).to_json()],
        now=now,
        dedup_key=reply_key(found.id, answer),
        application_id=found.application_id,
    )
    return Replied(found, row.id, row.outcome)
