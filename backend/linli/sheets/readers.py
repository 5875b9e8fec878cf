"""Reading an uploaded sheet, XLSX or CSV, into numbered rows of text cells; writing one.

Offices' Excel saves CSV as GB18030 (GBK) unless told otherwise, newer ones as UTF-8 with a
BOM; both are read. Anything else is a `SheetUnreadable` with a stable code, never a 500.
"""

import csv
import io
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from linli.common_schemas import CONTROL_CHARACTERS
from linli.sheets.layouts import Layout

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A city's households fit; a larger file is split by district.
MAX_ROWS = 200_000
MAX_COLUMNS = 50  # a layout has 6; columns past these are someone's notes
# Title rows above the header that are passed over ("某某社区住户登记表", a date line).
TITLE_ROWS = 3


class SheetUnreadable(ValueError):
    """The file cannot be read as this sheet: `code` says why (the PWA words it)."""

    def __init__(self, code: str, detail: str, **params):
        super().__init__(detail)
        self.code, self.detail, self.params = code, detail, params


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number the office sees in Excel (the header is usually 1)
    cells: dict[str, str]  # column key → text, stripped ("" when blank)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps every number as a float: 13800000001.0, 40.0
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    # openpyxl raises a dozen kinds of error on a zip that is not a workbook (a .docx, a
    # truncated upload, bad XML), and warns about styles other tools write: for an uploaded
    # file each is the same answer, "not a readable XLSX".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                # The first sheet holds the rows; a template's second sheet explains them.
                sheet = book.worksheets[0]
                # Bounded, so a file of a million rows or columns is refused, not read whole.
                rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
                return [[_text(v) for v in values] for values in islice(rows, MAX_ROWS + 100)]
            finally:
                book.close()
        except Exception as error:
            raise SheetUnreadable("not_a_spreadsheet", "not a readable XLSX file") from error


def _decode_csv(data: bytes) -> str:
    # A BOM says UTF-8; without one, strict UTF-8 rarely fits GB18030 bytes by chance.
    encodings = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetUnreadable("not_a_spreadsheet", "not XLSX, nor CSV in UTF-8 or GB18030")


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode_csv(data)
    if "\x00" in text:
        raise SheetUnreadable("not_a_spreadsheet", "a binary file, not CSV")
    try:
        for values in csv.reader(io.StringIO(text, newline="")):
            yield [v.strip() for v in values]
    except csv.Error as error:
        raise SheetUnreadable("not_a_spreadsheet", f"not readable as CSV: {error}") from error


def read_sheet(data: bytes, layout: Layout) -> list[SheetRow]:
    """The non-blank rows under the header row, keyed by column. The header row is the first
    with the layout's headers among the first few: offices often put a title row above it."""
    if not data:
        raise SheetUnreadable("empty", "the file is empty")
    rows = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    header: dict[int, str] | None = None
    found: list[SheetRow] = []
    candidates = 0
    for number, values in enumerate(rows, start=1):
        if not any(values):
            continue
        if header is None:
            candidates += 1
            try:
                header = _match_header(values, layout)
            except SheetUnreadable:
                if candidates == TITLE_ROWS + 1:
                    raise
            continue
        if len(found) >= MAX_ROWS:
            raise SheetUnreadable("too_many_rows", f"more than {MAX_ROWS} rows", max=MAX_ROWS)
        cells = {key: values[i] if i < len(values) else "" for i, key in header.items()}
        found.append(SheetRow(number, cells))
    if header is None and candidates:
        _match_header([], layout)  # raises: no row had the headers
    if header is None:
        raise SheetUnreadable("empty", "the file has no header row")
    if not found:
        raise SheetUnreadable("no_rows", "the file has a header but no rows")
    return found


def _match_header(values: list[str], layout: Layout) -> dict[int, str]:
    """Column index → key, by header text (any order; other columns are left alone)."""
    by_header = {c.header: c.key for c in layout.columns}
    positions = {by_header[v]: i for i, v in reversed(list(enumerate(values))) if v in by_header}
    missing = [c.header for c in layout.columns if c.required and c.key not in positions]
    if missing:
        raise SheetUnreadable(
            "wrong_headers",
            "the header row lacks required columns",
            missing=missing,
            expected=layout.headers,
        )
    return {i: key for key, i in positions.items()}


def cell_problem(column, value: str) -> str | None:
    """The code of what is wrong with a cell on its own (blank, too long, control characters)."""
    if not value:
        return "required" if column.required else None
    if len(value) > column.max_length:
        return "too_long"
    if CONTROL_CHARACTERS.search(value):
        return "control_characters"
    return None


def workbook_bytes(layout: Layout, rows: Iterable[list], *, explain: bool) -> bytes:
    """An XLSX with the layout's header row and `rows` (write-only: a city's households fit),
    and, if `explain`, a second sheet explaining each column."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.title)
    sheet.column_dimensions["A"].width = 18
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 22
    sheet.append(_bold(sheet, layout.headers))
    for row in rows:
        sheet.append(
            [_as_text(sheet, v) if isinstance(v, str) and v[:1] == "=" else v for v in row]
        )
    if explain:
        notes = book.create_sheet("填写说明")
        notes.column_dimensions["A"].width = 16
        notes.column_dimensions["C"].width = 60
        notes.append(_bold(notes, ["列名", "是否必填", "说明", "示例"]))
        for column in layout.columns:
            notes.append(
                [column.header, "必填" if column.required else "可空", column.help, column.example]
            )
        notes.append([])
        notes.append(["说明", "", "第一张表的第一行是表头，从第二行起每行一条；空行忽略。"])
        notes.append(["", "", "导入前先“预检”：逐行列出将新建、修改、不变或被拒绝的行及原因。"])
        notes.append(["", "", "有任何一行被拒绝，整个文件都不导入；改正后重新上传即可。"])
        notes.append(["", "", "同一文件导入两次，第二次不会有任何改动。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_text(sheet, value: str) -> WriteOnlyCell:
    """A name that starts with "=" stays text: openpyxl would write it as a formula, which
    Excel would run (formula injection) and which would not read back as the name."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _bold(sheet, values: list[str]) -> list[WriteOnlyCell]:
    cells = [WriteOnlyCell(sheet, value=v) for v in values]
    for cell in cells:
        cell.font = Font(bold=True)
    return cells
