"""The filled application form: its content (built here, channel-neutral) and its file.

The core builds an `ApplicationSheet` (labels in Japanese and Chinese, one field a row); the
writer that lays it out as .xlsx is passed in through `Services.options["form_writer"]` (the
core imports nothing from bot/), and the file goes under `Services.options["files_dir"]`.
The `files` row carries an unguessable `token` and its `token_expires_at`, by which a channel
without document messages (WeChat) serves the file as a link.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from conversations.application.fields import KIND, SECTION, SECTIONS, applicable
from conversations.application.summary import display
from conversations.context import Context
from conversations.events import FileRef
from conversations.i18n import Texts, format_datetime
from conversations.vocab import LANGUAGES
from storage.application_files import APPLICATION_FORM, add_file, file_link

log = logging.getLogger(__name__)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN_LIFETIME = timedelta(days=30)
NUMBER_FORMATS = {"yen": '#,##0"円"', "headcount": '#,##0"人"', "cny": '#,##0.00"元"', "count": "0"}
Cell = str | int | float | None


@dataclass(frozen=True)
class SheetRow:
    label_ja: str
    label_zh: str
    value: Cell
    number_format: str | None = None


@dataclass(frozen=True)
class SheetSection:
    title_ja: str
    title_zh: str
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class ApplicationSheet:
    title: str
    header: tuple[SheetRow, ...]
    sections: tuple[SheetSection, ...]


FormWriter = Callable[[Path, ApplicationSheet], None]


def _both(texts: Texts, key: str, **variables: Any) -> tuple[str, str]:
    return texts.render("ja", key, **variables), texts.render("zh", key, **variables)


def _material(item: dict[str, Any]) -> str:
    """A file's name, or a link with the extraction code of its shared folder (提取码 8k2m)."""
    shown = str(item.get("url") or item.get("name"))
    return f"{shown} 提取码/code: {item['code']}" if item.get("code") else shown


def _cell(texts: Texts, name: str, value: Any) -> tuple[Cell, str | None]:
    kind = KIND[name]
    if value is None:
        return None, None
    if kind in NUMBER_FORMATS:
        return value, NUMBER_FORMATS[kind]
    if kind == "materials":
        return "\n".join(_material(item) for item in value), None
    if kind in ("bool", "choice", "platforms"):
        ja, zh = (display(texts, lang, name, value) for lang in LANGUAGES)
        return (ja if ja == zh else f"{ja} / {zh}"), None
    return str(value), None


def build_sheet(
    texts: Texts, answers: Mapping[str, Any], *, reference: str, submitted_at: datetime, zone: str
) -> ApplicationSheet:
    """Every field that applies to this company, by section, with both languages' labels."""
    header = (
        SheetRow(*_both(texts, "application.form.reference"), reference),
        SheetRow(
            *_both(texts, "application.form.submitted_at"), f"{format_datetime(submitted_at, 'ja')}（{zone}）"
        ),
        SheetRow(
            *_both(texts, "application.form.programme"), " / ".join(_both(texts, "application.form.name"))
        ),
    )
    names = applicable(answers)
    sections = []
    for section in SECTIONS:
        rows = []
        for name in (n for n in names if SECTION[n] == section):
            value, number_format = _cell(texts, name, answers.get(name))
            rows.append(SheetRow(*_both(texts, f"application.fields.{name}"), value, number_format))
        sections.append(SheetSection(*_both(texts, f"application.sections.{section}"), tuple(rows)))
    title = " / ".join(_both(texts, "application.form.title"))
    return ApplicationSheet(title, header, tuple(sections))


def produce(ctx: Context, *, application_id: int, reference: str, zone: str) -> FileRef | None:
    """Write the filled form, record it as a `files` row, and return it to be offered to the company."""
    writer: FormWriter | None = ctx.services.options.get("form_writer")
    files_dir = ctx.services.options.get("files_dir")
    if writer is None or files_dir is None:
        log.warning("no form writer configured; %s has no .xlsx", reference)
        return None
    sheet = build_sheet(
        ctx.services.texts,
        ctx.answers,
        reference=reference,
        submitted_at=ctx.now.astimezone(ctx.programme.tz),
        zone=zone,
    )
    name = f"{reference}.xlsx"
    path = Path(files_dir).expanduser().resolve() / "applications" / name
    writer(path, sheet)
    content = path.read_bytes()
    token = secrets.token_urlsafe(32)
    add_file(
        ctx.conn,
        kind=APPLICATION_FORM,
        name=name,
        path=str(path),
        mime=XLSX_MIME,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        token=token,
        token_expires_at=ctx.now + TOKEN_LIFETIME,
        user_id=ctx.user.id,
        application_id=application_id,
        now=ctx.now,
    )
    log.info("application form written", extra={"reference": reference, "application_id": application_id})
    # The link `japanmall serve` answers at GET /files/<token> (handlers/files.py): how WeChat,
    # which has no document messages, offers the form; Telegram sends the file at `path`.
    return FileRef(name=name, path=str(path), url=file_link(token), mime=XLSX_MIME, size=len(content))
