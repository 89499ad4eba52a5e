"""`japanmall staff export --output FILE`: every submitted application, one column per field plus
the sample shipment and the sales data; .xlsx or .csv by the file's suffix."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click

from conversations.staff import review
from storage import staff as staff_store

PROGRESS_FROM = 200  # a progress bar on exports longer than this


@click.command()
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write: a .xlsx or .csv file.",
)
@click.option("--status", help="Only applications in this status.")
def export(output: Path, status: str | None) -> None:
    """Export the applications (.xlsx or .csv by the suffix of --output)."""
    from bot.cli import load_app

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        click.echo("the output must end in .xlsx or .csv", err=True)
        sys.exit(2)
    count = write_export(load_app(), output, status, progress=True)
    click.echo(f"{count} application(s) written to {output}")


def write_export(app: Any, output: Path, status: str | None = None, *, progress: bool = False) -> int:
    """Write the export to `output` (.xlsx or .csv by its suffix); how many applications it holds.
    The command above and the staff console's download both call this."""
    with app.engine.connect() as conn:
        items = review.find(conn, app.programme, staff_store.Filters(status=status))
    header = review.export_header()
    shown = progress and len(items) > PROGRESS_FROM
    with click.progressbar(items, label="exporting", file=sys.stderr if shown else _Silent()) as bar:
        rows = [review.export_row(item, app.programme) for item in bar]
    (_xlsx if output.suffix.lower() == ".xlsx" else _csv)(output, header, rows)
    return len(rows)


class _Silent:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    # utf-8-sig: Excel opens the Japanese and Chinese text correctly
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("applications")
    sheet.freeze_panes = "B2"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
