"""What the buying pages show: the cart with each item's problem, and an order's page for either
side with its items, times, actions, contract, payability and ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import User
from core.db import db
from frontend import catalog_display as show
from frontend.i18n import pick
from mall.contracts import service as contracts
from mall.contracts.models import Contract
from mall.orders import cart, service
from mall.orders.models import Order
from mall.ratings import service as ratings
from mall.ratings.models import Rating
from mall.ratings.service import MAX_COMMENT
from supervision.credit.criteria import CRITERIA, MAX_SCORE, MIN_SCORE

#: Where an order's page lives for each side.
ORDER_PAGES = {"purchaser": "buying_ui.order_page", "supplier": "buying_ui.supplier_order_page"}
LIST_PAGES = {"purchaser": "buying_ui.orders", "supplier": "buying_ui.supplier_orders"}
#: Orders that ended without being fulfilled.
ENDED = ("declined", "cancelled", "lapsed")


def iso_local(value: Any) -> str:
    """A time from a contract's terms (ISO text in UTC) as Asia/Shanghai wall time."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return clock.local(at).strftime("%Y-%m-%d %H:%M:%S")


def user_names(ids: set[int | None]) -> dict[int, str]:
    """The display names of the users with these ids."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return dict(rows.all())


def cart_view(actor: Actor) -> dict[str, Any]:
    """The cart by supplier, each item titled in the page's language with its problem's text."""
    view = cart.view(db.session, actor)
    for group in view["groups"]:
        for item in group["items"]:
            item["title"] = pick(item["title_zh"], item["title_en"] or item["title_zh"])
            problem = item["problem"]
            item["problem_text"] = pick(*reversed(cart.PROBLEMS[problem])) if problem else ""
        group["problems"] = sum(1 for item in group["items"] if item["problem"])
    view["problems"] = sum(group["problems"] for group in view["groups"])
    return view


def _actions(order: Order, side: str) -> list[str]:
    """What this side may do to the order now (the transitions of ``mall.orders.service``)."""
    status, asked = order.status, order.cancel_requested_by
    if side == "supplier":
        return {
            "placed": ["confirm", "decline"],
            "confirmed": (
                ["ship", "request_cancel"]
                if asked is None
                else ["withdraw_cancel"]
                if asked == "supplier"
                else ["agree_cancel", "refuse_cancel"]
            ),
            "shipped": ["deliver"],
            "acceptance_refused": ["redeliver"],
            "paid": ["close"],
        }.get(status, [])
    return {
        "placed": ["cancel"],
        "confirmed": (
            ["request_cancel"]
            if asked is None
            else ["withdraw_cancel"]
            if asked == "purchaser"
            else ["agree_cancel", "refuse_cancel"]
        ),
        "shipped": ["receive"],
        "delivered": ["accept", "refuse_acceptance"],
    }.get(status, [])


def _timeline(order: Order, users: dict[int, str]) -> list[dict[str, Any]]:
    """The order's times, oldest first; the confirmation deadline while it is still open."""
    events: list[dict[str, Any]] = [{"key": "placed", "at": order.placed_at}]
    if order.status == "placed":
        events.append({"key": "confirm_by", "at": order.confirm_by, "due": True})
    for key in ("confirmed", "shipped"):
        at = getattr(order, f"{key}_at")
        if at:
            events.append({"key": key, "at": at})
    for acceptance in order.acceptances:
        events.append(
            {
                "key": "acceptance_" + acceptance.decision,
                "at": acceptance.recorded_at,
                "by": users.get(acceptance.recorded_by, ""),
                "reasons": acceptance.reasons or [],
                "notes": acceptance.notes,
                "amount": acceptance.accepted_total,
            }
        )
    if order.delivered_at:
        # Delivery comes before the acceptance that followed it (a redelivery after a refusal
        # comes after that refusal).
        events.append({"key": "delivered", "at": order.delivered_at})
    for key in ("paid", "closed"):
        at = getattr(order, f"{key}_at", None)
        if at:
            events.append({"key": key, "at": at})
    if order.ended_at:
        events.append(
            {
                "key": order.status,
                "at": order.ended_at,
                "notes": order.decline_reason or order.cancel_reason,
            }
        )
    events.sort(key=lambda e: e["at"])
    return events


def _contract_summary(order: Order) -> dict[str, Any] | None:
    contract: Contract | None = getattr(order, "contract", None)
    if contract is None:
        return None
    signed = {s.party: s for s in contracts.signature_status(db.session, contract)}
    return {
        "contract": contract,
        "signed": signed,
        "intact": contracts.content_intact(contract),
        "fully_signed": contracts.fully_signed(db.session, contract),
    }


def _criteria(side: str) -> list[dict[str, str]]:
    """The criteria the rater's side scores, in display order, named in the page's language."""
    return [{"code": code, "name": pick(zh, en)} for code, zh, en in CRITERIA[side]]


def _rating_view(rating: Rating) -> dict[str, Any]:
    return {
        "side": rating.side,
        "scores": [
            {**criterion, "score": rating.scores.get(criterion["code"])}
            for criterion in _criteria(rating.side)
        ],
        "overall": rating.overall,
        "comment": rating.comment,
        "at": rating.created_at,
    }


def _ratings_panel(order: Order, actor: Actor, side: str) -> dict[str, Any] | None:
    """信用互评 on a closed order: this side's form until it has rated, then the ratings given."""
    if order.status != "closed":
        return None
    given = {r.side: r for r in ratings.ratings_for_order(db.session, actor, order.id)}
    other = "supplier" if side == "purchaser" else "purchaser"
    return {
        "rated": side in given,
        "given": [_rating_view(given[s]) for s in (side, other) if s in given],
        "other_rated": other in given,
        "criteria": _criteria(side),
        "scores": range(MIN_SCORE, MAX_SCORE + 1),
        "max_score": MAX_SCORE,
        "max_comment": MAX_COMMENT,
        "other": other,
        "url": url_for("ratings.rate", order_id=order.id),
    }


def order_context(actor: Actor, order: Order, side: str) -> dict[str, Any]:
    """What the order's page shows this side: items with what was accepted of each, the timeline,
    the actions its state allows, the contract, payability and the ratings panel."""
    latest = order.acceptances[-1] if order.acceptances else None
    accepted = (
        {i.order_item_id: i for i in latest.items}
        if latest is not None and latest.decision == "accepted"
        else {}
    )
    users = user_names({a.recorded_by for a in order.acceptances} | {order.placed_by})
    counterpart = order.supplier if side == "purchaser" else order.purchaser
    payability = None
    if side == "purchaser" and order.status not in ENDED:
        payability = service.payability(order)
        for problem in payability["problems"]:
            problem["text"] = pick(problem["message_zh"], problem["message"])
    return {
        "order": order,
        "side": side,
        "counterpart": counterpart,
        "items": [
            {
                "item": item,
                "title": pick(item.title_zh, item.title_en or item.title_zh),
                "accepted": accepted.get(item.id),
            }
            for item in order.items
        ],
        "timeline": _timeline(order, users),
        "actions": _actions(order, side),
        "contract": _contract_summary(order),
        "payability": payability,
        "placed_by": users.get(order.placed_by, ""),
        "list_endpoint": LIST_PAGES[side],
        "api_base": (
            url_for("orders.purchaser_order", order_id=order.id)
            if side == "purchaser"
            else url_for("supplier_orders.supplier_order", order_id=order.id)
        ),
        # Both parties read an order's payments at the same address.
        "payments_url": url_for("orders.purchaser_order", order_id=order.id) + "/payments",
        "paying": order.status in ("accepted", "paid", "closed"),
        "attaching": side == "purchaser"
        and order.status in ("delivered", "accepted", "acceptance_refused"),
        "attachments_url": url_for("orders.purchaser_order", order_id=order.id) + "/attachments",
        "ratings": _ratings_panel(order, actor, side),
    }


def contract_context(row: Contract, party: str | None, order_url: str) -> dict[str, Any]:
    """What the contract's page shows: the terms, the hash checks and each party's signature;
    the signing form for a party that has not signed (``party`` None: a reader, no form)."""
    view = contracts.view(db.session, row)
    signed = {s.party: s for s in view["signatures"]}
    terms = view["terms"] or {}
    items = [
        {**item, "title": pick(item.get("title_zh", ""), item.get("title_en") or "")}
        for item in terms.get("items", [])
    ]
    return {
        "contract": row,
        "view": view,
        "terms": terms,
        "items": items,
        "party": party,
        "signed": signed,
        "signers": user_names({s.signed_by for s in view["signatures"]}),
        "may_sign": (
            party is not None
            and party not in signed
            and row.order.status not in contracts.VOID_STATUSES
            and view["content_intact"]
        ),
        "void": row.order.status in contracts.VOID_STATUSES,
        "order_url": order_url,
        "iso_local": iso_local,
        "size_name": show.size_name,
    }


def supervised_order_context(order: Order, payments: list[Any]) -> dict[str, Any]:
    """What a supervisor's page of an order shows: both parties, the items, the timeline, the
    contract's state and the payments — and no action."""
    latest = order.acceptances[-1] if order.acceptances else None
    accepted = (
        {i.order_item_id: i for i in latest.items}
        if latest is not None and latest.decision == "accepted"
        else {}
    )
    users = user_names({a.recorded_by for a in order.acceptances} | {order.placed_by})
    return {
        "order": order,
        "items": [
            {
                "item": item,
                "title": pick(item.title_zh, item.title_en or item.title_zh),
                "accepted": accepted.get(item.id),
            }
            for item in order.items
        ],
        "timeline": _timeline(order, users),
        "contract": _contract_summary(order),
        "payments": payments,
        "placed_by": users.get(order.placed_by, ""),
    }
