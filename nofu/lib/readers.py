"""Reading the city's files: encoding and format are detected, never assumed.

A file comes back as a Polars frame of strings (blank cells are ""), so a million rows
stay compact in memory; every row keeps its row number as the city's staff would count
it in Excel (the header is row 1). Rows a CSV parser cannot split into the header's
columns are returned separately so the caller can report them, never dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

ROW_NO = "__row_no"
UTF8_BOM = b"\xef\xbb\xbf"
XLSX_MAGIC = b"PK\x03\x04"


class _Ragged(Exception):
    pass


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


CHUNK = 8 << 20


def _valid(data: bytes, encoding: str) -> UnicodeDecodeError | None:
    """Checks a whole file piece by piece, without building it as one huge str."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for i in range(0, len(data), CHUNK):
            decoder.decode(data[i : i + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return exc
    return None


def detect_encoding(data: bytes) -> str:
    if data.startswith(UTF8_BOM):
        return "utf-8-sig"
    if _valid(data, "utf-8") is None:
        return "utf-8"
    exc = _valid(data, "cp932")
    if exc is None:
        return "cp932"
    raise FileError(
        "文字コードを判別できません。CP932（Shift_JIS）または UTF-8 で保存されたファイルを"
        "指定してください。"
    )


def _to_utf8(data: bytes, encoding: str) -> bytes:
    if encoding == "utf-8":
        return data
    if encoding == "utf-8-sig":
        return data[len(UTF8_BOM) :]
    decoder = codecs.getincrementaldecoder(encoding)()
    out = io.BytesIO()
    for i in range(0, len(data), CHUNK):
        out.write(decoder.decode(data[i : i + CHUNK]).encode("utf-8"))
    out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return out.getvalue()


def read_table(source: bytes | Path) -> Table:
    """Reads a file's bytes, or a path: then this reader alone holds the raw bytes and
    lets them go once decoded, so a large file is never in memory three times."""
    if isinstance(source, Path):
        with source.open("rb") as fh:
            head = fh.read(4096)
        if not head.strip() and not source.read_bytes().strip():
            raise FileError("ファイルが空です。")
        if head.startswith(XLSX_MAGIC):
            return _read_xlsx(source.read_bytes())
        return _read_csv(source.read_bytes())
    if not source or not source[:4096].strip() and not source.strip():
        raise FileError("ファイルが空です。")
    if source.startswith(XLSX_MAGIC):
        return _read_xlsx(source)
    return _read_csv(source)


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


def _read_csv(data: bytes) -> Table:
    encoding = detect_encoding(data)
    utf8 = _to_utf8(data, encoding)
    del data  # the caller passed ownership (see read_table)
    first_line = utf8[: utf8.find(b"\n") if b"\n" in utf8 else len(utf8)].decode("utf-8")
    if "," not in first_line:
        raise FileError("表形式のデータではありません（カンマ区切りの見出し行がありません）。")
    header = next(csv.reader([first_line.rstrip("\r")]))
    names = _check_header(header)
    try:
        df = pl.read_csv(
            io.BytesIO(utf8),
            has_header=True,
            infer_schema=False,
            new_columns=names,
            empty_string_is_null=False,
            raise_if_empty=False,
            extra_columns="raise",
            missing_columns="raise",
        )
        bad_rows: list[tuple[int, str]] = []
        if _has_ragged_rows(utf8, len(names)):
            raise _Ragged  # Polars pads short rows silently; they must be reported
        df = df.with_row_index(ROW_NO, offset=2).with_columns(pl.col(ROW_NO).cast(pl.Int64))
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError, _Ragged):
        df, bad_rows = _read_csv_slowly(utf8.decode("utf-8"), names)
    df = df.with_columns(pl.exclude(ROW_NO).fill_null(""))
    return Table(df=df, encoding=encoding, format="csv", columns=names, bad_rows=bad_rows)


def _has_ragged_rows(utf8: bytes, width: int) -> bool:
    """Whether any record has another number of fields than the header. Line by line,
    so no second copy of a large file is built; files with quotes go through csv."""
    if b'"' in utf8:
        reader = csv.reader(io.StringIO(utf8.decode("utf-8")))
        return any(len(row) != width for row in reader if row)
    commas = width - 1
    for line in io.BytesIO(utf8):
        line = line.rstrip(b"\r\n")
        if line and line.count(b",") != commas:
            return True
    return False


def _read_csv_slowly(text: str, names: list[str]) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """The path for files with ragged rows: find each one and keep the rest."""
    good: list[list[str]] = []
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text))
    next(reader)
    for i, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(names):
            bad.append(
                (i, f"列の数が見出しと合いません（見出し{len(names)}列、この行{len(row)}列）。")
            )
            continue
        good.append(row)
        numbers.append(i)
    schema = {n: pl.String for n in names}
    df = pl.DataFrame(good, schema=schema, orient="row") if good else pl.DataFrame(schema=schema)
    return df.with_columns(pl.Series(ROW_NO, numbers, dtype=pl.Int64)), bad


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
