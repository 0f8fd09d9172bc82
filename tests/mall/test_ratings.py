"""信用互评 (SUP-4): once an order is closed each party rates the other once, on its side's criteria
scored 1–5; every rating is on the ledger and feeds the rated organisation's public credit record."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from mall.orders.models import Order
from mall.ratings.models import Rating
from supervision.credit.service import credit_record
from supervision.ledger import verify
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import actions, advance, place, snapshot

GOOD = {"quality": 5, "delivery": 4, "service": 5, "integrity": 4}  # overall 4.50
GOOD_BACK = {"acceptance": 5, "payment": 4, "cooperation": 4}  # overall 4.33


def _closed_order(shop, session) -> int:
    """A placed order taken through acceptance, payment on the sandbox gateway and closing."""
    (order,) = place(shop)
    advance(shop, order["id"], "closed")
    return order["id"]


def _rate(api, order_id, scores, comment=None):
    body = {"scores": scores} if comment is None else {"scores": scores, "comment": comment}
    return api.post(f"/api/mall/orders/{order_id}/rating", json=body)


def _ratings(session) -> int:
    return session.scalar(select(func.count()).select_from(Rating))


def _org_id(api) -> int:
    return api.get("/api/auth/me").get_json()["organisation"]["id"]


def test_both_sides_rate_each_other_once_the_order_is_closed(shop, session):
    """SUP-4: the purchaser rates the supplier and the supplier the purchaser."""
    order_id = _closed_order(shop, session)
    purchaser_org, supplier_org = _org_id(shop.purchaser), _org_id(shop.supplier)

    given = _rate(shop.purchaser, order_id, GOOD, "  按时送达，配置与合同一致  ")
    assert given.status_code == 201, given.get_json()
    body = given.get_json()
    assert body["side"] == "purchaser" and body["order_id"] == order_id
    assert (body["rater_org_id"], body["rated_org_id"]) == (purchaser_org, supplier_org)
    assert body["scores"] == GOOD and body["overall"] == "4.50"
    assert body["comment"] == "按时送达，配置与合同一致"

    back = _rate(shop.supplier, order_id, GOOD_BACK)
    assert back.status_code == 201, back.get_json()
    body = back.get_json()
    assert body["side"] == "supplier" and body["rated_org_id"] == purchaser_org
    assert body["overall"] == "4.33" and body["comment"] is None

    for api in (shop.purchaser, shop.supplier):
        listed = api.get(f"/api/mall/orders/{order_id}/ratings")
        assert listed.status_code == 200
        assert [r["side"] for r in listed.get_json()] == ["purchaser", "supplier"]


def test_a_rating_is_on_the_ledger_about_the_rated_organisation(shop, session):
    """SUP-4 / SUP-1: the rating is recorded in the same transaction, about the rated organisation."""
    order_id = _closed_order(shop, session)
    supplier_org = _org_id(shop.supplier)
    given = _rate(shop.purchaser, order_id, GOOD, "好")
    assert given.status_code == 201
    assert actions(session, "organisation", supplier_org)[-1] == "rating.given"
    entry = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.action == "rating.given")
        .order_by(LedgerEntry.seq.desc())
    ).first()
    assert entry.actor_username == "purchaser"
    assert entry.region_id == session.get(Order, order_id).region_id
    assert json.loads(entry.payload) == {
        "rating_id": given.get_json()["id"],
        "order_id": order_id,
        "side": "purchaser",
        "rater_org_id": _org_id(shop.purchaser),
        "rated_org_id": supplier_org,
        "scores": GOOD,
        "overall": "4.50",
        "comment": "好",
    }
    assert verify(session).ok


def test_a_side_rates_only_once_and_a_second_rating_writes_nothing(shop, session):
    """SUP-4: a rating is final."""
    order_id = _closed_order(shop, session)
    assert _rate(shop.purchaser, order_id, GOOD).status_code == 201
    before, count = snapshot(session), _ratings(session)
    again = _rate(shop.purchaser, order_id, {k: 1 for k in GOOD})
    assert again.status_code == 409 and again.get_json()["code"] == "already_rated"
    assert snapshot(session) == before and _ratings(session) == count
    # The other side still may.
    assert _rate(shop.supplier, order_id, GOOD_BACK).status_code == 201


@pytest.mark.parametrize("status", ["delivered", "accepted"])
def test_no_rating_before_the_order_is_closed(shop, session, status):
    """SUP-4: ratings come after the order closes."""
    (order,) = place(shop)
    advance(shop, order["id"], status)
    before, count = snapshot(session), _ratings(session)
    refused = _rate(shop.purchaser, order["id"], GOOD)
    assert refused.status_code == 409 and refused.get_json()["code"] == "bad_status"
    refused = _rate(shop.supplier, order["id"], GOOD_BACK)
    assert refused.status_code == 409
    assert snapshot(session) == before and _ratings(session) == count


@pytest.mark.parametrize("username", ["purchaser.hospital", "supplier.office", "operator"])
def test_only_the_parties_rate_or_read_ratings(shop, session, login, username):
    """SUP-4 / X-1: a third organisation neither rates the order nor reads its ratings."""
    order_id = _closed_order(shop, session)
    assert _rate(shop.purchaser, order_id, GOOD).status_code == 201
    other = login(username)
    before, count = snapshot(session), _ratings(session)
    for scores in (GOOD, GOOD_BACK):
        refused = _rate(other, order_id, scores)
        assert refused.status_code == 403, refused.get_json()
    assert snapshot(session) == before and _ratings(session) == count
    assert other.get(f"/api/mall/orders/{order_id}/ratings").status_code == 403


def test_signed_out_users_cannot_rate(shop, session, client):
    order_id = _closed_order(shop, session)
    before = snapshot(session)
    refused = client.post(f"/api/mall/orders/{order_id}/rating", json={"scores": GOOD})
    assert refused.status_code == 401
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        (GOOD | {"quality": 0}, "scores.quality"),
        (GOOD | {"service": 6}, "scores.service"),
        ({k: v for k, v in GOOD.items() if k != "delivery"}, "scores.delivery"),
        (GOOD | {"price": 5}, "scores.price"),
        (GOOD | {"integrity": 4.5}, "scores.integrity"),
        (GOOD | {"integrity": 4.0}, "scores.integrity"),
        (GOOD | {"quality": "5"}, "scores.quality"),
        (GOOD | {"quality": True}, "scores.quality"),
        (GOOD | {"quality": None}, "scores.quality"),
        # the other side's criteria
        (GOOD_BACK, "scores.quality"),
        ({}, "scores.quality"),
    ],
)
def test_bad_scores_are_refused_and_write_nothing(shop, session, scores, field):
    """SUP-4: every criterion of the rater's side, each a whole number 1–5, and nothing else."""
    order_id = _closed_order(shop, session)
    before, count = snapshot(session), _ratings(session)
    refused = _rate(shop.purchaser, order_id, scores)
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["details"]
    assert snapshot(session) == before and _ratings(session) == count
    # The refusal used nothing up: a correct rating is still accepted.
    assert _rate(shop.purchaser, order_id, GOOD).status_code == 201


@pytest.mark.parametrize("body", [{}, {"scores": [5, 4, 5, 4]}, {"scores": GOOD, "comment": 5}])
def test_malformed_bodies_are_refused(shop, session, body):
    order_id = _closed_order(shop, session)
    before = snapshot(session)
    refused = shop.purchaser.post(f"/api/mall/orders/{order_id}/rating", json=body)
    assert refused.status_code == 422, refused.get_json()
    assert snapshot(session) == before


def test_a_comment_is_at_most_500_characters(shop, session):
    order_id = _closed_order(shop, session)
    before = snapshot(session)
    refused = _rate(shop.purchaser, order_id, GOOD, "很" * 501)
    assert refused.status_code == 422 and "comment" in refused.get_json()["details"]
    assert snapshot(session) == before
    assert _rate(shop.purchaser, order_id, GOOD, "很" * 500).status_code == 201


def test_ratings_form_the_credit_record_shown_on_the_product_page(shop, session, app):
    """SUP-4: the supplier's record averages its ratings; the product page shows the overall score."""
    supplier_org = _org_id(shop.supplier)
    page = shop.purchaser.get(f"/catalog/listings/{shop.desktop}")
    assert page.status_code == 200 and "暂无信用评价" in page.get_data(as_text=True)

    first, second = _closed_order(shop, session), _closed_order(shop, session)
    assert _rate(shop.purchaser, first, GOOD, "满意").status_code == 201
    assert (
        _rate(shop.purchaser, second, {"quality": 3, "delivery": 4, "service": 4, "integrity": 4})
    ).status_code == 201
    assert _rate(shop.supplier, first, GOOD_BACK).status_code == 201  # about the purchaser

    record = credit_record(session, supplier_org)
    assert record["count"] == 2
    assert record["overall"] == Decimal("4.13")  # (4.50 + 3.75) / 2 = 4.125, half up
    averages = {c["code"]: c["average"] for c in record["criteria"]}
    assert averages == {
        "quality": Decimal("4.00"),
        "delivery": Decimal("4.00"),
        "service": Decimal("4.50"),
        "integrity": Decimal("4.00"),
    }
    assert all(a.as_tuple().exponent == -2 for a in averages.values())
    assert [r["comment"] for r in record["recent"]] == [None, "满意"]
    assert credit_record(session, _org_id(shop.purchaser))["count"] == 1

    page = shop.purchaser.get(f"/catalog/listings/{shop.desktop}")
    assert "信用评价 4.13 / 5（2 条）" in page.get_data(as_text=True)
