"""二次竞价 secondary competition (MALL-8, 第二阶段): a framework agreement call-off competed for in
a live reverse auction through the auction engine, open only to the agreement's active entrants,
each under its own ceiling — its agreed prices, as the rules put it: 以协议价格为最高限价，报价最低的
为成交供应商.

Where it plugs in. mall sits below the auction package and never imports it, so this module's
``place`` is registered with ``mall.agreements.calloff_checks.register_method`` by
``mall.app.create_app``. A call-off by secondary competition is placed like any other — the same
route (``POST /api/agreements/<id>/calloffs``), form and schema, and first the checks every
call-off passes (the agreement in force, its region, the method allowed, at least
``MIN_COMPETING`` active entrants (``too_few_entrants``), the items, the delivery) — and then
``mall.agreements.placing.place`` hands it here. The close comes back the same way down:
``auction.closing.close`` calls ``settle``, which orders through
``mall.agreements.calloffs.make_order`` (and so ``mall.orders.awards.place_award``), as direct
selection and rotation do.

Placement (one transaction, each step on the ledger):

- every active entrant is invited (``AuctionInvitation``) with its own ceiling: Σ its agreed unit
  price × the quantity called off;
- the call-off holds the highest of them on the budget line under ``("calloff", id)``
  (``new_calloff``) and is ``competing``; the auction holds nothing itself (its
  ``budget_line_id`` only names the line);
- the auction's lot is the call-off as a whole: quantity 1, unit 批, a bid is the call-off's total
  price; the engine's ceiling is the highest entrant ceiling and is not shown to bidders — each
  sees its own;
- it is published at once, from ``starts_at`` to ``ends_at`` as the purchaser gives them, by
  default from ``NOTICE`` after placing (rounded up to the next five minutes) for ``RUN``;
- its rules: each bid at least 0.5 % below the best price, which bidders see; a bid in the last two
  minutes extends the end by three, at most five times; fewer than ``MIN_BIDDERS`` bidders fail it;
  no price deduction (MALL-7's applies to the entry stage): the lowest total wins.

Bidding (``auction.bidding`` with ``auction.invitations``): only invited entrants bid, and only
while their standing is active (``entrant_not_active`` otherwise; a suspension at bid time counts);
a bid above the bidder's own ceiling is refused (``above_own_ceiling``) and, like any refused bid,
is on the ledger. Category enrolment is not asked.

The close (``settle``, under the auction's lock, then the call-off's, then the budget line's): the
winner's total becomes the order and its contract, at unit prices derived from it — each item's
agreed price of the winner × bid ÷ the winner's own ceiling, rounded down to the cent (never below
0.01). The prices are thus never above the winner's agreed ones, and the order's total never above
the bid (short of it by less than one cent per unit ordered). A failed auction leaves the call-off
``unfilled`` and its funds go back to the line.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import rules
from auction.drafting import announcement
from auction.journal import record_step
from auction.models import Auction, AuctionInvitation
from auction.terms import check_run_terms, invalid
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict
from core.messages import en_zh
from core.money import cny
from core.notifications.service import Message, notify
from mall.agreements.calloff_checks import Wanted, agreed_total, check_funds, standing
from mall.agreements.calloff_models import CallOff
from mall.agreements.calloffs import make_order, new_calloff, record_calloff, wanted_of
from mall.agreements.models import Agreement, AgreementEntrant
from mall.agreements.prices import prices_at
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.models import Order

#: The default bidding window: opens this long after placing (rounded up to five minutes) …
NOTICE = timedelta(minutes=30)
#: … and runs this long.
RUN = timedelta(hours=1)
#: Fewer bidders than this is no competition: the auction fails and the call-off is unfilled.
MIN_BIDDERS = 2
#: The lot: the call-off as a whole.
UNIT = "批"
RULES = {
    "show_ceiling": False,
    "decrement_mode": "percent",
    "decrement_value": Decimal("0.50"),
    "must_beat": "best",
    "snipe_window_seconds": 120,
    "extension_seconds": 180,
    "max_extensions": 5,
    "visibility": "best",
    "min_bidders": MIN_BIDDERS,
}


def _window(data: dict[str, Any]) -> tuple[datetime, datetime]:
    now = clock.now()
    starts = data.get("starts_at")
    if starts is None:
        starts = now + NOTICE
        starts += timedelta(minutes=-starts.minute % 5, seconds=-starts.second)
        starts = starts.replace(microsecond=0)
    elif starts < now - timedelta(minutes=1):
        raise invalid("starts_at", "in the past", "The start is in the past.")
    ends = data.get("ends_at") or starts + RUN
    return starts, ends


def _title(agreement: Agreement, calloff: CallOff) -> tuple[str, str]:
    zh = f"框架协议二次竞价 {calloff.number}：{agreement.title}"
    en = f"Secondary competition {calloff.number}: {agreement.title}"
    return zh[:200], en[:200]


def place(
    session: Session, actor: Actor, agreement: Agreement, data: dict[str, Any], wanted: list[Wanted]
) -> CallOff:
    """A call-off by secondary competition and its auction, published at once. The caller holds
    the agreement's lock and has run every check of ``calloff_checks``."""
    active = [e for e in agreement.entrants if standing(session, e) == "active"]
    ceilings = {e.id: agreed_total(e, wanted) for e in active}
    held = max(ceilings.values())
    starts, ends = _window(data)
    delivery = data.get("delivery_date") or (clock.local(clock.now()).date() + timedelta(days=7))
    check_run_terms(starts, ends, delivery, RULES["decrement_mode"], RULES["decrement_value"])
    check_funds(session, actor, data["budget_line_id"], held)
    calloff = new_calloff(session, actor, agreement, data, wanted, held)
    first = wanted[0].item
    title, title_en = _title(agreement, calloff)
    now = clock.now()
    auction = Auction(
        purchaser_id=calloff.purchaser_id,
        created_by=actor.user_id,
        region_id=calloff.region_id,
        status="published",
        title=title,
        title_en=title_en,
        category_id=first.category_id,
        standard_product_id=None,
        required_params={},
        quantity=1,
        unit=UNIT,
        delivery_region_id=calloff.region_id,
        delivery_address=calloff.delivery_address,
        contact_name=calloff.contact_name,
        contact_phone=calloff.contact_phone,
        delivery_date=calloff.delivery_date,
        budget_line_id=calloff.budget_line_id,
        calloff_id=calloff.id,
        starts_at=starts,
        ends_at=ends,
        scheduled_end=ends,
        extensions_used=0,
        sme_only=False,
        ceiling=held,
        bid_count=0,
        bidder_count=0,
        published_at=now,
        created_at=now,
        updated_at=now,
        **RULES,
    )
    session.add(auction)
    session.flush()
    session.add_all(
        AuctionInvitation(
            auction_id=auction.id,
            supplier_id=e.supplier_id,
            entrant_id=e.id,
            ceiling=ceilings[e.id],
        )
        for e in active
    )
    calloff.status = "competing"
    calloff.auction_id = auction.id
    session.flush()
    invited = [
        {"entrant_id": e.id, "supplier_id": e.supplier_id, "ceiling": ceilings[e.id]}
        for e in active
    ]
    record_step(
        session,
        actor,
        "auction.published",
        "auction",
        auction,
        calloff_id=calloff.id,
        agreement_id=agreement.id,
        invited=invited,
        **announcement(auction),
    )
    record_calloff(
        session,
        actor,
        "agreement.calloff_competing",
        calloff,
        auction_id=auction.id,
        auction_number=auction.number,
        starts_at=starts,
        ends_at=ends,
        invited=invited,
    )
    _tell_entrants(session, agreement, calloff, auction, [e.supplier_id for e in active])
    return calloff


def _tell_entrants(
    session: Session,
    agreement: Agreement,
    calloff: CallOff,
    auction: Auction,
    supplier_ids: list[int],
) -> None:
    """The invited entrants learn of the competition and when it opens (站内通知)."""
    title_en, title_zh = en_zh(
        "Invited to a secondary competition: %(number)s %(title)s (opens %(starts)s)",
        number=calloff.number,
        title=agreement.title,
        starts=f"{clock.local(auction.starts_at):%m-%d %H:%M}",
    )
    notify(
        session,
        supplier_ids,
        Message(
            kind="agreement.calloff_competing",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/auctions/{auction.id}",
            subject=("auction", auction.id),
        ),
    )


def unit_prices(
    entrant: AgreementEntrant,
    wanted: list[Wanted],
    bid: Decimal,
    agreed: dict[int, Decimal] | None = None,
) -> dict[int, Decimal]:
    """Each item's unit price from the winning total ``bid``: the entrant's agreed price (``agreed``:
    those in force when the call-off was placed; else now) scaled by bid ÷ its own ceiling, rounded
    down to the cent (at least 0.01)."""
    agreed = agreed or {p.item_id: p.unit_price for p in entrant.prices}
    ceiling = cny(sum((agreed[w.item.id] * w.quantity for w in wanted), Decimal(0)))
    share = min(Decimal(1), bid / ceiling)
    return {
        w.item.id: max(
            Decimal("0.01"), (agreed[w.item.id] * share).quantize(Decimal("0.01"), ROUND_DOWN)
        )
        for w in wanted
    }


def settle(
    session: Session, actor: Actor, auction: Auction, ranked: list[rules.Offer]
) -> Order | None:
    """Award or fail the call-off's auction (locked and due): the order and contract, or the
    call-off unfilled with its funds released. Returns the order."""
    calloff = lock(session, CallOff, auction.calloff_id)
    assert calloff is not None
    failure = rules.too_few_bidders(ranked, auction.min_bidders)
    if failure is not None:
        auction.status = "failed"
        auction.failure_reason = failure
        calloff.status = "unfilled"
        calloff.updated_at = clock.now()
        session.flush()
        record_calloff(
            session,
            actor,
            "agreement.calloff_unfilled",
            calloff,
            auction_id=auction.id,
            reason=failure,
        )
        budgets.release(
            session, actor, calloff.budget_line_id, calloff.held, ("calloff", calloff.id)
        )
        return None
    winner = ranked[0]
    invitation = session.scalars(
        select(AuctionInvitation).where(
            AuctionInvitation.auction_id == auction.id,
            AuctionInvitation.supplier_id == winner.supplier_id,
        )
    ).one()
    entrant = session.get(AgreementEntrant, invitation.entrant_id)
    assert entrant is not None
    if winner.price > invitation.ceiling:  # the bid engine refuses these; never award one
        raise Conflict("The winning bid is above its own ceiling.")
    auction.status = "awarded"
    auction.winner_id = winner.supplier_id
    auction.awarded_bid_id = winner.bid_id
    wanted = wanted_of(session, calloff)
    # The ceiling was fixed at placement; so are the agreed prices the award is derived from.
    prices = unit_prices(
        entrant, wanted, winner.price, prices_at(session, entrant, calloff.placed_at)
    )
    record_calloff(
        session,
        actor,
        "agreement.calloff_awarded",
        calloff,
        auction_id=auction.id,
        bid_id=winner.bid_id,
        supplier_id=winner.supplier_id,
        entrant_id=entrant.id,
        bid=winner.price,
    )
    return make_order(session, actor, calloff, entrant, wanted, prices)


def awarded_total(session: Session, auction: Auction) -> Decimal | None:
    """The order's total for an awarded call-off auction (a few cents under the bid at most)."""
    calloff = session.get(CallOff, auction.calloff_id)
    order = session.get(Order, calloff.order_id) if calloff and calloff.order_id else None
    return cny(order.total) if order else None
