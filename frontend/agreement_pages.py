"""What the framework agreement pages show (MALL-8): the solicitation page's context for each
party — the terms, the supplier's response form or its response, the ranked responses after the
opening and the steps the solicitor may take — and the agreement page's entrants and price
comparison."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, url_for

from catalog.categories.models import StandardProduct
from core import clock
from core.accounts.auth import Actor
from core.db import db
from core.errors import NotFound
from frontend import catalog_display as show
from frontend.i18n import lang
from mall.agreements import pages, queries, responses, signing
from mall.agreements.access import get_solicitation, is_supplier, role_of
from mall.agreements.calloff_checks import standing
from mall.agreements.models import Agreement, Solicitation, SolicitationItem

#: The solicitor's next step at each status: (the form's endpoint, its button's label key).
NEXT_STEP = {
    "draft": ("agreement_ui.publish", "publish"),
    "published": ("agreement_ui.open_responses", "open"),
    "opened": ("agreement_ui.evaluate", "evaluate"),
    "evaluated": ("agreement_ui.select", "select"),
    "selected": ("agreement_ui.result_page", "result"),
}


def _names(session: Any, ids: set[int]) -> dict[int, str]:
    return {i: show.name_of(o) for i, o in pages.org_names(session, ids).items()}


def item_namer(session: Any) -> Callable[[SolicitationItem], str]:
    """What an item of a solicitation is called on the pages: its standard product's name, or its
    category's name with the parameters it requires."""
    categories = show.categories_by_id(session)

    def name(item: SolicitationItem) -> str:
        product = (
            session.get(StandardProduct, item.standard_product_id)
            if item.standard_product_id
            else None
        )
        if product is not None:
            return show.name_of(product)
        return show.name_of(categories.get(item.category_id)) + "".join(
            f" {k}={v}" for k, v in sorted(item.required_params.items())
        )

    return name


def item_names(session: Any, items: list[SolicitationItem]) -> dict[int, str]:
    name = item_namer(session)
    return {item.id: name(item) for item in items}


def _items(session: Any, solicitation: Solicitation) -> list[dict[str, Any]]:
    categories = show.categories_by_id(session)
    names = item_names(session, list(solicitation.items))
    return [
        {
            "item": item,
            "category": names[item.id],
            "code": categories[item.category_id].code if item.category_id in categories else "",
        }
        for item in solicitation.items
    ]


def solicitation_context(actor: Actor, solicitation_id: int) -> dict[str, Any]:
    session = db.session
    solicitation = get_solicitation(session, actor, solicitation_id)
    role = role_of(session, actor, solicitation)
    regions = show.regions_by_id(session)
    now = clock.now()
    mine = None
    if is_supplier(actor):
        try:
            mine = responses.own_response(session, actor, solicitation.id)
        except NotFound:
            mine = None
    sealed = solicitation.status in queries.SEALED
    listed = (
        queries.responses(session, actor, solicitation)
        if not sealed and role in ("solicitor", "operator", "supervisor")
        else []
    )
    step = NEXT_STEP.get(solicitation.status) if role == "solicitor" else None
    if step and solicitation.status == "published" and now < solicitation.response_deadline:
        step = None
    agreement = pages.agreement_of(session, solicitation)
    may_respond = pages.may_respond_now(session, actor, solicitation)
    why_not = None
    if is_supplier(actor) and not may_respond and solicitation.status == "published":
        code = pages.why_not_respond(session, actor, solicitation)
        if code is not None:
            en, zh = responses.REFUSALS.get(code, responses.REFUSALS["not_enrolled"])
            why_not = zh if lang() == "zh" else en
    names = _names(session, {solicitation.solicitor_id} | {r.supplier_id for r in listed})
    return {
        "s": solicitation,
        "role": role,
        "items": _items(session, solicitation),
        "names": names,
        "region_name": lambda rid: show.name_of(regions.get(rid)),
        "region_choices": [(r, show.region_depth(r)) for r in regions.values()],
        "mine": mine,
        "mine_prices": {p.item_id: p.unit_price for p in mine.prices} if mine else {},
        "may_respond": may_respond,
        "why_not": why_not,
        "supplier": is_supplier(actor),
        "before_deadline": now < solicitation.response_deadline,
        "responses": listed,
        "step": step,
        "quality": solicitation.evaluation == "quality_priority",
        "agreement": agreement,
        "done": request.args.get("done"),
    }


def agreement_context(actor: Actor, agreement_id: int) -> dict[str, Any]:
    session = db.session
    agreement: Agreement = queries.get_agreement(session, actor, agreement_id)
    entrants, rows = pages.price_table(session, actor, agreement)
    regions = show.regions_by_id(session)
    names = _names(session, {agreement.solicitor_id} | {e.supplier_id for e in agreement.entrants})
    items = {x["item"].id: x for x in _items(session, agreement.solicitation)}
    return {
        "a": agreement,
        "entrants": agreement.entrants,
        "priced": entrants,
        "rows": rows,
        "items": items,
        "names": names,
        "region_name": lambda rid: show.name_of(regions.get(rid)),
        "own": actor.organisation_id,
        # an entrant's standing now: suspended while its supplier is suspended in the catalog
        "standing": {e.id: standing(session, e) for e in agreement.entrants},
        "solicitation_link": url_for(
            "agreement_ui.solicitation", solicitation_id=agreement.solicitation_id
        ),
        # who signed the agreement, whether each signature verifies, and whether the actor's
        # organisation is a party still to sign
        "signing": signing.view(session, agreement),
        "may_sign": signing.awaiting(actor, agreement),
    }
