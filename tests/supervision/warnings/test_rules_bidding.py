"""The bidding side's warning rules (SUP-2, AUC-3, SUP-3): each raises its warning on a planted
case and stays silent on a near miss. The planted entries take the shapes the mall writes them in
(``auction.drafting``/``auction.bidding``/``auction.closing``, ``auction.pools``,
``mall.agreements``, ``supervision.prices.service``)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind
from core.db import db
from supervision.warnings import engine
from tests.supervision.warnings.conftest import actor_of, later, of_rule, plant, run

CLOCK = Actor(user_id=None, username="auction-clock")
_ids = count(1)


def _next() -> int:
    return 800000 + next(_ids)


def suppliers(session, orgs, n: int) -> list[Organisation]:
    """The two demo suppliers, then more of them (as enrolment makes them)."""
    found = [orgs["supplier"], orgs["supplier.office"]]
    while len(found) < n:
        k = _next()
        org = Organisation(
            kind=OrgKind.SUPPLIER.value,
            name_zh=f"测试供应商{k}",
            name_en=f"Test supplier {k}",
            credit_code=f"91150{k:013d}"[:18],
            region_id=orgs["supplier"].region_id,
        )
        session.add(org)
        session.flush()
        found.append(org)
    return found[:n]


# ---------------------------------------------------------------- auctions as the mall records them


def publish(
    session,
    purchaser,
    *,
    category_id=15,
    ceiling="5000.00",
    must_beat="best",
    at=None,
    actor=None,
    **extra,
) -> int:
    """``auction.published`` as ``auction.drafting.publish`` records it (its announcement)."""
    auction_id = _next()
    at = at or clock.now()
    plant(
        session,
        "auction.published",
        ("auction", auction_id),
        {
            "status": "published",
            "number": f"JJ2026{auction_id:08d}",
            "title": "台式计算机网上竞价",
            "title_en": None,
            "category_id": category_id,
            "standard_product_id": None,
            "required_params": {},
            "quantity": 10,
            "unit": "台",
            "delivery_region_id": purchaser.region_id,
            "delivery_date": "2026-12-20",
            "starts_at": at,
            "ends_at": at + timedelta(hours=1),
            "ceiling": ceiling,
            "decrement_mode": "absolute",
            "decrement_value": "10.00",
            "must_beat": must_beat,
            "snipe_window_seconds": 120,
            "extension_seconds": 180,
            "max_extensions": 5,
            "visibility": "best",
            "min_bidders": 2,
            "sme_only": False,
            **extra,
        },
        actor=actor or actor_of(purchaser),
        region_id=purchaser.region_id,
        at=at,
    )
    return auction_id


def bid(
    session,
    auction_id,
    supplier,
    price,
    *,
    n=1,
    ip=None,
    device=None,
    region_id=None,
    at=None,
    rejected=None,
):
    """``auction.bid_accepted`` (or ``auction.bid_rejected`` with its reason) as
    ``auction.bidding`` records it."""
    where = {"ip": ip, "device_id": device, "channel": "http"}
    now = at or clock.now()
    if rejected:
        payload = {
            "status": "published",
            "supplier_id": supplier.id,
            "price": price,
            "reason": rejected,
            "at": now,
            **where,
        }
        action = "auction.bid_rejected"
    else:
        payload = {
            "status": "published",
            "seq": n,
            "supplier_id": supplier.id,
            "label": 1,
            "price": Decimal(price),
            "at": now,
            "best_price": Decimal(price),
            **where,
        }
        action = "auction.bid_accepted"
    return plant(
        session,
        action,
        ("auction", auction_id),
        payload,
        actor=actor_of(supplier, ip=ip, device=device),
        region_id=region_id,
        at=at,
    )


def close(session, auction_id, winner, price, *, bidders, region_id, at=None, failed=False):
    """``auction.awarded`` / ``auction.failed`` as ``auction.closing`` seals it."""
    return plant(
        session,
        "auction.failed" if failed else "auction.awarded",
        ("auction", auction_id),
        {
            "status": "failed" if failed else "awarded",
            "audit_sha256": "0" * 64,
            "winner_id": None if failed else winner.id,
            "price": None if failed else price,
            "total": None if failed else str(Decimal(price) * 10),
            "order_id": None,
            "order_ids": None,
            "reason": "流标" if failed else None,
            "bid_count": bidders,
            "bidder_count": bidders,
        },
        actor=CLOCK,
        region_id=region_id,
        at=at,
    )


def facts(warning) -> dict:
    return json.loads(warning.facts)


# ---------------------------------------------------------------- 4. price_anomaly


def test_a_price_anomaly_raises_an_orange_warning_about_the_purchaser(
    session, app_ctx, orgs, regions, frozen
):
    """SUP-3, SUP-2: planted — price monitoring's ``price.anomaly_detected`` on an order line;
    near miss — a dear order that price monitoring did not find anomalous raises nothing."""
    purchaser, supplier = orgs["purchaser"], orgs["supplier"]

    def order(number, price):
        return plant(
            session,
            "order.placed",
            ("order", _next()),
            {
                "number": number,
                "purchaser_id": purchaser.id,
                "supplier_id": supplier.id,
                "budget_line_id": 1,
                "items": [
                    {
                        "listing_id": 1,
                        "title_zh": "台式计算机",
                        "category_id": 15,
                        "standard_product_id": 7,
                        "unit": None,
                        "unit_price": Decimal(price),
                        "quantity": 2,
                        "line_total": Decimal(price) * 2,
                    },
                ],
                "total": Decimal(price) * 2,
                "confirm_by": clock.now(),
            },
            actor=actor_of(purchaser),
            region_id=purchaser.region_id,
        )

    dear = order("DD2026110200001", "9900.00")
    order("DD2026110200002", "9800.00")  # the near miss: no anomaly recorded for it
    anomaly = plant(
        session,
        "price.anomaly_detected",
        ("price_anomaly", 42),
        {
            "rule": "above_q3_plus_1.5_iqr",
            "transaction_seq": dear.seq,
            "item": 0,
            "source": "order",
            "order_id": int(dear.subject_id),
            "standard_product_id": 7,
            "category_id": 15,
            "window_of": {"kind": "product", "id": 7},
            "day": later().date(),
            "unit_price": Decimal("9900.00"),
            "quantity": 2,
            "window": {
                "region_id": regions["15"],
                "days": 7,
                "n": 6,
                "q1": Decimal("4800.00"),
                "median": Decimal("5000.00"),
                "q3": Decimal("5200.00"),
                "fence": Decimal("5800.00"),
            },
        },
        region_id=purchaser.region_id,
    )
    run(session)
    (warning,) = of_rule(session, "price_anomaly")
    assert warning.level == "orange" and warning.key == f"anomaly:{dear.seq}:0"
    assert (warning.subject_type, warning.subject_id) == ("order", dear.subject_id)
    assert warning.party_org_id == purchaser.id
    found = facts(warning)
    assert (found["number"], found["unit_price"], found["fence"], found["over"]) == (
        "DD2026110200001",
        "9900.00",
        "5800.00",
        "70.7",
    )
    assert found["supplier_id"] == supplier.id
    assert {dear.seq, anomaly.seq} <= {e.seq for e in warning.evidence}
    # Read again (a replay), the same anomaly is the same warning.
    assert engine.replay(db.unit_of_work, "price_anomaly")[1] == 0


# ---------------------------------------------------------------- 5. single_bidder


def _pool(session, purchaser, bidders: list[Organisation], *, price="4800.00") -> tuple[int, int]:
    """A volume purchase as ``auction.pools`` records it: opened by the lead purchaser, its
    auction published by the clock, bid, ``pool.awarded`` then ``auction.awarded``."""
    pool_id = _next()
    plant(
        session,
        "pool.opened",
        ("pool", pool_id),
        {
            "status": "open",
            "organiser_id": purchaser.id,
            "number": f"DL2026{pool_id:08d}",
            "title": "台式计算机带量采购",
            "category_id": 15,
            "unit": "台",
            "ceiling": "5000.00",
        },
        actor=actor_of(purchaser),
        region_id=purchaser.region_id,
    )
    auction_id = publish(session, purchaser, actor=CLOCK, pool_id=pool_id, max_winners=1)
    for n, supplier in enumerate(bidders, start=1):
        bid(session, auction_id, supplier, price, n=n, region_id=purchaser.region_id)
    plant(
        session,
        "pool.awarded",
        ("pool", pool_id),
        {
            "status": "awarded",
            "auction_id": auction_id,
            "shares": [],
            "total": "48000.00",
            "unallocated": {},
            "bid_count": len(bidders),
            "bidder_count": len(bidders),
        },
        actor=CLOCK,
        region_id=purchaser.region_id,
    )
    close(
        session, auction_id, bidders[0], price, bidders=len(bidders), region_id=purchaser.region_id
    )
    return pool_id, auction_id


def test_a_volume_purchase_awarded_to_its_only_bidder_is_a_warning_about_the_pool(
    session, app_ctx, orgs, regions, frozen
):
    """AUC-2, AUC-3, SUP-2 (R018): planted — a pool's auction with one bidder; near miss — one
    with two. The warning is about the pool and its organiser, keyed by the auction."""
    purchaser = orgs["purchaser"]
    one, two = suppliers(session, orgs, 2)
    pool_id, auction_id = _pool(session, purchaser, [one])
    _pool(session, purchaser, [one, two])
    run(session)
    (warning,) = of_rule(session, "single_bidder")
    assert warning.key == f"auction:{auction_id}"
    assert (warning.subject_type, warning.subject_id) == ("pool", str(pool_id))
    assert warning.party_org_id == purchaser.id
    found = facts(warning)
    assert found["kind"] == "pool" and found["bidders"] == 1
    assert found["number"].startswith(f"DL2026{pool_id:08d} (JJ")


def test_a_secondary_competition_is_read_too_when_the_parameter_allows_it(
    session, app, app_ctx, orgs, regions, frozen, monkeypatch
):
    """MALL-8, AUC-3, SUP-2: a secondary competition needs two bidders to be awarded at all, so
    only ``max_bidders`` 2 finds one; then the warning is about the call-off and its purchaser.
    Near miss: three bidders."""
    monkeypatch.setitem(app.config, "WARNINGS_SINGLE_BIDDER_MAX_BIDDERS", 2)
    purchaser = orgs["purchaser"]
    a, b, c = suppliers(session, orgs, 3)
    ids = []
    for bidders in ([a, b], [a, b, c]):
        calloff_id = _next()
        auction_id = publish(
            session, purchaser, calloff_id=calloff_id, agreement_id=77, invited=[], ceiling=None
        )
        for n, supplier in enumerate(bidders, start=1):
            bid(session, auction_id, supplier, f"{9000 - n}.00", n=n)
        close(
            session,
            auction_id,
            bidders[-1],
            "8997.00",
            bidders=len(bidders),
            region_id=purchaser.region_id,
        )
        ids.append((calloff_id, auction_id))
    run(session)
    # (Only this test's auctions: on PostgreSQL earlier race tests commit awards of their own.)
    mine = {f"auction:{auction_id}" for _, auction_id in ids}
    (warning,) = [w for w in of_rule(session, "single_bidder") if w.key in mine]
    assert warning.key == f"auction:{ids[0][1]}"
    assert (warning.subject_type, warning.subject_id) == ("agreement_calloff", str(ids[0][0]))
    assert warning.party_org_id == purchaser.id
    assert facts(warning)["kind"] == "calloff" and facts(warning)["agreement_id"] == 77


# ---------------------------------------------------------------- 6. identical_bids


def test_suppliers_ending_on_the_same_price_raise_identical_bids(
    session, app_ctx, orgs, regions, frozen
):
    """AUC-3, SUP-2 (R028): planted — two suppliers end an ``own``-mode auction on 4500.00;
    near misses — prices that met on the way down but ended apart, a rejected bid at a rival's
    price, and identical bids at the announced ceiling."""
    purchaser = orgs["purchaser"]
    a, b, c = suppliers(session, orgs, 3)
    region = purchaser.region_id

    planted = publish(session, purchaser, must_beat="own")
    bid(session, planted, a, "4800.00", n=1)
    bid(session, planted, b, "4700.00", n=2)
    bid(session, planted, a, "4500.00", n=3)
    last = bid(session, planted, b, "4500.00", n=4)
    bid(session, planted, c, "4600.00", n=5)
    close(session, planted, a, "4500.00", bidders=3, region_id=region)

    apart = publish(session, purchaser, must_beat="own")
    bid(session, apart, a, "4800.00", n=1)
    bid(session, apart, b, "4800.00", n=2)  # met on the way down …
    bid(session, apart, a, "4700.00", n=3)
    bid(session, apart, b, "4650.00", n=4)  # … but ended apart
    bid(session, apart, a, "4650.00", rejected="decrement")  # refused: not an offer
    close(session, apart, b, "4650.00", bidders=2, region_id=region)

    at_ceiling = publish(session, purchaser, must_beat="own")
    bid(session, at_ceiling, a, "5000.00", n=1)
    bid(session, at_ceiling, b, "5000.00", n=2)
    close(session, at_ceiling, a, "5000.00", bidders=2, region_id=region)

    run(session)
    (warning,) = of_rule(session, "identical_bids")
    assert warning.level == "orange" and warning.key == f"auction:{planted}:4500.00"
    assert warning.party_org_id == b.id  # whose bid made the prices identical
    found = facts(warning)
    assert (found["price"], found["count"], found["supplier_ids"]) == ("4500.00", 2, [a.id, b.id])
    assert found["must_beat"] == "own"
    assert last.seq in {e.seq for e in warning.evidence}


def test_identical_bids_are_read_in_a_failed_auction_too(session, app_ctx, orgs, regions, frozen):
    """AUC-3: an auction that failed (too few bidders for its rules) still shows the pattern."""
    purchaser = orgs["purchaser"]
    a, b = suppliers(session, orgs, 2)
    failed = publish(session, purchaser, must_beat="own", min_bidders=3)
    bid(session, failed, a, "4321.00", n=1)
    bid(session, failed, b, "4321.00", n=2)
    close(session, failed, None, None, bidders=2, region_id=purchaser.region_id, failed=True)
    run(session)
    (warning,) = of_rule(session, "identical_bids")
    assert facts(warning)["outcome"] == "failed"


# ---------------------------------------------------------------- 7. shared_address


def test_bids_of_two_suppliers_from_one_address_raise_a_red_warning(
    session, app_ctx, orgs, regions, frozen
):
    """AUC-3, SUP-2: planted — two suppliers bid in one auction from the same IP address (and
    different devices); near misses — one supplier bidding twice from one place, and two
    suppliers on one device but in different auctions. The address is in neither key nor facts."""
    purchaser = orgs["purchaser"]
    a, b = suppliers(session, orgs, 2)
    region = purchaser.region_id
    shared = publish(session, purchaser)
    bid(session, shared, a, "4900.00", n=1, ip="10.20.30.40", device="dev-a", region_id=region)
    bid(session, shared, a, "4880.00", n=2, ip="10.20.30.40", device="dev-a", region_id=region)
    second = bid(
        session, shared, b, "4870.00", n=3, ip="10.20.30.40", device="dev-b", region_id=region
    )
    bid(
        session,
        shared,
        b,
        "4860.00",
        rejected="decrement",
        ip="10.20.30.40",
        device="dev-b",
        region_id=region,
    )

    apart = publish(session, purchaser)
    bid(session, apart, a, "4900.00", n=1, ip="10.0.0.1", device="dev-x", region_id=region)
    other = publish(session, purchaser)
    bid(session, other, b, "4900.00", n=1, ip="10.0.0.2", device="dev-x", region_id=region)
    run(session)

    (warning,) = of_rule(session, "shared_address")
    assert warning.level == "red" and warning.key.startswith(f"auction:{shared}:ip:")
    assert warning.party_org_id == b.id and warning.trigger_seq == second.seq
    found = facts(warning)
    assert (found["via"], found["count"], found["supplier_ids"]) == ("IP", 2, [a.id, b.id])
    assert "10.20.30.40" not in warning.key and "10.20.30.40" not in warning.facts
    assert engine.replay(db.unit_of_work, "shared_address")[1] == 0


def test_a_pool_capacity_declaration_and_a_bid_from_one_device_are_one_scope(
    session, app, app_ctx, orgs, regions, frozen, monkeypatch
):
    """AUC-2, AUC-3: a volume purchase's capacity declarations and its auction's bids are read
    together; an ignored address (a bidding hall) is not read."""
    monkeypatch.setitem(app.config, "WARNINGS_SHARED_ADDRESS_IGNORE_IPS", "192.168.1.1")
    purchaser = orgs["purchaser"]
    a, b = suppliers(session, orgs, 2)
    region = purchaser.region_id
    pool_id = _next()
    auction_id = publish(session, purchaser, actor=CLOCK, pool_id=pool_id, max_winners=2)
    plant(
        session,
        "pool.capacity_declared",
        ("pool", pool_id),
        {
            "status": "auctioned",
            "auction_id": auction_id,
            "supplier_id": a.id,
            "quantity": 300,
            "previous": None,
            "ip": "192.168.1.1",
            "device_id": "dev-shared",
        },
        actor=actor_of(a, ip="192.168.1.1", device="dev-shared"),
        region_id=region,
    )
    bid(session, auction_id, b, "4900.00", ip="192.168.1.1", device="dev-shared", region_id=region)
    run(session)
    (warning,) = of_rule(session, "shared_address")
    assert warning.key.startswith(f"auction:{auction_id}:device:")
    assert facts(warning)["via"] == "device"


def test_responses_to_one_solicitation_from_one_device_raise_the_warning(
    session, app_ctx, orgs, regions, frozen
):
    """MALL-8, AUC-3: two suppliers' responses to one framework solicitation from one device;
    near miss — the same two devices answering different solicitations."""
    a, b = suppliers(session, orgs, 2)

    def respond(solicitation_id, supplier, device):
        return plant(
            session,
            "agreement.response_submitted",
            ("agreement_solicitation", solicitation_id),
            {
                "status": "open",
                "response_id": _next(),
                "supplier_id": supplier.id,
                "content_hash": "f" * 64,
                "replaces": None,
            },
            actor=actor_of(supplier, ip=f"10.9.0.{supplier.id % 200}", device=device),
            region_id=regions["15"],
        )

    planted, near = _next(), _next()
    respond(planted, a, "dev-1")
    respond(planted, b, "dev-1")
    respond(near, a, "dev-2")
    respond(_next(), b, "dev-2")
    run(session)
    (warning,) = of_rule(session, "shared_address")
    assert warning.key.startswith(f"solicitation:{planted}:device:")
    assert (warning.subject_type, warning.subject_id) == ("agreement_solicitation", str(planted))


# ---------------------------------------------------------------- 8. cover_bidding


@pytest.fixture
def screens(app, monkeypatch):
    """Smaller thresholds, so that a case is a handful of auctions."""
    for name, value in {
        "MIN_AUCTIONS": 4,
        "MIN_SUPPLIERS": 4,
        "MIN_ROUNDS": 4,
        "MAX_GROUP": 4,
        "MIN_GAPS": 8,
    }.items():
        monkeypatch.setitem(app.config, f"WARNINGS_COVER_BIDDING_{name}", value)


def auction_round(session, purchaser, category_id, offers, winner, *, day):
    """An awarded auction of ``category_id``: ``offers`` as (supplier, final price)."""
    at = later(day)
    auction_id = publish(session, purchaser, category_id=category_id, at=at)
    for n, (supplier, price) in enumerate(offers, start=1):
        bid(
            session,
            auction_id,
            supplier,
            price,
            n=n,
            region_id=purchaser.region_id,
            at=at + timedelta(minutes=n),
        )
    price = dict((s.id, p) for s, p in offers)[winner.id]
    close(
        session,
        auction_id,
        winner,
        price,
        bidders=len(offers),
        region_id=purchaser.region_id,
        at=at + timedelta(hours=1),
    )
    return auction_id


def _signal(session, signal, category_id):
    return [
        w
        for w in of_rule(session, "cover_bidding")
        if facts(w)["signal"] == signal and facts(w)["category_id"] == category_id
    ]


def test_a_supplier_that_always_bids_and_never_wins_is_a_cover_bidding_signal(
    session, app_ctx, orgs, regions, frozen, screens
):
    """AUC-3, SUP-2 (R025): planted — a supplier in all 8 auctions of a category, winning none;
    near misses — a supplier winning one of four (inside the fences), one losing in three
    auctions only (too few to judge)."""
    purchaser, category = orgs["purchaser"], 9101
    loser, w, x, y, z, rare, modest = suppliers(session, orgs, 7)
    winners = [w, x, y, z, w, x, y, z]
    for day, winner in enumerate(winners):
        others = [s for s in (w, x, y, z) if s is not winner][:1]
        offers = [(winner, "4000.00"), (loser, "4100.00"), *((s, "4200.00") for s in others)]
        if day < 3:
            offers.append((rare, "4300.00"))
        if day in (0, 2, 4, 6):
            offers.append((modest, "3990.00" if day == 6 else "4400.00"))
        auction_round(session, purchaser, category, offers, modest if day == 6 else winner, day=day)
    clock.freeze(later(30))
    run(session)
    (warning,) = _signal(session, "low_win_ratio", category)
    assert warning.party_org_id == loser.id and warning.level == "orange"
    assert warning.key == f"losing:{category}:{loser.id}:2026H2"
    assert (facts(warning)["count"], facts(warning)["wins"]) == (8, 0)
    # A second screen in the same half-year raises nothing new.
    assert engine.replay(db.unit_of_work, "cover_bidding")[1] == 0


def test_winners_taking_turns_within_a_fixed_group_is_a_cover_bidding_signal(
    session, app_ctx, orgs, regions, frozen, screens
):
    """AUC-3, SUP-2: planted — four auctions bid by the same two suppliers, won in turn; near
    miss — four auctions by another pair, one of which wins three."""
    purchaser = orgs["purchaser"]
    a, b, c, d = suppliers(session, orgs, 4)
    for day, winner in enumerate([a, b, a, b]):
        loser = b if winner is a else a
        auction_round(
            session, purchaser, 9201, [(winner, "4000.00"), (loser, "4050.00")], winner, day=day
        )
    for day, winner in enumerate([c, c, c, d]):
        loser = d if winner is c else c
        auction_round(
            session, purchaser, 9202, [(winner, "4000.00"), (loser, "4050.00")], winner, day=day
        )
    clock.freeze(later(10))
    run(session)
    (warning,) = _signal(session, "rotation", 9201)
    assert warning.key == f"rotation:9201:{min(a.id, b.id)}-{max(a.id, b.id)}:2026H2"
    assert facts(warning)["winners"] == [a.id, b.id, a.id, b.id]
    assert warning.party_org_id == b.id  # the latest winner
    assert _signal(session, "rotation", 9202) == []


def test_a_gap_outside_the_categorys_fences_is_a_cover_bidding_signal(
    session, app_ctx, orgs, regions, frozen, screens
):
    """AUC-3, SUP-2 (R024, R058): planted — a second offer 0.03 % above the winner and a winner
    20 % below the second, among gaps of 0.8 % to 1.2 %; near miss — every ordinary gap."""
    purchaser, category = orgs["purchaser"], 9301
    a, b = suppliers(session, orgs, 2)
    seconds = [
        "4032.00",
        "4036.00",
        "4038.00",
        "4040.00",
        "4040.00",
        "4040.00",
        "4044.00",
        "4048.00",
        "4001.00",
        "5000.00",
    ]
    ids = [
        auction_round(session, purchaser, category, [(a, "4000.00"), (b, second)], a, day=day)
        for day, second in enumerate(seconds)
    ]
    clock.freeze(later(20))
    run(session)
    (close_one,) = _signal(session, "close_to_winner", category)
    (wide,) = _signal(session, "heavily_discounted", category)
    assert close_one.key == f"gap:{ids[8]}" and close_one.party_org_id == b.id
    assert wide.key == f"gap:{ids[9]}" and wide.party_org_id == a.id
    assert (facts(close_one)["gap"], facts(wide)["gap"]) == ("0.03", "25.00")
    assert (
        len(
            [
                w
                for w in of_rule(session, "cover_bidding")
                if w.key.startswith("gap:") and facts(w)["category_id"] == category
            ]
        )
        == 2
    )


def test_auctions_older_than_the_window_are_not_screened(
    session, app_ctx, orgs, regions, frozen, screens
):
    """SUP-2: the screens read ``window_days`` back from now only."""
    purchaser = orgs["purchaser"]
    a, b = suppliers(session, orgs, 2)
    for day, winner in enumerate([a, b, a, b]):
        loser = b if winner is a else a
        auction_round(
            session, purchaser, 9401, [(winner, "4000.00"), (loser, "4050.00")], winner, day=day
        )
    clock.freeze(later(200))
    run(session)
    assert _signal(session, "rotation", 9401) == []


# ---------------------------------------------------------------- 9. calloff_concentration


def _calloff(session, purchaser, agreement_id, entrant_id, supplier_id, method="direct"):
    """``agreement.calloff_placed`` as ``mall.agreements.calloffs.new_calloff`` records it."""
    calloff_id = _next()
    return plant(
        session,
        "agreement.calloff_placed",
        ("agreement_calloff", calloff_id),
        {
            "agreement_id": agreement_id,
            "status": "placed",
            "number": f"CO2026{calloff_id:08d}",
            "method": method,
            "purchaser_id": purchaser.id,
            "budget_line_id": 1,
            "items": [{"item_id": 1, "quantity": 2}],
            "held": Decimal("9600.00"),
            **(
                {
                    "entrant_id": entrant_id,
                    "supplier_id": supplier_id,
                    "reason": "delivery",
                    "reason_note": "交货快",
                }
                if method == "direct"
                else {}
            ),
        },
        actor=actor_of(purchaser),
        region_id=purchaser.region_id,
    )


def test_a_purchasers_direct_calloffs_going_mostly_to_one_entrant_raise_a_warning(
    session, app_ctx, orgs, regions, frozen
):
    """MALL-8, SUP-2: planted — three of a purchaser's four direct call-offs to one entrant (the
    fourth to another); near misses — an even split, another purchaser's two call-offs on the same
    agreement (counted on their own, not with the first purchaser's), and call-offs by rotation."""
    school, hospital = orgs["purchaser"], orgs["purchaser.hospital"]
    one, two = suppliers(session, orgs, 2)
    for entrant, supplier in ((1, one), (1, one), (1, one), (2, two)):
        _calloff(session, school, 501, entrant, supplier.id)
    for entrant, supplier in ((1, one), (2, two), (1, one), (2, two)):
        _calloff(session, school, 502, entrant, supplier.id)
    _calloff(session, hospital, 501, 1, one.id)
    _calloff(session, hospital, 501, 2, two.id)
    for _ in range(4):
        _calloff(session, hospital, 503, None, None, method="rotation")
    run(session)
    (warning,) = of_rule(session, "calloff_concentration")
    assert warning.key == f"agreement:501:purchaser:{school.id}:entrant:1"
    assert warning.level == "yellow" and warning.party_org_id == school.id
    assert (facts(warning)["calloffs"], facts(warning)["total"], facts(warning)["share"]) == (
        3,
        4,
        "75.0",
    )
    assert facts(warning)["supplier_id"] == one.id and facts(warning)["reasons"] == ["delivery"]
