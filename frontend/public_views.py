"""Public framework agreement pages (公开公告, MALL-8), read without signing in: the published
入围结果 and one page per agreement's result, the 成交结果 of call-offs that became orders, and each
agreement's monthly 成交汇总. The reads are ``mall.agreements.public``; these views only name
things in the page's language."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from core.db import db
from frontend import catalog_display as show
from frontend.agreement_pages import item_namer
from mall.agreements import public

bp = Blueprint("public_ui", __name__, url_prefix="/public")


def _page() -> int:
    raw = request.args.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


def _pages(total: int) -> int:
    return max((total + public.PER_PAGE - 1) // public.PER_PAGE, 1)


def _names(ids: set[int]) -> dict[int, str]:
    return {i: show.name_of(o) for i, o in show.organisations(db.session, ids).items()}


def _describer() -> Any:
    """An item's description: its standard product, or its category and required parameters."""
    return item_namer(db.session)


def _region_namer() -> Any:
    regions = show.regions_by_id(db.session)
    return lambda rid: show.name_of(regions.get(rid))


@bp.route("/agreements")
def agreements() -> Any:
    """入围结果公告: every published framework agreement, newest first."""
    page = _page()
    found, total = public.agreements(db.session, page)
    ids = {a.solicitor_id for a in found} | {e.supplier_id for a in found for e in a.entrants}
    return render_template(
        "public/agreements.html",
        agreements=found,
        names=_names(ids),
        region_name=_region_namer(),
        page=page,
        pages=_pages(total),
        page_link=lambda n: url_for("public_ui.agreements", page=n),
    )


@bp.route("/agreements/<int:agreement_id>")
def agreement(agreement_id: int) -> Any:
    """One agreement's result: its terms, items and each entrant's agreed unit prices."""
    found = public.agreement(db.session, agreement_id)
    entrants = public.entrants(db.session, found)
    return render_template(
        "public/agreement.html",
        a=found,
        items=found.solicitation.items,
        entrants=entrants,
        solicitor_signed=public.solicitor_signed(db.session, found),
        names=_names({found.solicitor_id} | {e.supplier_id for e in entrants}),
        region_name=_region_namer(),
        describe=_describer(),
        deals=public.deals(db.session, found.id)[1],
    )


@bp.route("/agreements/deals")
def deals() -> Any:
    """成交结果: the call-offs that became orders, of every agreement or of one."""
    raw = request.args.get("agreement", "")
    agreement = public.agreement(db.session, int(raw)) if raw.isdigit() else None
    page = _page()
    found, total = public.deals(db.session, agreement.id if agreement else None, page)
    titles = {a.id: a for a in public.agreements_by_id(db.session, {d.agreement_id for d in found})}
    return render_template(
        "public/deals.html",
        deals=found,
        total=total,
        agreement=agreement,
        agreements=titles,
        names=_names({d.purchaser_id for d in found} | {d.supplier_id for d in found}),
        describe=_describer(),
        page=page,
        pages=_pages(total),
        page_link=lambda n: url_for(
            "public_ui.deals", page=n, **({"agreement": agreement.id} if agreement else {})
        ),
    )


@bp.route("/agreements/<int:agreement_id>/summary")
def summary(agreement_id: int) -> Any:
    """成交汇总: per month, the call-offs ordered and their total, by method and by supplier."""
    found = public.agreement(db.session, agreement_id)
    months = public.summary(db.session, found)
    ids = {s for m in months for s in m.by_supplier}
    return render_template(
        "public/summary.html", a=found, months=months, names=_names(ids | {found.solicitor_id})
    )
