"""What every call-off from a framework agreement passes first (MALL-8, 第二阶段), after
Prozorro's ``cfaselectionua`` checks. Each refusal has its own code and a message in English and
Chinese, and is raised before anything is written.

Codes: ``purchaser_only``, ``agreement_not_active``, ``change_pending``, ``agreement_unsigned``
(the solicitor and at least one entrant have not both signed, ``signing``), ``agreement_ending``,
``outside_region``, ``method_not_available`` (a method no package serves: secondary competition
when the auction package has not registered its placer), ``method_not_allowed``,
``too_few_entrants`` (secondary competition needs ``MIN_COMPETING`` active entrants),
``items_required``, ``items_not_in_agreement``, ``duplicate_item``,
``quantity_invalid``, ``delivery_incomplete``, and the budget line's own (``other_organisation``,
``budget_line_closed``, ``wrong_fiscal_year``, ``insufficient_funds``).

Secondary competition (二次竞价) is a reverse auction, which the auction package runs; mall sits
below it and never imports it. So the auction package's placer is registered here at start-up
(``register_method``, called by ``mall.app.create_app``), the way ``catalog.prices`` is given its
paid-price source: ``placing.place`` runs the checks every call-off passes and then hands the
call-off to the placer of its method. The HTTP route, the form and the schema stay the same for
every method.

A price variation (``mall.agreements.changes``) sets the agreement's status to ``change_pending``
until the solicitor activates or cancels it, and call-offs wait for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.enrolment.suspensions import active_suspension
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, ValidationFailed
from core.money import cny
from mall.agreements import signing
from mall.agreements.access import in_region
from mall.agreements.models import Agreement, AgreementEntrant, SolicitationItem
from mall.budgets import service as budgets
from mall.budgets.models import BudgetLine
from mall.orders.access import require_purchaser

#: An agreement ending within this many days takes no more call-offs.
ENDING_DAYS = 7
#: The methods mall serves itself.
AVAILABLE = ("direct", "rotation")
#: A secondary competition needs at least this many active entrants to compete.
MIN_COMPETING = 3

#: Placers of the methods served by a package above mall, by method:
#: ``placer(session, actor, agreement, data, wanted) -> CallOff``, called with the agreement
#: locked and every check of this module passed.
PLACERS: dict[str, Callable[..., Any]] = {}


def register_method(method: str, placer: Callable[..., Any]) -> None:
    """A package above mall serves ``method`` (``auction.calloffs`` serves 二次竞价)."""
    PLACERS[method] = placer


def available() -> tuple[str, ...]:
    """The call-off methods served now."""
    return AVAILABLE + tuple(m for m in PLACERS if m not in AVAILABLE)


@dataclass(frozen=True)
class Wanted:
    """An item of the agreement and the quantity called off."""

    item: SolicitationItem
    quantity: int


def check_agreement(session: Session, actor: Actor, agreement: Agreement, method: str) -> None:
    """The agreement takes call-offs from this purchaser by this method now."""
    require_purchaser(actor)
    today = clock.local(clock.now()).date()
    if agreement.status == "change_pending":
        raise Conflict(
            "A change to this framework agreement is pending; call off once it is published.",
            code="change_pending",
        )
    if agreement.status != "active" or not agreement.term_starts <= today <= agreement.term_ends:
        raise Conflict(
            "This framework agreement is not in force.",
            code="agreement_not_active",
        )
    if not signing.in_force(session, agreement):
        raise Conflict(
            "This framework agreement is not signed yet by the solicitor and an entrant.",
            code="agreement_unsigned",
        )
    if agreement.term_ends <= today + timedelta(days=ENDING_DAYS):
        raise Conflict(
            "This framework agreement ends on %(ends)s, within %(days)s days.",
            code="agreement_ending",
            params={"ends": agreement.term_ends, "days": ENDING_DAYS},
        )
    if not in_region(session, actor, agreement.region_id):
        raise Forbidden(
            "This framework agreement does not serve your region.",
            code="outside_region",
        )
    if method not in available():
        raise Conflict(
            "This call-off method is not available.",
            code="method_not_available",
        )
    if method not in agreement.call_off_methods:
        raise Conflict(
            "This framework agreement does not allow this call-off method.",
            code="method_not_allowed",
            details={"method": [method], "allowed": list(agreement.call_off_methods)},
        )
    if method == "secondary_competition":
        active = [e for e in agreement.entrants if standing(session, e) == "active"]
        if len(active) < MIN_COMPETING:
            raise Conflict(
                "Secondary competition needs at least %(minimum)s active entrants; "
                "this agreement has %(active)s.",
                code="too_few_entrants",
                params={"minimum": MIN_COMPETING, "active": len(active)},
                details={"active": len(active), "minimum": MIN_COMPETING},
            )


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_items(session: Session, agreement: Agreement, rows: list[dict[str, Any]]) -> list[Wanted]:
    """The call-off's items: a subset of the agreement's, each once, each a whole number ≥ 1."""
    if not rows:
        raise ValidationFailed("Call off at least one item.", code="items_required")
    items = {
        i.id: i
        for i in session.scalars(
            select(SolicitationItem).where(
                SolicitationItem.solicitation_id == agreement.solicitation_id
            )
        )
    }
    ids = [row.get("item_id") for row in rows]
    strangers = [i for i in ids if i not in items]
    if strangers:
        raise ValidationFailed(
            "These items are not in the framework agreement.",
            code="items_not_in_agreement",
            details={"item_id": strangers},
        )
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Each item is called off once.", code="duplicate_item")
    wrong = [row["item_id"] for row in rows if not _whole(row.get("quantity"))]
    if wrong:
        raise ValidationFailed(
            "Quantities are whole numbers of at least 1.",
            code="quantity_invalid",
            details={"item_id": wrong},
        )
    return [Wanted(items[row["item_id"]], row["quantity"]) for row in rows]


def agreed_total(entrant: AgreementEntrant, wanted: list[Wanted]) -> Decimal:
    """Σ the entrant's agreed unit price × quantity."""
    prices = {p.item_id: p.unit_price for p in entrant.prices}
    return cny(sum((prices[w.item.id] * w.quantity for w in wanted), Decimal(0)))


def check_funds(session: Session, actor: Actor, line_id: int, amount: Decimal) -> BudgetLine:
    """The purchaser's own line, active, of this fiscal year, with ``amount`` available; locked."""
    line = budgets.lock_line(session, line_id)
    budgets.check_reservable(actor, line, amount)
    return line


def standing(session: Session, entrant: AgreementEntrant) -> str:
    """An entrant's standing now: its own status, or ``suspended`` while its supplier is suspended
    in the catalog (by a dispute ruling or a credit penalty; such a suspension ends by itself, and
    so does this), or ``unsigned`` until both it and the solicitor signed the agreement."""
    if entrant.status != "active":
        return entrant.status
    if active_suspension(session, entrant.supplier_id):
        return "suspended"
    return "active" if signing.entrant_bound(session, entrant) else "unsigned"
