"""Excel layout for the city: title block, Japanese headers, fitted columns, A4 landscape.

A small writer on top of XlsxWriter (the project's `nofu.lib.xlsx` writes plain tables;
reports need a title block, sections and totals). Every sheet prints on A4 landscape,
one page wide, with its table header repeated on each page and page numbers below.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from nofu.lib.xlsx import FONT, display_width


@dataclass(frozen=True)
class Pct:
    """A rate shown as a percentage (None when there is nothing to divide by)."""

    value: float | None


@dataclass(frozen=True)
class Bold:
    value: Any


KIND_PROPS: dict[str, dict[str, Any]] = {
    "text": {},
    "right": {"align": "right"},
    "center": {"align": "center"},
    "pct": {"num_format": "0.0%"},
    "num": {"num_format": "#,##0"},
    "dt": {"num_format": "yyyy/mm/dd hh:mm", "align": "left"},
    "date": {"num_format": "yyyy/mm/dd", "align": "left"},
}


def text_width(text: str) -> int:
    """Display width, full-width characters counting two (fast: no loop in Python).

    Japanese characters take three bytes in UTF-8 and ASCII one, so the extra bytes
    over the length, halved, count the wide characters.
    """
    if text.isascii():
        return len(text)
    n = len(text)
    return n + (len(text.encode("utf-8")) - n) // 2


def cell_width(value: Any) -> int:
    if isinstance(value, Bold):
        value = value.value
    if value is None:
        return 0
    if isinstance(value, Pct):
        return 7
    if isinstance(value, bool):
        return 2
    if isinstance(value, int | float):
        return len(f"{value:,.0f}") + 1
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    if "\n" not in text:
        return text_width(text)
    return max(text_width(line) for line in text.split("\n"))


class Book:
    def __init__(self) -> None:
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True})
        self.wb.set_properties({"title": "", "author": "nofu", "company": ""})
        self._formats: dict[tuple, Any] = {}

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(
                {"font_name": FONT, "font_size": 10, "valign": "vcenter", **props}
            )
        return self._formats[key]

    def sheet(
        self, name: str, *, wrap: Sequence[int] = (), max_width: int = 40, valign: str = ""
    ) -> Sheet:
        sh = Sheet(self, self.wb.add_worksheet(name[:31]), wrap=wrap, max_width=max_width)
        sh.valign = valign
        return sh

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


PAGE_WIDTH_PT = 740  # A4 landscape (842 pt) less 0.5 in margins, less a little slack
PAGE_HEIGHT_PT = 480  # A4 landscape (595 pt) less margins, header and footer
ROW_PT = 15.0
LINE_PT = 13.0


def column_pt(width: float) -> float:
    """Excel column width (characters of the default font) in points, as printed.

    Calibri's 7 px per character, widened by 35 % for viewers that substitute a wider
    font (LibreOffice without Calibri), so a page that fits there fits in Excel too.
    """
    return (width * 7 + 5) * 0.75 * 1.35


class Sheet:
    """Writes rows top to bottom and remembers what it needs to lay the sheet out."""

    def __init__(self, book: Book, ws: Worksheet, *, wrap: Sequence[int], max_width: int) -> None:
        self.book, self.ws = book, ws
        self.row = 0
        self.ncols = 1
        self.widths: dict[int, int] = {}
        self.fixed: dict[int, int] = {}
        self.wrap = set(wrap)
        self.max_width = max_width
        self.header_rows: list[int] = []
        self.heights: dict[int, float] = {}
        self.wrapped: list[tuple[int, int, int, str]] = []  # rows r0..r1, column, text
        self.breaks: list[int] = []
        self.title_text = ""
        self.valign = ""  # "top" to align every cell at the top
        self._formats: dict[tuple, Any] = {}
        ws.set_default_row(ROW_PT)

    # -- blocks --------------------------------------------------------------------------

    def title(self, text: str, left: str, right: str, ncols: int, extra: str = "") -> None:
        """Row 1: the title; row 2: what and when (left) and the center (right)."""
        b = self.book
        self.ncols = max(self.ncols, ncols)
        self.title_text = text
        last = self.ncols - 1
        self._merge(0, 0, last, text, b.fmt(bold=True, font_size=14, align="center"))
        self.heights[0] = 24
        # unmerged, so each runs over the empty cells beside it, whatever the widths
        self.ws.write_string(1, 0, left, b.fmt(font_size=11))
        self.ws.write_string(1, last, right, b.fmt(font_size=11, align="right"))
        self.row = 2
        if extra:
            self._merge(2, 0, last, extra, b.fmt(font_color="#444444"))
            self.row = 3
        self.row += 1  # a blank line before the first table

    def section(self, text: str) -> None:
        self._merge(
            self.row,
            0,
            self.ncols - 1,
            text,
            self.book.fmt(bold=True, font_size=11, bottom=2, bottom_color="#1F5FA8"),
        )
        self.heights[self.row] = 20
        self.row += 1

    def note(self, text: str) -> None:
        """A remark under a table, across the whole width."""
        self._merge(
            self.row,
            0,
            self.ncols - 1,
            text,
            self.book.fmt(font_color="#444444", font_size=9, text_wrap=True, valign="top"),
        )
        self.wrapped.append((self.row, self.row, -1, text))
        self.row += 1

    def header(self, columns: Sequence[str], *, height: float | None = None) -> None:
        f = self.book.fmt(bold=True, bg_color="#DDE5EE", border=1, align="center", text_wrap=True)
        self.ncols = max(self.ncols, len(columns))
        for c, name in enumerate(columns):
            self.ws.write_string(self.row, c, name, f)
            self._fit(c, max(display_width(part) for part in name.split("\n")))
        if height:
            self.heights[self.row] = height
        self.header_rows.append(self.row)
        self.row += 1

    def rows(self, rows: Sequence[Sequence[Any]], *, total: bool = False) -> None:
        for r in rows:
            self.write_row(r, total=total)

    def write_row(self, values: Sequence[Any], *, total: bool = False) -> None:
        for c, v in enumerate(values):
            self.write(self.row, c, v, total=total)
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def page_break(self) -> None:
        """Start a new printed page here (sections are never split across pages)."""
        self.breaks.append(self.row)

    # -- cells ---------------------------------------------------------------------------

    def _format(self, kind: str, bold: bool, total: bool, wrap: bool = False) -> Any:
        key = (kind, bold, total, wrap)
        f = self._formats.get(key)
        if f is None:
            props: dict[str, Any] = {"border": 1}
            if self.valign:
                props["valign"] = self.valign
            if bold:
                props["bold"] = True
            if total:
                props["bg_color"] = "#F2F4F7"
            props.update(KIND_PROPS[kind])
            if wrap:
                props.update(text_wrap=True, valign="top")
            f = self._formats[key] = self.book.fmt(**props)
        return f

    def write(self, r: int, c: int, value: Any, *, total: bool = False) -> None:
        bold = total
        if isinstance(value, Bold):
            value, bold = value.value, True
        ws = self.ws
        if isinstance(value, str) and value:
            wrap = c in self.wrap
            ws.write_string(r, c, value, self._format("text", bold, total, wrap))
            if wrap:
                self.wrapped.append((r, r, c, value))
        elif isinstance(value, Pct):
            if value.value is None:
                ws.write_string(r, c, "－", self._format("right", bold, total))
            else:
                ws.write_number(r, c, value.value, self._format("pct", bold, total))
        elif isinstance(value, bool):
            ws.write_string(r, c, "○" if value else "", self._format("center", bold, total))
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, self._format("num", bold, total))
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, value, self._format("dt", bold, total))
        elif isinstance(value, date):
            ws.write_datetime(
                r,
                c,
                datetime.combine(value, datetime.min.time()),
                self._format("date", bold, total),
            )
        else:
            ws.write_blank(r, c, None, self._format("text", bold, total))
        w = cell_width(value)
        if w > self.widths.get(c, 0):
            self.widths[c] = w

    def merge_down(self, r0: int, r1: int, c: int, value: str) -> None:
        """An item name spanning its sub-rows."""
        f = self.book.fmt(border=1, bold=True, text_wrap=True, valign="top")
        if r1 > r0:
            self.ws.merge_range(r0, c, r1, c, value, f)
        else:
            self.ws.write_string(r0, c, value, f)
        self.wrapped.append((r0, r1, c, value))

    def _merge(self, r: int, c0: int, c1: int, value: str, f: Any) -> None:
        if c1 > c0:
            self.ws.merge_range(r, c0, r, c1, value, f)
        else:
            self.ws.write_string(r, c0, value, f)

    def _fit(self, c: int, width: int) -> None:
        self.widths[c] = max(self.widths.get(c, 0), width)

    def set_width(self, c: int, width: int) -> None:
        """A fixed width for a column whose text wraps."""
        self.fixed[c] = width
        self.wrap.add(c)

    # -- page ----------------------------------------------------------------------------

    def column_widths(self) -> list[float]:
        out = []
        for c in range(self.ncols):
            if c in self.fixed:
                out.append(float(self.fixed[c]))
            else:
                w = self.widths.get(c, 4) + 2
                out.append(float(min(w, self.max_width if c in self.wrap else 60)))
        return out

    def finish(self, *, one_page: bool = False, freeze: bool = True) -> None:
        """Column widths, row heights for wrapped text, and the print set-up.

        With page breaks the sheet is scaled so that the widest and tallest block fits
        (Excel ignores manual breaks under "fit to page"); otherwise it is fitted to one
        page wide (and, for one_page, one page tall) with the header repeated.
        """
        ws = self.ws
        widths = self.column_widths()
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        for r0, r1, c, text in self.wrapped:
            width = sum(widths) if c < 0 else widths[c]
            per_line = max(width - 1, 4)
            lines = sum(max(1, -(-text_width(line) // int(per_line))) for line in text.split("\n"))
            need = lines * LINE_PT + 3
            have = sum(self.heights.get(r, ROW_PT) for r in range(r0, r1 + 1))
            if need > have:
                self.heights[r1] = self.heights.get(r1, ROW_PT) + need - have
        for r, h in sorted(self.heights.items()):
            ws.set_row(r, h)
        last_row = max(self.row - 1, 0)
        ws.print_area(0, 0, last_row, self.ncols - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.center_horizontally()
        if self.breaks:
            ws.set_h_pagebreaks(self.breaks)
            edges = [0, *self.breaks, last_row + 1]
            tallest = max(
                sum(self.heights.get(r, ROW_PT) for r in range(a, b))
                for a, b in zip(edges, edges[1:], strict=False)
            )
            wide = sum(column_pt(w) for w in widths)
            scale = min(1.0, PAGE_WIDTH_PT / wide, PAGE_HEIGHT_PT / tallest)
            ws.set_print_scale(max(10, int(scale * 100)))
        else:
            ws.fit_to_pages(1, 1 if one_page else 0)
            if self.header_rows and not one_page:
                ws.repeat_rows(self.header_rows[0])
        if self.header_rows and freeze:
            ws.freeze_panes(self.header_rows[0] + 1, 0)
        ws.set_footer(f'&L&"{FONT}"&8{self.title_text}&R&"{FONT}"&8&P / &N')
