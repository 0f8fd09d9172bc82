"""What the supervisor's pages show (SUP-6): the filters read from the query string through the
API's own schemas, ledger entries with their subjects linked to the pages that show them and their
payloads laid out to read, and the organisations the entries name."""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from marshmallow import Schema, ValidationError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.accounts.models import Organisation
from core.db import db
from frontend.i18n import pick
from supervision.ledger.models import LedgerEntry

#: The page of a ledger subject, as (endpoint, argument); a subject not here has no page.
SUBJECT_PAGES = {
    "order": ("supervision_ui.order", "order_id"),
    "contract": ("supervision_ui.contract", "contract_id"),
    "auction": ("auction_ui.room", "auction_id"),
    "pool": ("pool_ui.page", "pool_id"),
    "dispute": ("dispute_ui.page", "dispute_id"),
    "agreement_solicitation": ("agreement_ui.solicitation", "solicitation_id"),
    "agreement": ("agreement_ui.agreement", "agreement_id"),
    "agreement_calloff": ("calloff_ui.calloff", "calloff_id"),
    "listing": ("catalog_ui.listing_page", "listing_id"),
}
#: Payload fields that name another subject by its id.
PAYLOAD_SUBJECTS = {
    "order": "order",
    "order_id": "order",
    "contract_id": "contract",
    "auction_id": "auction",
    "pool_id": "pool",
    "dispute_id": "dispute",
    "listing_id": "listing",
    "calloff_id": "agreement_calloff",
}


def parse_filters(
    schema: Schema, args: MultiDict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The filters the query string asks for, as the API's schema loads them, and the fields it
    refused (left out of the filters, shown beside their inputs). Blank fields are no filter."""
    given = {key: value.strip() for key, value in args.items() if value.strip()}
    given.pop("page", None)
    try:
        return schema.load(given), {}
    except ValidationError as error:
        errors = error.messages if isinstance(error.messages, dict) else {}
        kept = {key: value for key, value in given.items() if key not in errors}
        return schema.load(kept), errors


def subject_url(subject_type: str, subject_id: Any, payload: Any = None) -> str | None:
    """The page of a subject, if there is one (a payment's is its order's)."""
    if subject_type == "payment" and isinstance(payload, dict):
        order = subject_url("order", payload.get("order"))
        return order + "#payments" if order else None
    page = SUBJECT_PAGES.get(subject_type)
    if page is None or subject_id is None or not str(subject_id).isdigit():
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: int(subject_id)})


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {"nested": payload_fields(value)}
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return {"list": [_value(v) for v in value]}
    if isinstance(value, list):
        return {"text": "、".join(_text(v) for v in value) or "—"}
    return {"text": _text(value)}


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def payload_fields(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """An entry's payload as (key, value) rows to read: nested objects as rows of their own,
    lists of plain values joined, ids of subjects with a page linked to it."""
    rows = []
    for key, value in payload.items():
        row = {"key": key, **_value(value)}
        subject = PAYLOAD_SUBJECTS.get(key)
        if subject and isinstance(value, int | str):
            row["href"] = subject_url(subject, value)
        rows.append(row)
    return rows


def ledger_rows(entries: list[LedgerEntry]) -> list[dict[str, Any]]:
    """Each entry with its actor's organisation named, its subject's page and its payload."""
    org_ids = {e.actor_org_id for e in entries if e.actor_org_id}
    names = {
        row.id: pick(row.name_zh, row.name_en)
        for row in db.session.execute(
            select(Organisation.id, Organisation.name_zh, Organisation.name_en).where(
                Organisation.id.in_(org_ids)
            )
        )
    }
    rows = []
    for entry in entries:
        payload = json.loads(entry.payload)
        rows.append(
            {
                "entry": entry,
                "organisation": names.get(entry.actor_org_id or 0, ""),
                "subject_url": subject_url(entry.subject_type, entry.subject_id, payload),
                "fields": payload_fields(payload) if isinstance(payload, dict) else [],
            }
        )
    return rows
