"""The application form as an .xlsx laid out like JETRO's paper form (openpyxl): the filled one
the company receives on submission, and the blank one of /form.

One field a row: the label in Japanese (A), in Chinese (B), the answer (C), and the field's name
in a hidden column (D) by which `japanmall staff import` reads the form back; a title, a header
block (reference, submission time, programme, version stamp) and a banded heading per section.
The blank form adds the instructions under the title, each field's rules as a note on its answer
cell, and a drop-down list where the field has options (the lists on a hidden sheet). The file is
written beside its final name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from conversations.application.document import ApplicationSheet, SheetRow

SHEET_TITLE = "応募用紙"
LISTS_TITLE = "lists"  # the hidden sheet of the drop-down lists
KEY_COLUMN = 4  # D: the field's name, hidden
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _field_row(sheet: Worksheet, row: int, item: SheetRow) -> None:
    label_ja = sheet.cell(row=row, column=1, value=item.label_ja)
    label_zh = sheet.cell(row=row, column=2, value=item.label_zh)
    value = sheet.cell(row=row, column=3, value=item.value)
    if item.key:
        sheet.cell(row=row, column=KEY_COLUMN, value=item.key)
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
    if item.note:
        value.comment = Comment(item.note, "JETRO", width=320, height=160)


class _Lists:
    """The drop-down lists: each a column of the hidden sheet, offered on the answer cell."""

    def __init__(self, workbook: Workbook, sheet: Worksheet) -> None:
        self.workbook, self.sheet = workbook, sheet
        self.lists: Worksheet | None = None
        self.count = 0

    def offer(self, row: int, choices: tuple[str, ...]) -> None:
        if self.lists is None:
            self.lists = self.workbook.create_sheet(LISTS_TITLE)
            self.lists.sheet_state = "hidden"
        self.count += 1
        column = get_column_letter(self.count)
        for number, label in enumerate(choices, start=1):
            self.lists.cell(row=number, column=self.count, value=label)
        source = f"{quote_sheetname(LISTS_TITLE)}!${column}$1:${column}${len(choices)}"
        # a warning, not a stop: a label typed in the other language is read by the import too
        check = DataValidation(type="list", formula1=source, allow_blank=True, errorStyle="warning")
        self.sheet.add_data_validation(check)
        check.add(f"C{row}")


def write_application_form(path: Path, content: ApplicationSheet) -> None:
    """Write `content` to `path` (.xlsx), creating the folder."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].hidden = True
    sheet.cell(row=1, column=1, value=content.title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    row = 3
    if content.instructions:
        sheet.cell(row=2, column=1, value=content.instructions).alignment = _WRAP
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
        sheet.row_dimensions[2].height = 15 * (content.instructions.count("\n") + 2)
        row = 4
    lists = _Lists(workbook, sheet)
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
            if item.choices:
                lists.offer(row, item.choices)
            row += 1
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:C{row}"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    workbook.save(partial)
    os.replace(partial, path)
