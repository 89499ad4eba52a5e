"""The filled application form: its content (built here, channel-neutral) and its file.

The core builds an `ApplicationSheet` (labels in Japanese and Chinese, one field a row); the
writer that lays it out as .xlsx is passed in as `Services.form_writer` (the core imports
nothing from bot/), and the file goes under `Services.files_dir`.
The `files` row carries an unguessable `token` and its `token_expires_at`, by which a channel
without document messages (WeChat) serves the file as a link.

Every row names its field (`SheetRow.key`) and every form carries a version stamp (programme,
layout, the company's language), so that `japanmall staff import` reads a form back by field
name; the blank form of /form (blank.py) is built from the same rows.
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

from conversations.application import consent
from conversations.application.fields import KIND, NAMES, SECTION, SECTIONS, applicable
from conversations.application.summary import display
from conversations.context import Context
from conversations.events import FileRef
from conversations.i18n import Texts, format_datetime
from conversations.vocab import LANGUAGES
from storage.application_files import APPLICATION_FORM, add_file, file_link

log = logging.getLogger(__name__)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERSION_KEY = "_version"  # the header row of the form's version stamp
TOKEN_LIFETIME = timedelta(days=30)
NUMBER_FORMATS = {"yen": '#,##0"円"', "headcount": '#,##0"人"', "cny": '#,##0.00"元"', "count": "0"}
Cell = str | int | float | None


@dataclass(frozen=True)
class SheetRow:
    """One row: the label in both languages and the value; `key` names the field (or a header row,
    keys starting with "_"), kept in a hidden column so that an import finds every field by name;
    `note` (the field's rules) and `choices` (a drop-down list of labels) are the blank form's."""

    label_ja: str
    label_zh: str
    value: Cell
    number_format: str | None = None
    key: str | None = None
    note: str | None = None
    choices: tuple[str, ...] = ()


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
    instructions: str | None = None  # the blank form: how to fill it in and where to send it


FormWriter = Callable[[Path, ApplicationSheet], None]


def both_languages(texts: Texts, key: str, **variables: Any) -> tuple[str, str]:
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
    if kind == "consent":  # agreed or not, as the import reads it back ("はい / 是")
        word = f"core.options.{'yes' if consent.given(value) else 'no'}"
        ja, zh = (texts.render(lang, word) for lang in LANGUAGES)
        return f"{ja} / {zh}", None
    if kind in ("bool", "choice", "platforms"):
        ja, zh = (display(texts, lang, name, value) for lang in LANGUAGES)
        return (ja if ja == zh else f"{ja} / {zh}"), None
    return str(value), None


def layout_digest() -> str:
    """What changes when the form's fields change (their names, kinds and sections)."""
    layout = ",".join(f"{name}:{KIND[name]}:{SECTION[name]}" for name in NAMES)
    return hashlib.sha256(layout.encode()).hexdigest()[:8]


def form_version(programme_id: str, lang: str) -> str:
    """The version stamp of a form: programme, layout and the company's language, e.g.
    `japan-mall-2025/1a2b3c4d/ja`; an import reads the programme and the language back from it."""
    return f"{programme_id}/{layout_digest()}/{lang}"


def parse_version(stamp: str) -> tuple[str, str, str] | None:
    """(programme, layout digest, language) of a version stamp, or None when it is not one."""
    parts = stamp.strip().split("/")
    if len(parts) != 3 or parts[2] not in LANGUAGES:
        return None
    return parts[0], parts[1], parts[2]


def programme_rows(texts: Texts, programme_id: str, lang: str) -> tuple[SheetRow, ...]:
    """The header rows every form carries: the programme and the version stamp."""
    name = " / ".join(both_languages(texts, "application.form.name"))
    return (
        SheetRow(*both_languages(texts, "application.form.programme"), name, key="_programme"),
        SheetRow(
            *both_languages(texts, "export.form.version"), form_version(programme_id, lang), key=VERSION_KEY
        ),
    )


def build_sheet(
    texts: Texts,
    answers: Mapping[str, Any],
    *,
    reference: str,
    submitted_at: datetime,
    zone: str,
    programme_id: str,
    lang: str,
) -> ApplicationSheet:
    """Every field that applies to this company, by section, with both languages' labels."""
    header = (
        SheetRow(*both_languages(texts, "application.form.reference"), reference, key="_reference"),
        SheetRow(
            *both_languages(texts, "application.form.submitted_at"),
            f"{format_datetime(submitted_at, 'ja')}（{zone}）",
            key="_submitted_at",
        ),
        *programme_rows(texts, programme_id, lang),
    )
    names = applicable(answers)
    sections = []
    for section in SECTIONS:
        rows = []
        for name in (n for n in names if SECTION[n] == section):
            value, number_format = _cell(texts, name, answers.get(name))
            rows.append(
                SheetRow(*both_languages(texts, f"application.fields.{name}"), value, number_format, key=name)
            )
        sections.append(SheetSection(*both_languages(texts, f"application.sections.{section}"), tuple(rows)))
    title = " / ".join(both_languages(texts, "application.form.title"))
    return ApplicationSheet(title, header, tuple(sections))


def offer(
    ctx: Context,
    sheet: ApplicationSheet,
    *,
    folder: str,
    name: str,
    kind: str,
    application_id: int | None = None,
) -> FileRef | None:
    """Write `sheet` under the files folder, record it as a `files` row with a download token, and
    return it to be sent to the company (None when no form writer is configured)."""
    writer: FormWriter | None = ctx.services.form_writer
    files_dir = ctx.services.files_dir
    if writer is None or files_dir is None:
        log.warning("no form writer configured; no .xlsx for %s", name)
        return None
    path = Path(files_dir).expanduser().resolve() / folder / name
    writer(path, sheet)
    content = path.read_bytes()
    token = secrets.token_urlsafe(32)
    add_file(
        ctx.conn,
        kind=kind,
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
    # The link `japanmall serve` answers at GET /files/<token> (handlers/files.py): how WeChat,
    # which has no document messages, offers the form; Telegram sends the file at `path`.
    return FileRef(name=name, path=str(path), url=file_link(token), mime=XLSX_MIME, size=len(content))


def produce(ctx: Context, *, application_id: int, reference: str, zone: str) -> FileRef | None:
    """Write the filled form, record it as a `files` row, and return it to be offered to the company."""
    sheet = build_sheet(
        ctx.services.texts,
        ctx.answers,
        reference=reference,
        submitted_at=ctx.now.astimezone(ctx.programme.tz),
        zone=zone,
        programme_id=ctx.programme.id,
        lang=ctx.lang,
    )
    document = offer(
        ctx,
        sheet,
        folder="applications",
        name=f"{reference}.xlsx",
        kind=APPLICATION_FORM,
        application_id=application_id,
    )
    if document is not None:
        log.info("application form written", extra={"reference": reference, "application_id": application_id})
    return document
