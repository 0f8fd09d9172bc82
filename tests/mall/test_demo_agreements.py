"""``flask demo load`` leaves a closed and an open framework agreement in force today, concluded
through the services weeks ago, with call-offs by direct selection and by rotation and the orders
they made, so a new user sees agreements at work (MALL-8). Loading again adds nothing."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction import demo as auction_demo
from catalog import demo
from core import clock
from mall import demo_orders
from mall.agreements import joining, signing
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.agreements.models import Agreement, AgreementResponse, Solicitation
from mall.contracts.models import Contract
from mall.demo_agreements import COPY_PAPER, DESKTOPS
from mall.orders.models import Order
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry


def _load(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)


def _agreement(session, plan) -> Agreement:
    return session.scalars(
        select(Agreement)
        .join(Solicitation, Solicitation.id == Agreement.solicitation_id)
        .where(Solicitation.title == plan.title)
    ).one()


def _counts(session) -> dict:
    tables = (Solicitation, AgreementResponse, Agreement, CallOff, CallOffOffer, Order, Contract)
    counts = {t.__name__: session.scalar(select(func.count()).select_from(t)) for t in tables}
    counts["ledger"] = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.subject_type.in_(("agreement_solicitation", "agreement_calloff")))
    )
    return counts


def test_demo_agreements_with_call_offs_load_once(app, session, login, monkeypatch):
    monkeypatch.setattr(demo, "LISTINGS", 30)
    monkeypatch.setattr(demo_orders, "ORDERS", 0)  # tested on their own
    monkeypatch.setattr(auction_demo, "DAYS_BACK", ())  # so are the auctions
    result = _load(app)
    assert result.exit_code == 0, result.output
    assert "framework agreement XY" in result.output
    now = clock.now()
    today = clock.local(now).date()

    closed, open_ = _agreement(session, DESKTOPS), _agreement(session, COPY_PAPER)
    assert (closed.kind, open_.kind) == ("closed", "open")
    assert closed.solicitation.evaluation == "price_priority"
    assert open_.solicitation.evaluation == "quality_priority"
    assert set(closed.call_off_methods) == {"direct", "rotation", "secondary_competition"}
    assert set(open_.call_off_methods) == {"direct", "rotation"}
    for agreement in (closed, open_):
        assert agreement.status == "active"
        # In force today and for months yet, so call-offs are not refused as ending.
        assert agreement.term_starts <= today and agreement.term_ends > today + timedelta(days=90)
        assert agreement.published_at < now - timedelta(days=30)
        assert len(agreement.entrants) >= 3
        assert all(e.status == "active" for e in agreement.entrants)
        selected = [e for e in agreement.entrants if e.response_id is not None]
        # Signed by the solicitor and every entrant selected at the result, each signature
        # verifying over the content; a supplier that joined later signed its accession.
        assert signing.in_force(session, agreement)
        assert signing.signers(session, agreement) == {
            agreement.solicitation.solicitor_id,
            *(e.supplier_id for e in selected),
        }
        assert all(signing.entrant_bound(session, e) for e in agreement.entrants)
        responses = session.scalars(
            select(AgreementResponse).where(
                AgreementResponse.solicitation_id == agreement.solicitation_id
            )
        ).all()
        assert len(responses) == len(selected) + 1
        assert [r.status for r in responses].count("eliminated") == 1
        # Each step of stage one is on the ledger, when it happened.
        steps = {
            e.action: e.at
            for e in session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.subject_type == "agreement_solicitation",
                    LedgerEntry.subject_id == str(agreement.solicitation_id),
                )
            )
        }
        assert steps["agreement.solicitation_published"] < steps["agreement.responses_opened"]
        assert steps["agreement.result_published"] == agreement.published_at
    assert len(closed.entrants) >= 4  # 封闭式: four of five responders entered
    # 开放式: one more supplier joined last week, the last entrant, below the joining prices.
    assert all(e.response_id is not None for e in closed.entrants)
    (joiner,) = [e for e in open_.entrants if e.response_id is None]
    assert joiner.rank == len(open_.entrants) and joiner.accession is not None
    assert signing.accession_verified(session, open_, joiner.accession)
    ceiling = joining.joining_prices(open_)
    assert all(p.unit_price < ceiling[p.item_id] for p in joiner.prices)
    assert now - timedelta(days=14) < joiner.accession.created_at < now

    supplier_org = login("supplier").get("/api/auth/me").get_json()["organisation"]["id"]
    calloffs = session.scalars(select(CallOff).order_by(CallOff.placed_at)).all()
    by = {(c.agreement_id, c.method): [] for c in calloffs}
    for c in calloffs:
        by[(c.agreement_id, c.method)].append(c)
    assert {m for (_, m) in by} == {"direct", "rotation"}
    assert len(by[(closed.id, "direct")]) == 1 and len(by[(open_.id, "direct")]) == 1

    # Direct selections became confirmed orders with their contracts, at the agreed prices.
    for calloff in by[(closed.id, "direct")] + by[(open_.id, "direct")]:
        assert calloff.status == "ordered" and calloff.reason and calloff.reason_note
        order = session.get(Order, calloff.order_id)
        entrants = {closed.id: closed.entrants, open_.id: open_.entrants}[calloff.agreement_id]
        entrant = next(e for e in entrants if e.id == calloff.entrant_id)
        agreed = {p.item_id: p.unit_price for p in entrant.prices}
        assert order.status == "confirmed" and order.source == "agreement"
        assert order.supplier_id == entrant.supplier_id
        assert order.total == sum(
            (agreed[i.item_id] * i.quantity for i in calloff.items), Decimal(0)
        )
        assert session.scalar(select(Contract.id).where(Contract.order_id == order.id))
        assert order.placed_at < now - timedelta(days=7)

    # Rotation on the closed agreement: rank 1 accepted its turn; rank 2 declined and rank 3
    # accepted; the last call-off waits for the demo user ``supplier``, whose turn it is.
    first, second, waiting = by[(closed.id, "rotation")]
    ranks = {e.id: e.rank for e in closed.entrants}
    assert [(ranks[o.entrant_id], o.status) for o in first.offers] == [(1, "accepted")]
    assert [(ranks[o.entrant_id], o.status) for o in second.offers] == [
        (2, "declined"),
        (3, "accepted"),
    ]
    assert second.offers[0].note
    for calloff in (first, second):
        order = session.get(Order, calloff.order_id)
        assert calloff.status == "ordered" and order.status == "confirmed"
        assert order.supplier_id == calloff.offers[-1].supplier_id
    assert waiting.status == "offered" and waiting.order_id is None
    assert [(ranks[o.entrant_id], o.status) for o in waiting.offers] == [(4, "offered")]
    assert waiting.offers[0].supplier_id == supplier_org
    assert closed.rotation_rank == 4
    assert open_.rotation_rank >= 1

    assert verify(session).ok

    # A purchaser sees both agreements with the entrants' prices; the supplier its offer.
    purchaser = login("purchaser")
    listed = purchaser.get("/api/agreements").get_json()["items"]
    assert {closed.id, open_.id} <= {a["id"] for a in listed}
    shown = purchaser.get(f"/api/agreements/{closed.id}").get_json()
    assert len(shown["entrants"]) == len(closed.entrants)
    assert all(e["prices"] for e in shown["entrants"])
    offers = login("supplier").get("/api/agreements/offers").get_json()["items"]
    assert [o["id"] for o in offers if o["status"] == "offered"] == [waiting.offers[0].id]

    # Loading again adds nothing.
    before = _counts(session)
    again = _load(app)
    assert again.exit_code == 0 and again.output.count("already") >= 2
    assert _counts(session) == before
