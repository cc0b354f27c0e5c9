"""Reading an import file: the bytes to text (UTF-8 with or without BOM, else Windows-1252), the
CSV to rows, headers matched to fields by name (case, spaces and punctuation ignored, with
aliases), and the cells to dates and numbers. Pure Python: no Django, no database.

Row numbers are as a spreadsheet shows them: the header is row 1, the first data row is row 2.
Columns are named as the file names them, with their spreadsheet letter: ``E (Manager ID)``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

MAX_BYTES = 2 * 1024 * 1024
"""The largest file taken (2 MB: about 20,000 rows of staff or children)."""


class FileRefused(Exception):
    """The file as a whole cannot be read; ``message`` says why in plain words."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RowError:
    """One problem, at a row and a column (row 1 is the header). ``row`` None: the whole file."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row is not None else "File"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Column:
    """A field an import reads: its canonical header, the other names exports give it."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {normalise_header(self.header), normalise_header(self.field), *map(normalise_header, self.aliases)}


@dataclass
class Table:
    """The file's rows, with where each known field's column is."""

    headers: list[str]
    positions: dict[str, int]  # field -> column index
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells); blank rows left out
    others: list[int] = field(default_factory=list)  # column indexes matching no field

    def has(self, name: str) -> bool:
        return name in self.positions

    def cell(self, cells: list[str], name: str) -> str:
        index = self.positions.get(name)
        if index is None or index >= len(cells):
            return ""
        return " ".join(cells[index].split())

    def column(self, name: str) -> str:
        """How an error names the column of ``name``: its letter and the file's header."""
        return self.column_at(self.positions[name])

    def column_at(self, index: int) -> str:
        header = self.headers[index].strip() if index < len(self.headers) else ""
        return f"{column_letter(index)} ({header})" if header else column_letter(index)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as a spreadsheet letters its columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def normalise_header(text: str) -> str:
    """'Employee ID', 'employee_id' and ' EMPLOYEE-ID ' all read 'employeeid'."""
    return re.sub(r"[^a-z0-9]", "", text.replace("\ufeff", "").lower().replace("+", "plus").replace("#", "number"))


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else Windows-1252. Refuses a file
    over ``MAX_BYTES``, an empty one, and one that is not text (a spreadsheet saved as .xlsx)."""
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; an import takes at most "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files"
        )
    if not data.strip():
        raise FileRefused("The file is empty")
    if data[:4] == b"PK\x03\x04" or b"\x00" in data:
        raise FileRefused("The file is not a CSV file: save it from the spreadsheet as 'CSV UTF-8'")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            "The file is not UTF-8 or Windows-1252 text: save it from the spreadsheet as 'CSV UTF-8'"
        ) from None


def read_table(text: str, columns: Iterable[Column]) -> tuple[Table, list[RowError]]:
    """Split ``text`` into rows and match its header to ``columns``. Errors (row 1): a required
    column missing, two columns for one field."""
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileRefused(f"The file cannot be read as CSV: {exc}") from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise FileRefused("The file has no header row: the first row must name the columns")
    headers = records[0]
    columns = list(columns)
    by_name = {name: column for column in columns for name in column.names()}
    positions: dict[str, int] = {}
    others: list[int] = []
    errors: list[RowError] = []
    for index, header in enumerate(headers):
        column = by_name.get(normalise_header(header))
        if column is None:
            if header.strip():
                others.append(index)
            continue
        if column.field in positions:
            first = positions[column.field]
            errors.append(
                RowError(
                    1,
                    f"{column_letter(index)} ({header.strip()})",
                    f"Two columns are for {column.header}: {column_letter(first)} and {column_letter(index)}. "
                    "Remove one",
                )
            )
            continue
        positions[column.field] = index
    table = Table(headers=headers, positions=positions, rows=[], others=others)
    for column in columns:
        if column.required and column.field not in positions:
            also = f" (or {', '.join(repr(a) for a in column.aliases[:3])})" if column.aliases else ""
            errors.append(RowError(1, column.header, f"The file has no '{column.header}' column{also}"))
    for number, cells in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in cells):
            table.rows.append((number, cells))
    return table, errors


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD (ISO) or DD/MM/YYYY (as UK spreadsheets write it).
    Raises ValueError with a message for the user."""
    text = text.strip()
    iso = _ISO.match(text)
    uk = _UK.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
    else:
        raise ValueError(f"'{text}' is not a date: write it as 2026-03-31 or 31/03/2026")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


def parse_hours(text: str) -> Decimal:
    """Weekly hours: a number from 0 to 168, to 2 decimal places at most."""
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number of hours: write it as 37 or 22.5") from None
    if not hours.is_finite() or hours < 0 or hours > 168:
        raise ValueError(f"'{text}' is not a number of hours in a week (0 to 168)")
    if hours != hours.quantize(Decimal("0.01")):
        raise ValueError(f"'{text}' has more than 2 decimal places")
    return hours.quantize(Decimal("0.01"))


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day is not None else "none"
