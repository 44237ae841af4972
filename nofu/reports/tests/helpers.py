from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

NOW = datetime(2025, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def grid(ws: Any) -> list[list[Any]]:
    """Every cell of a sheet, row by row, trailing empty cells dropped."""
    out = []
    for row in ws.iter_rows(values_only=True):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    return out


def n(*cells: Any, width: int) -> list[Any]:
    """A row padded with None to `width` columns, then trimmed like `grid`."""
    row = list(cells) + [None] * (width - len(cells))
    while row and row[-1] is None:
        row.pop()
    return row
