"""Price statistics API (CAT-4, SUP-3): the daily 7-day-window history of a standard product or a
category in a region, for a chart, and the price anomalies found among transactions."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.api import ErrorSchema, page_of, paginate
from core.db import db
from supervision.prices import exports, queries
from supervision.prices.schemas import (
    AnomalyArgs,
    AnomalyFilterArgs,
    AnomalySchema,
    StatisticsArgs,
    StatisticsSchema,
)

blp = Blueprint(
    "price_statistics",
    __name__,
    url_prefix="/api/prices",
    description="价格统计 Price statistics and anomalies (CAT-4, SUP-3)",
)

AnomalyPage = page_of(AnomalySchema, "PriceAnomalyPage")


def _refusals(view: Any) -> Any:
    for status, text in (
        (401, "Not signed in (`unauthenticated`)."),
        (
            403,
            "Not a price monitor, supervisor or operator (`monitor_only`), or a region "
            "outside yours (`outside_region`).",
        ),
    ):
        view = blp.alt_response(status, schema=ErrorSchema, description=text)(view)
    return view


@blp.route("/statistics")
@blp.arguments(StatisticsArgs, location="query")
@blp.response(200, StatisticsSchema)
@_refusals
def statistics(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Daily rows (n, Q1, median, Q3 over the 7 days ending each day) of one standard product or
    category (give exactly one, else 422 `one_key`) in one region, oldest first."""
    return queries.statistics(db.session, require_actor(), args)


@blp.route("/anomalies")
@blp.arguments(AnomalyArgs, location="query")
@blp.response(200, AnomalyPage)
@_refusals
def anomalies(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Transactions priced above Q3 + 1.5·IQR of their window, with the evidence, newest first."""
    actor = require_actor()
    return paginate(db.session, queries.anomalies_query(db.session, actor, args), args)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: what each export format is sent as
FORMATS = {"csv": ("text/csv", exports.to_csv), "xlsx": (XLSX, exports.to_xlsx)}


def _download(table: exports.Table, fmt: str) -> Response:
    mimetype, write = FORMATS[fmt]
    return Response(
        write(table),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{table.name}.{fmt}"'},
    )


@blp.route("/statistics.csv")
@blp.arguments(StatisticsArgs, location="query")
@blp.response(200, content_type="text/csv", description="CSV (UTF-8 with BOM)")
@_refusals
def statistics_csv(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The statistics rows as CSV: day, n, Q1, median, Q3 (amounts with two places)."""
    return _download(exports.statistics_table(db.session, require_actor(), args), "csv")


@blp.route("/statistics.xlsx")
@blp.arguments(StatisticsArgs, location="query")
@blp.response(200, content_type=XLSX, description="XLSX (amounts as numbers with two places)")
@_refusals
def statistics_xlsx(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The statistics rows as a spreadsheet."""
    return _download(exports.statistics_table(db.session, require_actor(), args), "xlsx")


@blp.route("/anomalies.csv")
@blp.arguments(AnomalyFilterArgs, location="query")
@blp.response(200, content_type="text/csv", description="CSV (UTF-8 with BOM)")
@_refusals
def anomalies_csv(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The filtered anomalies with their evidence, newest first (at most 10,000), times in
    Asia/Shanghai."""
    return _download(exports.anomalies_table(db.session, require_actor(), args), "csv")


@blp.route("/anomalies.xlsx")
@blp.arguments(AnomalyFilterArgs, location="query")
@blp.response(200, content_type=XLSX, description="XLSX (amounts as numbers with two places)")
@_refusals
def anomalies_xlsx(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The filtered anomalies as a spreadsheet (at most 10,000)."""
    return _download(exports.anomalies_table(db.session, require_actor(), args), "xlsx")
