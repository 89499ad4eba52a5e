"""`japanmall staff export --output FILE.xlsx|FILE.csv [--lang ja|zh] [filters of staff list]`.

The columns and rows are conversations/staff/export.py's. The .xlsx is written by openpyxl in
write-only mode (rows stream to disk): frozen header, autofilter, column widths, real Excel dates
and number formats, hyperlinks for materials and form files, and a second sheet of counts by
status, track, company size and priority. The .csv has the same columns, in UTF-8 with a BOM so
that Excel opens Japanese and Chinese correctly.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.staff_filters import FILTERS, count_at_most, filter_options, pages
from bot.wiring import App
from conversations.staff.export import COLUMNS, Export, Link
from conversations.vocab import LANGUAGES

FORMATS = {
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
    "headcount": '#,##0"人"',
    "cny": '#,##0.00"元"',
    "count": "#,##0",
}
YEN = {"ja": '#,##0"円"', "zh": '#,##0"日元"'}
FORMULA_MARKS = ("=", "+", "-", "@", "\t", "\r")  # what makes Excel read a CSV cell as a formula
PROGRESS_FROM = 200  # a progress bar on exports longer than this


@click.command()
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write: a .xlsx or .csv file.",
)
@click.option("--lang", "labels", type=click.Choice(LANGUAGES), default="ja", help="Language of the headers.")
@filter_options("--company-lang")
def export(output: Path, labels: str, **filters: Any) -> None:
    """Export the applications (.xlsx or .csv by the suffix of --output), filtered as staff list."""
    from bot.cli import load_app

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        click.echo("the output must end in .xlsx or .csv", err=True)
        sys.exit(2)
    app = load_app()
    with app.engine.connect() as conn:
        total = count_at_most(conn, filters)
    progress = sys.stderr if total > PROGRESS_FROM else _Silent()
    with click.progressbar(length=total, label="exporting", file=progress) as bar:
        written = export_file(app, output, lang=labels, options=filters, on_row=lambda: bar.update(1))
        bar.update(total - written)  # what the category or size filter left out
    click.echo(f"{written} application(s) written to {output}")


def export_file(
    app: App,
    output: Path,
    *,
    lang: str = "ja",
    options: dict[str, Any] | None = None,
    on_row: Callable[[], object] | None = None,
) -> int:
    """Write the export (.xlsx or .csv by the suffix) of the applications the filters of staff list
    name (`options`; none: all); how many were written. For the command and any other caller."""
    options = {name: None for name in FILTERS} | (options or {})
    with app.engine.connect() as conn:
        sheet = Export(conn, app.programme, app.texts, lang, app.settings.public_url)
    written = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal written
        for item in pages(app.engine, app.programme, options):
            written += 1
            if on_row is not None:
                on_row()
            yield sheet.row(item)

    (write_xlsx if output.suffix.lower() == ".xlsx" else write_csv)(output, sheet, rows())
    return written


class _Silent:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def write_csv(path: Path, sheet: Export, rows: Iterable[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # the BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow(sheet.header())
        writer.writerows([_text(value) for value in row] for row in rows)


def _text(value: Any) -> Any:
    if isinstance(value, Link):
        return value.url
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_MARKS):
        return "'" + value  # what a company wrote is never a formula when Excel opens the CSV
    return value


def write_xlsx(path: Path, sheet: Export, rows: Iterable[list[Any]]) -> None:
    book = Workbook(write_only=True)
    table = book.create_sheet(sheet.t("export.sheets.applications"))
    table.freeze_panes = "B2"  # the header row and the reference column stay in view
    for number, column in enumerate(COLUMNS, start=1):
        table.column_dimensions[get_column_letter(number)].width = column.width
    bold = Font(bold=True)
    table.append([_styled(table, title, font=bold) for title in sheet.header()])
    formats = {**FORMATS, "yen": YEN[sheet.lang]}
    kinds = [column.kind for column in COLUMNS]
    count = 0
    for row in rows:
        table.append([_cell(table, value, formats.get(kind)) for value, kind in zip(row, kinds, strict=True)])
        count += 1
    table.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    _summary(book, sheet, bold)
    book.save(path)


def _styled(table: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(table, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it begins with "=" (openpyxl would take a formula)
    return cell


def _cell(table: WriteOnlyWorksheet, value: Any, number_format: str | None) -> Any:
    if value is None:
        return None
    if isinstance(value, Link):
        cell = _styled(table, value.text, style="Hyperlink")
        cell.hyperlink = value.url
        return cell
    if isinstance(value, str):
        return _styled(table, value) if value.startswith("=") else value
    if number_format:
        return _styled(table, value, number_format=number_format)
    return value


def _summary(book: Workbook, sheet: Export, bold: Font) -> None:
    counts = book.create_sheet(sheet.t("export.sheets.summary"))
    counts.column_dimensions["A"].width = 28
    counts.column_dimensions["B"].width = 10
    for heading, lines in sheet.summary():
        counts.append(
            [_styled(counts, heading, font=bold), _styled(counts, sheet.t("export.summary.count"), font=bold)]
        )
        for label, number in lines:
            counts.append([label, number])
        counts.append([])
