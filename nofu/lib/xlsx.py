"""Excel output that opens cleanly for the city: Japanese font, fitted columns, A4 landscape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

FONT = "游ゴシック"


def display_width(value: Any) -> int:
    """Column width in Excel units: full-width characters count twice."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def fit_columns(
    ws: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60
) -> None:
    for i, name in enumerate(columns):
        width = max([display_width(name)] + [display_width(r[i]) for r in rows[:2000]])
        ws.set_column(i, i, min(max_width, width + 2))


def write_table(
    out: IO[bytes] | str,
    *,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    sheet_name: str | None = None,
) -> None:
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    add_table_sheet(wb, title=title, columns=columns, rows=rows, sheet_name=sheet_name)
    wb.close()


def add_table_sheet(
    wb: xlsxwriter.Workbook,
    *,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    sheet_name: str | None = None,
) -> Worksheet:
    ws = wb.add_worksheet((sheet_name or title)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#DDE5EE", "border": 1, "font_name": FONT})
    cell = wb.add_format({"border": 1, "font_name": FONT})
    num = wb.add_format({"border": 1, "font_name": FONT, "num_format": "#,##0"})
    ws.write_row(0, 0, columns, head)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, c, value, num)
            else:
                ws.write_string(r, c, "" if value is None else str(value), cell)
    fit_columns(ws, columns, rows)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.print_area(0, 0, max(len(rows), 1), max(len(columns) - 1, 0))
    ws.set_footer("&C&P / &N")
    return ws
