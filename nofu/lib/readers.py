"""Reading the city's files: encoding and format are detected, never assumed.

A file comes back as Polars frames of strings (blank cells are ""): whole (`read_table`)
or, for a large file, slice by slice (`open_table`), decoded block by block so that a
million-row file is never in memory at once; every row keeps its row number as the city's
staff would count it in Excel (the header is row 1). Rows a CSV parser cannot split into
the header's columns are returned separately so the caller can report them, never
dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import polars as pl

ROW_NO = "__row_no"
UTF8_BOM = b"\xef\xbb\xbf"
XLSX_MAGIC = b"PK\x03\x04"


class FileError(Exception):
    """The file as a whole cannot be used; the message is for the user (Japanese)."""


@dataclass
class Table:
    df: pl.DataFrame  # all columns String, plus ROW_NO (Int64)
    encoding: str
    format: str  # "csv" or "xlsx"
    columns: list[str]  # header names after clean-up, in file order
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row_no, message)


def clean_header(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


BLOCK = 8 << 20  # bytes of a file read, decoded and parsed at a time


def _opener(source: bytes | Path) -> Callable[[], BinaryIO]:
    if isinstance(source, Path):
        return lambda: source.open("rb")
    return lambda: io.BytesIO(source)


def _valid(open_file: Callable[[], BinaryIO], encoding: str) -> UnicodeDecodeError | None:
    """Checks a whole file block by block, without building it as one huge str."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open_file() as fh:
            while block := fh.read(BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return exc
    return None


def detect_encoding(data: bytes | Path) -> str:
    return _detect(_opener(data))


def _detect(open_file: Callable[[], BinaryIO]) -> str:
    with open_file() as fh:
        if fh.read(len(UTF8_BOM)) == UTF8_BOM:
            return "utf-8-sig"
    if _valid(open_file, "utf-8") is None:
        return "utf-8"
    if _valid(open_file, "cp932") is None:
        return "cp932"
    raise FileError(
        "文字コードを判別できません。CP932（Shift_JIS）または UTF-8 で保存されたファイルを"
        "指定してください。"
    )


def _utf8_blocks(open_file: Callable[[], BinaryIO], encoding: str) -> Iterator[bytes]:
    """The file as UTF-8, block by block (a block may end inside a character)."""
    with open_file() as fh:
        if encoding == "utf-8-sig":
            fh.read(len(UTF8_BOM))
        if encoding.startswith("utf-8"):
            while block := fh.read(BLOCK):
                yield block
            return
        decoder = codecs.getincrementaldecoder(encoding)()
        while block := fh.read(BLOCK):
            yield decoder.decode(block).encode("utf-8")
        if tail := decoder.decode(b"", final=True).encode("utf-8"):
            yield tail


def _record_end(data: bytes) -> int:
    """Where the last whole CSV record in `data` ends: after a newline outside quotes
    (`data` starts at a record's start; in UTF-8 neither byte occurs inside a character)."""
    pos = data.rfind(b"\n")
    quotes = data.count(b'"')
    if not quotes:
        return pos + 1
    after, end = 0, len(data)
    while pos >= 0:
        after += data.count(b'"', pos, end)
        end = pos
        if (quotes - after) % 2 == 0:
            return pos + 1
        pos = data.rfind(b"\n", 0, pos)
    return 0


def _records(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """Runs of whole CSV records, about a block at a time."""
    pending = b""
    for block in blocks:
        pending += block
        cut = _record_end(pending)
        if cut:
            yield pending[:cut]
            pending = pending[cut:]
    if pending:
        yield pending


@dataclass
class TableReader:
    """A file opened for reading slice by slice, so a million-row file is never one frame
    (nor one str) in memory. `bad_rows` fills as the slices are read; a file-level problem
    (encoding, header) has been raised by `open_table` before any slice is read."""

    encoding: str
    format: str
    columns: list[str]
    frames: Iterator[pl.DataFrame]  # all columns String, plus ROW_NO; read once
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    def slices(self, rows: int) -> Iterator[pl.DataFrame]:
        """Frames of `rows` rows (the last may be shorter), in file order."""
        pending: list[pl.DataFrame] = []
        held = 0
        for frame in self.frames:
            pending.append(frame)
            held += frame.height
            while held >= rows:
                whole = pl.concat(pending) if len(pending) > 1 else pending[0]
                yield whole.head(rows)
                rest = whole.slice(rows)
                pending, held = ([rest] if rest.height else []), rest.height
        if held:
            yield pl.concat(pending) if len(pending) > 1 else pending[0]

    def read_all(self) -> Table:
        parts = list(self.frames)
        schema = {n: pl.String for n in self.columns} | {ROW_NO: pl.Int64}
        df = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
        return Table(df, self.encoding, self.format, self.columns, self.bad_rows)


def read_table(source: bytes | Path) -> Table:
    """The whole file as one frame (for small files; large ones: `open_table`)."""
    return open_table(source).read_all()


def open_table(source: bytes | Path) -> TableReader:
    """Opens a file's bytes or a path: detects format and encoding and reads the header;
    the rows come later, slice by slice (see `TableReader`)."""
    open_file = _opener(source)
    with open_file() as fh:
        head = fh.read(4096)
        blank = not head.strip()
        while blank and (block := fh.read(BLOCK)):
            blank = not block.strip()
    if blank:
        raise FileError("ファイルが空です。")
    if head.startswith(XLSX_MAGIC):
        with open_file() as fh:
            table = _read_xlsx(fh.read())
        return TableReader(
            table.encoding, table.format, table.columns, iter([table.df]), table.bad_rows
        )
    return _open_csv(open_file)


def _check_header(header: list[str]) -> list[str]:
    names = [clean_header(h) for h in header]
    if len(names) < 2 or not any(names):
        raise FileError("表形式のデータではありません（1行目に列名がありません）。")
    seen: set[str] = set()
    for n in names:
        if n and n in seen:
            raise FileError(f"列名「{n}」が重複しています。")
        seen.add(n)
    return names


def _open_csv(open_file: Callable[[], BinaryIO]) -> TableReader:
    encoding = _detect(open_file)
    runs = _records(_utf8_blocks(open_file, encoding))
    first = next(runs, b"")
    nl = first.find(b"\n")
    first_line = (first if nl < 0 else first[:nl]).decode("utf-8")
    if "," not in first_line:
        raise FileError("表形式のデータではありません（カンマ区切りの見出し行がありません）。")
    names = _check_header(next(csv.reader([first_line.rstrip("\r")])))
    body = itertools.chain([first[nl + 1 :]] if nl >= 0 else [], runs)
    reader = TableReader(encoding, "csv", names, iter(()))
    reader.frames = _frames(body, names, reader.bad_rows)
    return reader


def _frames(
    runs: Iterator[bytes], names: list[str], bad_rows: list[tuple[int, str]]
) -> Iterator[pl.DataFrame]:
    row_no = 2  # the header is row 1, as the city's staff count in Excel
    for data in runs:
        if not data.strip():
            row_no += data.count(b"\n")
            continue
        df, bad, records = _parse_records(data, names, row_no)
        bad_rows.extend(bad)
        row_no += records
        if df.height:
            yield df.select(ROW_NO, pl.exclude(ROW_NO).fill_null(""))


def _parse_records(
    data: bytes, names: list[str], first_no: int
) -> tuple[pl.DataFrame, list[tuple[int, str]], int]:
    """Whole records (UTF-8) as a frame numbered from `first_no`, with the rows that do
    not fit the header; also how many records `data` held."""
    blank_line = data.startswith((b"\n", b"\r\n")) or b"\n\n" in data or b"\n\r\n" in data
    if not blank_line and not _has_ragged_rows(data, len(names)):
        try:
            df = pl.read_csv(
                io.BytesIO(data),
                has_header=False,
                schema={n: pl.String for n in names},
                empty_string_is_null=False,
                raise_if_empty=False,
                extra_columns="raise",
                missing_columns="raise",
            )
        except (pl.exceptions.ComputeError, pl.exceptions.ShapeError):
            pass
        else:
            df = df.with_row_index(ROW_NO, offset=first_no)
            return df.with_columns(pl.col(ROW_NO).cast(pl.Int64)), [], df.height
    # Polars pads short rows silently and skips blank lines: find each bad row exactly
    return _read_csv_slowly(data.decode("utf-8"), names, first_no)


def _has_ragged_rows(utf8: bytes, width: int) -> bool:
    """Whether any record has another number of fields than the header. Line by line,
    so no second copy of a large block is built; blocks with quotes go through csv."""
    if b'"' in utf8:
        reader = csv.reader(io.StringIO(utf8.decode("utf-8")))
        return any(len(row) != width for row in reader if row)
    commas = width - 1
    for line in io.BytesIO(utf8):
        line = line.rstrip(b"\r\n")
        if line and line.count(b",") != commas:
            return True
    return False


def _read_csv_slowly(
    text: str, names: list[str], first_no: int
) -> tuple[pl.DataFrame, list[tuple[int, str]], int]:
    """The path for records with ragged rows: find each one and keep the rest."""
    good: list[list[str]] = []
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    records = 0
    for records, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row:
            continue
        if len(row) != len(names):
            bad.append(
                (
                    first_no + records - 1,
                    f"列の数が見出しと合いません（見出し{len(names)}列、この行{len(row)}列）。",
                )
            )
            continue
        good.append(row)
        numbers.append(first_no + records - 1)
    schema = {n: pl.String for n in names}
    df = pl.DataFrame(good, schema=schema, orient="row") if good else pl.DataFrame(schema=schema)
    return df.with_columns(pl.Series(ROW_NO, numbers, dtype=pl.Int64)), bad, records


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FileError(
            "Excelファイルとして開けません。ファイルが壊れていないか確認してください。"
        ) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(rows)]
    except StopIteration:
        raise FileError("ファイルが空です。") from None
    while header and not header[-1]:
        header.pop()
    names = _check_header(header)
    width = len(names)
    body: list[list[str]] = []
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    for i, row in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in row]
        if not any(cells):
            continue
        if any(cells[width:]):
            bad.append((i, f"見出しのない列に値があります（見出し{width}列）。"))
            continue
        cells = (cells + [""] * width)[:width]
        body.append(cells)
        numbers.append(i)
    wb.close()
    schema = {n: pl.String for n in names}
    df = pl.DataFrame(body, schema=schema, orient="row") if body else pl.DataFrame(schema=schema)
    df = df.with_columns(pl.Series(ROW_NO, numbers, dtype=pl.Int64))
    return Table(df=df, encoding="xlsx", format="xlsx", columns=names, bad_rows=bad)
