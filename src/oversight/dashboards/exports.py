"""A dashboard table as CSV or XLSX: the same cells the page shows, links left out."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from django.http import HttpResponse

from .tables import Table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        values = [cell.export_value for cell in row]
        writer.writerow([v.isoformat() if isinstance(v, date) else _safe(v) for v in values])
    return out.getvalue().encode("utf-8")


def as_xlsx(table: Table, sheet: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=re.sub(r"[\\/*?:\[\]]", " ", sheet)[:31])
    ws.append(table.headers)
    for row in table.rows:
        ws.append([_safe(cell.export_value) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(table: Table, fmt: str, filename: str) -> HttpResponse:
    body = as_csv(table) if fmt == "csv" else as_xlsx(table, table.caption or "Table")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
