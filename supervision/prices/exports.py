"""Downloads of the price statistics (SUP-3): a statistics history and the filtered anomalies as
CSV (UTF-8 with BOM, so spreadsheet programs read it) or XLSX. Amounts stay Decimal to the end:
the CSV writes them as they are, the XLSX stores them as numbers shown with two places. Times are
Asia/Shanghai's; days are already theirs."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from supervision.prices import queries

STATISTICS_COLUMNS = ("day", "n", "q1", "median", "q3")
ANOMALY_COLUMNS = (
    "id",
    "day",
    "detected_at",
    "source",
    "order_id",
    "seq",
    "item",
    "kind",
    "key_id",
    "standard_product_id",
    "category_id",
    "region_id",
    "window_region_id",
    "unit_price",
    "quantity",
    "n",
    "q1",
    "median",
    "q3",
    "fence",
    "ledger_seq",
)
MONEY_FORMAT = "0.00"
DAY_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


class Table:
    """Columns and rows of plain values: int, Decimal, date, naive Shanghai datetime or text."""

    def __init__(self, name: str, columns: Sequence[str], rows: list[list[Any]]):
        self.name, self.columns, self.rows = name, tuple(columns), rows


def statistics_table(session: Session, actor: Actor, args: dict[str, Any]) -> Table:
    """The daily rows ``queries.statistics`` returns, oldest first."""
    result = queries.statistics(session, actor, args)
    rows = [[r.day, r.n, r.q1, r.median, r.q3] for r in result["items"]]
    name = f"{result['kind']}-{result['key_id']}-region-{result['region_id']}-statistics"
    return Table(name, STATISTICS_COLUMNS, rows)


def anomalies_table(session: Session, actor: Actor, args: dict[str, Any]) -> Table:
    """The filtered anomalies, newest first, with the time each was found in Shanghai."""
    rows = []
    for a in queries.anomalies(session, actor, args):
        values = {c: getattr(a, c) for c in ANOMALY_COLUMNS}
        values["detected_at"] = clock.local(a.detected_at).replace(tzinfo=None, microsecond=0)
        rows.append([values[c] for c in ANOMALY_COLUMNS])
    return Table("price-anomalies", ANOMALY_COLUMNS, rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # a Decimal keeps its two places


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_text(v) for v in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One sheet: a bold header row, then the rows; Decimals stored as numbers (openpyxl writes
    the Decimal's digits) formatted ``0.00``, days and times as dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DAY_FORMAT
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
