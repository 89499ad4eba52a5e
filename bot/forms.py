"""The filled application as an .xlsx laid out like JETRO's paper form (openpyxl).

One field a row: the label in Japanese (A), in Chinese (B), the answer (C); a title, a header
block (reference, submission time, programme) and a banded heading per section. The file is
written beside its final name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from conversations.application.document import ApplicationSheet, SheetRow

SHEET_TITLE = "応募用紙"
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _field_row(sheet: Worksheet, row: int, item: SheetRow) -> None:
    label_ja = sheet.cell(row=row, column=1, value=item.label_ja)
    label_zh = sheet.cell(row=row, column=2, value=item.label_zh)
    value = sheet.cell(row=row, column=3, value=item.value)
    for cell in (label_ja, label_zh):
        cell.fill = _LABEL_FILL
        cell.font = Font(bold=True)
    if item.number_format:
        value.number_format = item.number_format
    elif isinstance(item.value, str):
        value.number_format = "@"  # keep 法人番号, JAN and phone numbers as text (leading zeros)
    for cell in (label_ja, label_zh, value):
        cell.border = _BOX
        cell.alignment = _WRAP


def write_application_form(path: Path, content: ApplicationSheet) -> None:
    """Write `content` to `path` (.xlsx), creating the folder."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 60
    sheet.cell(row=1, column=1, value=content.title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    row = 3
    for item in content.header:
        _field_row(sheet, row, item)
        row += 1
    for section in content.sections:
        row += 1
        title = (
            section.title_ja
            if section.title_ja == section.title_zh
            else f"{section.title_ja} / {section.title_zh}"
        )
        heading = sheet.cell(row=row, column=1, value=title)
        heading.font = Font(bold=True, color="FFFFFF")
        heading.fill = _SECTION_FILL
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        row += 1
        for item in section.rows:
            _field_row(sheet, row, item)
            row += 1
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    workbook.save(partial)
    os.replace(partial, path)
