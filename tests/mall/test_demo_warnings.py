"""``flask demo load`` leaves a warning desk at work (SUP-2): the accepted orders signed and paid
after acceptance (MALL-5) but one past its payment term, the hospital's servers bought in three
checkouts that together pass the public-tender threshold (化整为零, MALL-10), a projector's price
raised days before a large order — and the warning engine has run, so a new supervisor finds a few
warnings of each level and no level flooded. Loading again adds nothing."""

import json
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auction import demo as auction_demo
from catalog import demo
from core import clock
from core.accounts.models import Organisation, User
from mall import policy
from mall.contracts import service as contracts
from mall.demo_warnings import RAISE, SPLIT_NOTES
from mall.orders.models import Order
from mall.orders.service import payability_problems
from mall.payments.models import Payment
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry
from supervision.warnings.models import RiskWarning


def _load(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["demo", "load"], catch_exceptions=False)


def _counts(session) -> dict:
    tables = (Order, Payment, RiskWarning, LedgerEntry, User)
    return {t.__name__: session.scalar(select(func.count()).select_from(t)) for t in tables}


def test_demo_leaves_a_few_warnings_of_each_level(app, session, monkeypatch):
    monkeypatch.setattr(demo, "LISTINGS", 30)
    monkeypatch.setattr(auction_demo, "DAYS_BACK", ())  # tested on their own
    result = _load(app)
    assert result.exit_code == 0, result.output
    assert "warnings on the desk:" in result.output
    now = clock.now()
    with app.app_context():
        settings = policy.settings()

    warnings = session.scalars(select(RiskWarning)).all()
    levels = Counter(w.level for w in warnings)
    assert set(levels) == {"red", "orange", "yellow"}, levels
    assert all(n <= 6 for n in levels.values()), levels
    by_rule = Counter(w.rule for w in warnings)
    assert by_rule["payment_overdue"] == 1, by_rule

    # The split purchase: the hospital's three server orders from one supplier, each below the
    # threshold, together above it, over two weeks a month ago — one red warning about it.
    hospital = session.scalars(
        select(Organisation).where(Organisation.name_zh == "包头市中心医院")
    ).one()
    (split,) = [w for w in warnings if w.rule == "split_purchase"]
    assert split.level == "red" and split.party_org_id == hospital.id
    facts = json.loads(split.facts)
    counted = [session.get(Order, int(i)) for i in facts["order_ids"]]
    assert {o.purchaser_id for o in counted} == {hospital.id}
    # (The fiscal year may hold an earlier server order of the hospital among the demo's random
    # orders: the rule counts it too.)
    orders = [o for o in counted if o.note in SPLIT_NOTES]
    assert [o.note for o in orders] == list(SPLIT_NOTES)
    assert len({o.supplier_id for o in orders}) == 1
    assert all(o.total < settings.sme_reserved_below for o in orders)
    assert sum(o.total for o in orders) >= settings.sme_reserved_below
    assert Decimal(facts["total"]) == sum(o.total for o in counted)
    assert now - timedelta(days=40) < orders[0].placed_at < orders[-1].placed_at
    assert orders[-1].placed_at - orders[0].placed_at <= timedelta(days=15)
    assert orders[-1].placed_at < now - timedelta(days=14)

    # The price raised before a large order: the raise on the ledger, the order at the new price.
    (raised,) = [w for w in warnings if w.rule == "price_raised_before_order"]
    assert raised.level == "orange"
    facts = json.loads(raised.facts)
    old, new = Decimal(facts["old"]), Decimal(facts["new"])
    assert old * (1 + RAISE - Decimal("0.01")) < new < old * (1 + RAISE + Decimal("0.01"))
    assert Decimal(facts["line_total"]) >= Decimal("50000")
    change = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.action == "listing.price_changed",
            LedgerEntry.subject_id == str(facts["listing_id"]),
        )
    ).all()[-1]
    assert json.loads(change.payload)["new"] == facts["new"]

    # Payments: every accepted order's contract signed by both; all paid but the overdue one and
    # those accepted in the last days, each through the gateway's answer, after acceptance.
    (overdue,) = [w for w in warnings if w.rule == "payment_overdue"]
    assert overdue.level == "yellow"
    late = session.get(Order, int(overdue.subject_id))
    assert late.status == "accepted" and payability_problems(late) == []
    settled = session.scalars(select(Order).where(Order.status.in_(("accepted", "paid")))).all()
    assert len(settled) > 10
    for order in settled:
        assert contracts.fully_signed(session, order.contract)
        if order.status == "accepted":
            assert order is late or order.accepted_at > now - timedelta(days=10)
            continue
        (payment,) = session.scalars(select(Payment).where(Payment.order_id == order.id)).all()
        assert payment.status == "succeeded" and payment.amount == order.accepted_total
        assert order.accepted_at < order.paid_at < order.accepted_at + timedelta(days=26)
        assert order.paid_at <= now
    assert verify(session).ok

    before = _counts(session)
    again = _load(app)
    assert again.exit_code == 0, again.output
    assert "payments: made already" in again.output
    assert _counts(session) == before
