"""信息公开 (SUP-5): the mall's OCDS 1.1 data, public without sign-in.

- ``GET /api/public/ocds/releases?from=…&to=…`` — a release package of the releases of a time
  window, oldest first, a page at a time (``links.next`` names the next page);
- ``GET /api/public/ocds/records/<ocid>`` — a record package: every release of one process and its
  compiled release (merged by ``ocdsmerge`` under the OCDS 1.1 release schema's rules);
- ``GET /api/public/ocds/bulk/<YYYY-MM-DD>.json`` — the daily bulk file: a release package of every
  release of one Asia/Shanghai day.

Amounts are JSON numbers written from their decimal strings; dates ISO 8601 with their offset.
"""

from __future__ import annotations

import functools
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Response, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from core import clock
from core.api_errors import ErrorSchema
from core.api_fields import IntField
from core.db import db
from core.errors import NotFound, ValidationFailed
from supervision.disclosure import jsontext
from supervision.disclosure.models import OcdsRelease

blp = Blueprint(
    "ocds_public",
    __name__,
    url_prefix="/api/public/ocds",
    description="信息公开 The mall's results in OCDS 1.1, without sign-in",
)

SCHEMA_ZIP = Path(__file__).parent / "ocds_schema" / "standard-1__1__5-schema-only.zip"
PUBLISHER = {"name": "政采商城 Gov Procurement E-Mall"}
VERSION = "1.1"
#: the longest window one request may ask for
MAX_WINDOW = timedelta(days=31)


@functools.cache
def schema_file(name: str) -> dict[str, Any]:
    """A file of the OCDS 1.1.5 schema, read from the copy kept beside this module."""
    with zipfile.ZipFile(SCHEMA_ZIP) as archive:
        return json.loads(archive.read(f"standard-1__1__5/schema/{name}"))


@functools.cache
def merger() -> Any:
    import ocdsmerge

    return ocdsmerge.Merger(schema=schema_file("dereferenced-release-schema.json"))


def compile_record(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The record of one process: its releases and the compiled release."""
    compiled = merger().create_compiled_release(releases)
    return {"ocid": ocid, "releases": releases, "compiledRelease": compiled}


def _package(releases: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "uri": request.url,
        "version": VERSION,
        "publishedDate": clock.local(clock.now()).isoformat(timespec="seconds"),
        "publisher": PUBLISHER,
        **extra,
        "releases": releases,
    }


def _json(document: dict[str, Any], filename: str | None = None) -> Response:
    headers = {"Cache-Control": "no-cache"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(jsontext.dumps(document), mimetype="application/json", headers=headers)


def _aware(value: datetime) -> datetime:
    """A time given without an offset is read in Asia/Shanghai."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.SHANGHAI)
    return value.astimezone(UTC)


class WindowArgs(Schema):
    from_ = fields.DateTime(
        data_key="from",
        required=True,
        metadata={"description": "ISO 8601; without an offset, Asia/Shanghai"},
    )
    to = fields.DateTime(
        required=True,
        metadata={"description": "ISO 8601, excluded; at most 31 days after from"},
    )
    page = IntField(text=True, load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = IntField(text=True, load_default=100, validate=validate.Range(min=1, max=500))


def _refusal(status: int, text: str) -> Any:
    return blp.alt_response(status, schema=ErrorSchema, description=text)


@blp.route("/releases")
@blp.arguments(WindowArgs, location="query")
@blp.response(200, description="An OCDS 1.1 release package (application/json)")
@_refusal(
    422,
    "A malformed time, or a window that is empty, reversed or longer than 31 days (`bad_window`).",
)
def releases(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The releases of a time window [from, to), oldest first, one page at a time; ``links.next``
    is the next page's address while there is one."""
    start, end = _aware(args["from_"]), _aware(args["to"])
    if not start < end or end - start > MAX_WINDOW:
        raise ValidationFailed(
            "Ask for a window with from before to, at most 31 days long.",
            code="bad_window",
            details={"to": ["from < to ≤ from + 31 days"]},
        )
    page, per_page = args["page"], args["per_page"]
    where = (OcdsRelease.released_at >= start, OcdsRelease.released_at < end)
    total = db.session.scalar(select(func.count(OcdsRelease.id)).where(*where)) or 0
    rows = db.session.scalars(
        select(OcdsRelease)
        .where(*where)
        .order_by(OcdsRelease.released_at, OcdsRelease.seq, OcdsRelease.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    links: dict[str, str] = {}
    query = {"from": request.args["from"], "to": request.args["to"], "per_page": per_page}
    base = url_for("ocds_public.releases", _external=True)
    if page * per_page < total:
        links["next"] = f"{base}?{urlencode({**query, 'page': page + 1})}"
    if page > 1:
        links["prev"] = f"{base}?{urlencode({**query, 'page': page - 1})}"
    extra = {"links": links} if links else {}
    return _json(_package([jsontext.loads(r.data) for r in rows], **extra))


@blp.route("/records/<string:ocid>")
@blp.response(200, description="An OCDS 1.1 record package (application/json)")
@_refusal(404, "No process with this ocid (`no_such_process`).")
def record(ocid: str):  # type: ignore[no-untyped-def]
    """Every release of one process, oldest first, and its compiled release."""
    rows = db.session.scalars(
        select(OcdsRelease)
        .where(OcdsRelease.ocid == ocid)
        .order_by(OcdsRelease.seq, OcdsRelease.id)
    ).all()
    if not rows:
        raise NotFound("No process with this ocid.", code="no_such_process")
    found = [jsontext.loads(r.data) for r in rows]
    package = {
        "uri": request.url,
        "version": VERSION,
        "publishedDate": clock.local(clock.now()).isoformat(timespec="seconds"),
        "publisher": PUBLISHER,
        "records": [compile_record(ocid, found)],
    }
    return _json(package)


@blp.route("/bulk/<string:day>.json")
@blp.response(200, description="An OCDS 1.1 release package of one day (application/json)")
@_refusal(422, "Not a date written YYYY-MM-DD (`bad_day`), or a day not over yet (`day_not_over`).")
def bulk(day: str):  # type: ignore[no-untyped-def]
    """Every release of one Asia/Shanghai day, as a file to download (the day must be over)."""
    try:
        wanted = date.fromisoformat(day) if len(day) == 10 else None
    except ValueError:
        wanted = None
    if wanted is None:
        raise ValidationFailed(
            "Name the day as YYYY-MM-DD.", code="bad_day", details={"day": ["YYYY-MM-DD"]}
        )
    today = clock.local(clock.now()).date()
    if wanted >= today:
        raise ValidationFailed(
            "The file of a day is made once the day is over (Asia/Shanghai).",
            code="day_not_over",
            details={"day": [f"before {today.isoformat()}"]},
        )
    rows = db.session.scalars(
        select(OcdsRelease)
        .where(OcdsRelease.day == wanted)
        .order_by(OcdsRelease.seq, OcdsRelease.id)
    ).all()
    return _json(
        _package([jsontext.loads(r.data) for r in rows]), filename=f"ocds-{wanted.isoformat()}.json"
    )
