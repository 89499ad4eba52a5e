"""Reading an application form (.xlsx) back: each field's answer cell found by the field's name in
the hidden key column (bot/forms.py lays it out), and the form's version stamp.

Bounded: a file over MAX_BYTES or rows past MAX_ROWS are not read (a form has about 70 rows).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.forms import KEY_COLUMN, SHEET_TITLE
from conversations.application.document import VERSION_KEY, parse_version
from conversations.application.form_import import SheetCell

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 500
VALUE_COLUMN = KEY_COLUMN - 1  # C: the answer, left of its field's name


class Unreadable(Exception):
    """Not an .xlsx this code can open (or too large)."""


@dataclass(frozen=True)
class FormFile:
    cells: dict[str, SheetCell]  # by field name (header rows' keys start with "_")
    version: tuple[str, str, str] | None  # (programme, layout, language) of its stamp

    @property
    def language(self) -> str | None:
        return self.version[2] if self.version else None


def read_form(content: bytes) -> FormFile:
    """The answer cells of a form, by field name; raises Unreadable."""
    if len(content) > MAX_BYTES:
        raise Unreadable("too large")
    try:
        cells = _cells(content)
    except Exception as error:  # whatever a broken or hostile file makes openpyxl raise
        raise Unreadable(type(error).__name__) from None
    stamp = cells.get(VERSION_KEY)
    version = parse_version(str(stamp.value)) if stamp and stamp.value else None
    return FormFile(cells, version)


def _cells(content: bytes) -> dict[str, SheetCell]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        letter = get_column_letter(VALUE_COLUMN)
        cells: dict[str, SheetCell] = {}
        rows = sheet.iter_rows(
            min_row=1, max_row=MAX_ROWS, min_col=VALUE_COLUMN, max_col=KEY_COLUMN, values_only=True
        )
        for number, (value, key) in enumerate(rows, start=1):
            if isinstance(key, str) and key.strip():
                cells.setdefault(key.strip(), SheetCell(f"{letter}{number}", value))
        return cells
    finally:
        book.close()
