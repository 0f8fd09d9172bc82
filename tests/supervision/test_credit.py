"""The public credit record (SUP-4, 信用记录): computed from the ``rating.given`` ledger entries about an
organisation — averages per criterion and overall as Decimals to two places (half up), the count and
the latest ratings, the rater named by its kind only."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.accounts.auth import Actor
from core.accounts.models import Organisation, User
from supervision.credit.service import RECENT, credit_record
from supervision.ledger import record

SUPPLIER_IT = "91150105MA0000008X"


@pytest.fixture
def orgs(session):
    return {o.credit_code: o for o in session.scalars(select(Organisation))}


def _actor(session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    org = user.organisation
    return Actor(
        user_id=user.id,
        username=user.username,
        organisation_id=org.id,
        org_kind=org.kind,
        region_id=org.region_id,
    )


def _rating(session, rater: Actor, rated_id: int, side: str, scores: dict, comment=None, n=1):
    """What the mall records when a party rates the other (see mall.ratings.service.rate)."""
    record(
        session,
        rater,
        "rating.given",
        ("organisation", rated_id),
        {
            "rating_id": n,
            "order_id": n,
            "side": side,
            "rater_org_id": rater.organisation_id,
            "rated_org_id": rated_id,
            "scores": scores,
            "overall": "0.00",  # the record recomputes it from the scores
            "comment": comment,
        },
    )


def _supplier(orgs) -> Organisation:
    return orgs[SUPPLIER_IT]


def test_averages_per_criterion_and_overall_are_exact_decimals_rounded_half_up(session, orgs):
    """SUP-4: eight ratings; 33/8 = 4.125 rounds to 4.13 (not to 4.12 as a float or banker's
    rounding would)."""
    purchaser = _actor(session, "purchaser")
    supplier = _supplier(orgs)
    quality = [5, 4, 4, 3, 5, 5, 4, 3]  # 33 / 8 = 4.125
    service = [1, 2, 3, 4, 5, 1, 2, 3]  # 21 / 8 = 2.625
    integrity = [4, 4, 4, 4, 4, 4, 4, 5]  # 33 / 8 = 4.125
    for n in range(8):
        scores = {
            "quality": quality[n],
            "delivery": 5,
            "service": service[n],
            "integrity": integrity[n],
        }
        _rating(session, purchaser, supplier.id, "purchaser", scores, n=n + 1)

    result = credit_record(session, supplier.id)
    assert result["count"] == 8
    averages = {c["code"]: c["average"] for c in result["criteria"]}
    assert averages == {
        "quality": Decimal("4.13"),
        "delivery": Decimal("5.00"),
        "service": Decimal("2.63"),
        "integrity": Decimal("4.13"),
    }
    assert [c["code"] for c in result["criteria"]] == [
        "quality",
        "delivery",
        "service",
        "integrity",
    ]
    assert {c["count"] for c in result["criteria"]} == {8}
    assert result["criteria"][0]["name_zh"] == "商品质量"
    # (33 + 40 + 21 + 33) / 32 = 3.96875
    assert result["overall"] == Decimal("3.97")
    for value in [*averages.values(), result["overall"]]:
        assert isinstance(value, Decimal) and value.as_tuple().exponent == -2


def test_the_overall_average_is_the_mean_of_each_ratings_mean(session, orgs):
    purchaser = _actor(session, "purchaser")
    supplier = _supplier(orgs)
    _rating(
        session,
        purchaser,
        supplier.id,
        "purchaser",
        dict.fromkeys(("quality", "delivery", "service", "integrity"), 5),
    )
    _rating(
        session,
        purchaser,
        supplier.id,
        "purchaser",
        {"quality": 2, "delivery": 2, "service": 3, "integrity": 3},
    )
    result = credit_record(session, supplier.id)
    assert result["overall"] == Decimal("3.75")  # (5.00 + 2.50) / 2
    assert [r["overall"] for r in result["recent"]] == [Decimal("2.50"), Decimal("5.00")]


def test_an_organisation_without_ratings_has_an_empty_record(session, orgs):
    result = credit_record(session, orgs["91150203MA0000009X"].id)
    assert (result["count"], result["overall"], result["criteria"], result["recent"]) == (
        0,
        None,
        [],
        [],
    )


def test_only_ratings_about_the_organisation_count(session, orgs):
    """Other ledger events about the organisation, and ratings of others, are not its credit."""
    purchaser = _actor(session, "purchaser")
    supplier = _supplier(orgs)
    other = orgs["91150203MA0000009X"]
    scores = {"quality": 1, "delivery": 1, "service": 1, "integrity": 1}
    _rating(session, purchaser, other.id, "purchaser", scores)
    record(session, purchaser, "organisation.updated", ("organisation", supplier.id), {"x": 1})
    _rating(session, purchaser, supplier.id, "purchaser", dict.fromkeys(scores, 4))
    result = credit_record(session, supplier.id)
    assert result["count"] == 1 and result["overall"] == Decimal("4.00")


def test_the_supplier_rates_the_purchaser_on_its_own_criteria(session, orgs):
    supplier = _actor(session, "supplier")
    school = session.get(Organisation, _actor(session, "purchaser").organisation_id)
    _rating(
        session, supplier, school.id, "supplier", {"acceptance": 5, "payment": 3, "cooperation": 4}
    )
    result = credit_record(session, school.id)
    assert [(c["code"], c["name_zh"], c["average"]) for c in result["criteria"]] == [
        ("acceptance", "验收及时", Decimal("5.00")),
        ("payment", "付款及时", Decimal("3.00")),
        ("cooperation", "配合程度", Decimal("4.00")),
    ]
    assert result["recent"][0]["rater_kind_zh"] == "供应商"


def test_recent_ratings_are_the_latest_ten_newest_first(session, orgs):
    purchaser = _actor(session, "purchaser")
    supplier = _supplier(orgs)
    for n in range(12):
        score = n % 5 + 1
        _rating(
            session,
            purchaser,
            supplier.id,
            "purchaser",
            dict.fromkeys(("quality", "delivery", "service", "integrity"), score),
            comment=f"第{n}单",
            n=n,
        )
    result = credit_record(session, supplier.id)
    assert result["count"] == 12
    assert len(result["recent"]) == RECENT == 10
    assert [r["comment"] for r in result["recent"]] == [f"第{n}单" for n in range(11, 1, -1)]


def test_the_credit_api_is_public_to_signed_in_users_and_names_raters_by_kind(
    session, orgs, login, client
):
    """SUP-4: anyone signed in reads the record; it never names the rater's user or organisation."""
    purchaser = _actor(session, "purchaser")
    supplier = _supplier(orgs)
    scores = {"quality": 5, "delivery": 4, "service": 4, "integrity": 5}
    _rating(session, purchaser, supplier.id, "purchaser", scores, comment="交付及时")
    session.commit()  # releases the savepoint; the test's outer transaction still rolls back

    url = f"/api/credit/organisations/{supplier.id}"
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.get_json()["code"] == "unauthenticated"

    response = login("supplier.office").get(url)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["organisation"]["id"] == supplier.id
    assert (body["count"], body["overall"]) == (1, "4.50")
    assert body["criteria"][0] == {
        "code": "quality",
        "name_zh": "商品质量",
        "name_en": "Quality",
        "average": "5.00",
        "count": 1,
    }
    (latest,) = body["recent"]
    assert latest["rater_kind"] == "purchaser" and latest["rater_kind_zh"] == "采购单位"
    assert latest["comment"] == "交付及时" and latest["scores"] == scores
    assert set(latest) == {
        "at",
        "rater_kind",
        "rater_kind_zh",
        "rater_kind_en",
        "scores",
        "overall",
        "comment",
    }
    text = response.get_data(as_text=True)
    rater_org = session.get(Organisation, purchaser.organisation_id)
    for name in ("张采购", rater_org.name_zh, rater_org.name_en, rater_org.credit_code):
        assert name not in text

    assert login("purchaser").get("/api/credit/organisations/999999").status_code == 404
