"""成交公告: the public result notices (SUP-5), read without signing in. Each notice is an OCDS
release that awards or contracts (``supervision.disclosure``): what was bought, by whom, from whom
and for how much, with a link to the inclusion proof of the ledger entry it was derived from on
the public ledger page, and to the process's OCDS record. Organisation names and titles are shown
as the release carries them (as entered)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import func, select

from core.db import db
from supervision.disclosure import jsontext
from supervision.disclosure.models import OcdsRelease

bp = Blueprint("notice_ui", __name__, url_prefix="/public/notices")

PER_PAGE = 20


def _page() -> int:
    raw = request.args.get("page", "1")
    return min(max(int(raw), 1), 100000) if raw.isdigit() and len(raw) < 7 else 1


def summary(release: dict[str, Any]) -> dict[str, Any]:
    """What a notice shows of a release: its kind, parties, amount and items."""
    awards = release.get("awards") or []
    contracts = release.get("contracts") or []
    parties = release.get("parties") or []
    buyers = [p["name"] for p in parties if "buyer" in p.get("roles", []) and p.get("name")]
    suppliers = [s.get("name", "") for a in awards for s in a.get("suppliers") or []] or [
        p["name"] for p in parties if "supplier" in p.get("roles", []) and p.get("name")
    ]
    amount = None
    for part in (*awards, *contracts):
        if (part.get("value") or {}).get("amount") is not None:
            amount = part["value"]["amount"]
            break
    items = [
        {
            "description": i.get("description", ""),
            "quantity": i.get("quantity"),
            "unit": (i.get("unit") or {}).get("name"),
            "price": ((i.get("unit") or {}).get("value") or {}).get("amount"),
        }
        for a in awards
        for i in a.get("items") or []
    ]
    return {
        "kind": "contract" if contracts and not awards else "award",
        "buyers": list(dict.fromkeys(buyers)),
        "suppliers": list(dict.fromkeys(suppliers)),
        "amount": amount,
        "lines": items,
        "award_ids": [a.get("id") for a in awards],
        "contract_ids": [c.get("id") for c in contracts],
    }


@bp.route("")
def notices() -> Any:
    """Every result notice, newest first."""
    page = _page()
    where = OcdsRelease.notice.is_(True)
    total = db.session.scalar(select(func.count(OcdsRelease.id)).where(where)) or 0
    rows = db.session.scalars(
        select(OcdsRelease)
        .where(where)
        .order_by(OcdsRelease.released_at.desc(), OcdsRelease.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "public/notices.html",
        notices=[(row, summary(jsontext.loads(row.data))) for row in rows],
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        page_link=lambda n: url_for("notice_ui.notices", page=n),
    )


@bp.route("/<int:notice_id>")
def notice(notice_id: int) -> Any:
    row = db.session.get(OcdsRelease, notice_id)
    if row is None or not row.notice:
        abort(404)
    release = jsontext.loads(row.data)
    return render_template(
        "public/notice.html",
        row=row,
        release=release,
        info=summary(release),
        proof=url_for("public_ledger_ui.ledger", entry=row.seq),
        record=url_for("ocds_public.record", ocid=row.ocid),
    )
