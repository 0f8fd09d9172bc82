"""定点服务 designated services (MALL-2): in a designated service category only suppliers with a valid
designation (定点资格, granted and revoked by the operator) list and take orders; such orders carry the
service date, place and details through cart → order → contract → acceptance."""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from catalog import demo
from catalog.categories import service as categories
from catalog.categories.models import Category
from catalog.designations.models import Designation
from catalog.designations.service import today, valid_designation
from catalog.listings.models import Listing
from core.accounts.auth import SYSTEM
from supervision.ledger.models import LedgerEntry
from tests.catalog.conftest import enrol
from tests.mall.conftest import DELIVERY, actions, add, advance, new_line, on_shelf, snapshot

VEHICLE_PARAMS = [
    {
        "code": "vehicle_type",
        "name_zh": "车型",
        "name_en": "Vehicle type",
        "type": "enum",
        "options": ["轿车", "越野车", "客车"],
        "required": True,
    }
]


def _service_body(category_id: int, **over) -> dict:
    return {
        "category_id": category_id,
        "title_zh": "公务车辆常规保养（轿车）",
        "title_en": "Routine maintenance of official cars",
        "brand": "呼和浩特汽修",
        "model": "BY-01",
        "params": {"vehicle_type": "轿车"},
        "price": "800.00",
        "stock": 50,
    } | over


def _grant(operator, supplier_id, category_id, days=365):
    response = operator.post(
        "/api/catalog/designations",
        json={
            "supplier_id": supplier_id,
            "category_id": category_id,
            "valid_until": (today() + timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def repair(session, login, cat):
    """Services > repair > vehicle repair (a designated service category). The IT supplier is
    enrolled in it and designated, and lists a car service; the office supplier is enrolled in it
    (and in desktops) but not designated. The school's purchaser has a budget line."""
    services = categories.create_category(
        session, SYSTEM, {"code": "C", "name_zh": "服务", "name_en": "Services", "kind": "services"}
    )
    repairs = categories.create_category(
        session,
        SYSTEM,
        {
            "code": "C01",
            "name_zh": "维修和保养服务",
            "name_en": "Repair and maintenance",
            "kind": "services",
            "parent_id": services.id,
            "designated_service": True,
        },
    )
    vehicle = categories.create_category(
        session,
        SYSTEM,
        {
            "code": "C0101",
            "name_zh": "车辆维修和保养服务",
            "name_en": "Vehicle repair and maintenance",
            "kind": "services",
            "parent_id": repairs.id,
        },
    )
    categories.set_schema(session, SYSTEM, vehicle.id, VEHICLE_PARAMS)
    session.commit()  # releases the savepoint; the test's outer transaction still rolls back
    region = cat.regions["150105"]
    supplier = enrol(login, "supplier", [vehicle.id, cat.it], region)
    office = enrol(login, "supplier.office", [vehicle.id, cat.it], cat.regions["150203"])
    operator = login("operator")
    designation = _grant(operator, cat.supplier_it, repairs.id)
    body = _service_body(vehicle.id, region_ids=[cat.regions["15"]])
    service = on_shelf(supplier, operator, cat, **body)
    desktop = on_shelf(supplier, operator, cat)
    purchaser = login("purchaser")
    return SimpleNamespace(
        cat=cat,
        vehicle=vehicle.id,
        repairs=repairs.id,
        supplier=supplier,
        office=office,
        operator=operator,
        purchaser=purchaser,
        service=service,
        desktop=desktop,
        designation=designation["id"],
        line=new_line(purchaser),
    )


def _details(listing_id, **over):
    return {
        "listing_id": listing_id,
        "service_date": (today() + timedelta(days=3)).isoformat(),
        "service_place": "呼和浩特市新城区第一中学车库",
        "service_details": "两辆公务轿车（蒙A·12345、蒙A·23456）的常规保养：更换机油、机滤，检查刹车。",
    } | over


def _checkout(api, line, services=None):
    body = {"budget_line_id": line, **DELIVERY}
    if services is not None:
        body["services"] = services
    return api.post("/api/mall/checkout", json=body)


def _names(details: dict, field: str) -> bool:
    """Whether the error details name ``field``: flat ("services.0.service_date", from the service)
    or nested ({"services": {"0": {...}}}, from the request schema)."""
    if field in details:
        return True
    node = details
    for part in field.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _designations(session) -> int:
    return session.scalar(select(func.count()).select_from(Designation))


def test_a_designated_service_is_ordered_with_its_details_through_to_acceptance(repair, session):
    """MALL-2: service date, place and details go into the order item, the ledger and the contract."""
    cart = add(repair.purchaser, repair.service, 2)
    (item,) = cart["groups"][0]["items"]
    assert item["service_required"] is True

    details = _details(repair.service)
    placed = _checkout(repair.purchaser, repair.line, [details])
    assert placed.status_code == 201, placed.get_json()
    (order,) = placed.get_json()
    (line,) = order["items"]
    assert line["line_total"] == "1600.00"
    assert line["service"] == {k: v for k, v in details.items() if k != "listing_id"}

    entry = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.action == "order.placed", LedgerEntry.subject_id == str(order["id"])
        )
    ).one()
    placed_service = json.loads(entry.payload)["items"][0]["service"]
    assert placed_service["service_place"] == details["service_place"]

    shop = SimpleNamespace(purchaser=repair.purchaser, supplier=repair.supplier)
    confirmed = advance(shop, order["id"], "confirmed")
    contract = repair.purchaser.get(f"/api/mall/contracts/{confirmed['contract_id']}/document")
    assert contract.status_code == 200
    (term,) = json.loads(contract.get_data(as_text=True))["items"]
    assert term["service"] == {k: v for k, v in details.items() if k != "listing_id"}

    accepted = advance(shop, order["id"], "accepted")
    assert accepted["status"] == "accepted" and accepted["items"][0]["service"] == line["service"]
    seen = repair.supplier.get(f"/api/mall/supplier/orders/{order['id']}").get_json()
    assert seen["items"][0]["service"]["service_date"] == details["service_date"]


def test_goods_need_no_service_details_and_show_none(repair):
    add(repair.purchaser, repair.desktop)
    cart = repair.purchaser.get("/api/mall/cart").get_json()
    assert cart["groups"][0]["items"][0]["service_required"] is False
    placed = _checkout(repair.purchaser, repair.line)
    assert placed.status_code == 201, placed.get_json()
    assert placed.get_json()[0]["items"][0]["service"] is None


@pytest.mark.parametrize(
    ("services", "field"),
    [
        ("omitted", "services"),
        ("empty", "services"),
        ("past", "services.0.service_date"),
        ("blank_place", "services.0.service_place"),
        ("blank_details", "services.0.service_details"),
        ("long_details", "services.0.service_details"),
        ("long_place", "services.0.service_place"),
        ("no_date", "services.0.service_date"),
        ("bad_date", "services.0.service_date"),
        ("goods", "services.1.listing_id"),
        ("other_listing", "services.1.listing_id"),
        ("twice", "services.1.listing_id"),
    ],
)
def test_missing_or_bad_service_details_are_refused_and_write_nothing(
    repair, session, services, field
):
    """MALL-2: a designated service needs its date (not past), place and details; goods take none."""
    add(repair.purchaser, repair.service, 2)
    add(repair.purchaser, repair.desktop)
    good = _details(repair.service)
    cases = {
        "omitted": None,
        "empty": [],
        "past": [good | {"service_date": (today() - timedelta(days=1)).isoformat()}],
        "blank_place": [good | {"service_place": "   "}],
        "blank_details": [good | {"service_details": " \n "}],
        "long_details": [good | {"service_details": "修" * 1001}],
        "long_place": [good | {"service_place": "院" * 201}],
        "no_date": [{k: v for k, v in good.items() if k != "service_date"}],
        "bad_date": [good | {"service_date": "2026-02-30"}],
        "goods": [good, _details(repair.desktop)],
        "other_listing": [good, _details(999999)],
        "twice": [good, good],
    }
    before = snapshot(session, [repair.service, repair.desktop], [repair.line])
    refused = _checkout(repair.purchaser, repair.line, cases[services])
    assert refused.status_code == 422, refused.get_json()
    assert _names(refused.get_json()["details"], field), refused.get_json()
    assert snapshot(session, [repair.service, repair.desktop], [repair.line]) == before
    # Nothing was used up: with good details the same cart checks out.
    placed = _checkout(repair.purchaser, repair.line, [good])
    assert placed.status_code == 201, placed.get_json()


def test_today_is_a_valid_service_date(repair):
    add(repair.purchaser, repair.service)
    placed = _checkout(
        repair.purchaser, repair.line, [_details(repair.service, service_date=today().isoformat())]
    )
    assert placed.status_code == 201, placed.get_json()


def test_a_supplier_without_designation_cannot_list_in_the_category(repair, session):
    """MALL-2: enrolment in the category is not enough; a designation is needed to list."""
    before = snapshot(session)
    created = repair.office.post(
        "/api/catalog/listings",
        json=_service_body(repair.vehicle, region_ids=[repair.cat.regions["15"]]),
    )
    assert created.status_code == 403 and created.get_json()["code"] == "not_designated"
    assert snapshot(session) == before
    # Goods in its other category are not affected.
    assert on_shelf(repair.office, repair.operator, repair.cat)


def test_a_category_marked_designated_refuses_orders_from_suppliers_without_designation(
    repair, session
):
    """MALL-2: once the operator marks a category designated, undesignated suppliers' listings in
    it can no longer be ordered."""
    office_pc = on_shelf(repair.office, repair.operator, repair.cat, brand="华为", model="W515")
    it_category = repair.cat.it
    marked = repair.operator.patch(
        f"/api/catalog/categories/{it_category}", json={"designated_service": True}
    )
    assert marked.status_code == 200, marked.get_json()
    add(repair.purchaser, office_pc)
    before = snapshot(session, [office_pc], [repair.line])
    refused = _checkout(repair.purchaser, repair.line, [_details(office_pc)])
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_designated"
    assert snapshot(session, [office_pc], [repair.line]) == before


def test_a_revoked_designation_refuses_the_order_until_granted_again(repair, session):
    """MALL-2: revocation (with a reason, on the ledger) stops orders at once."""
    revoked = repair.operator.post(
        f"/api/catalog/designations/{repair.designation}/revocation",
        json={"reason": "服务质量投诉经核实"},
    )
    assert revoked.status_code == 200, revoked.get_json()
    assert revoked.get_json()["valid"] is False
    assert actions(session, "organisation", repair.cat.supplier_it)[-1] == "designation.revoked"

    add(repair.purchaser, repair.service)
    before = snapshot(session, [repair.service], [repair.line])
    refused = _checkout(repair.purchaser, repair.line, [_details(repair.service)])
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_designated"
    assert snapshot(session, [repair.service], [repair.line]) == before
    again = repair.operator.post(
        f"/api/catalog/designations/{repair.designation}/revocation", json={"reason": "再次"}
    )
    assert again.status_code == 409

    renewed = _grant(repair.operator, repair.cat.supplier_it, repair.repairs)
    assert renewed["id"] == repair.designation and renewed["valid"] is True
    placed = _checkout(repair.purchaser, repair.line, [_details(repair.service)])
    assert placed.status_code == 201, placed.get_json()


def test_an_expired_designation_refuses_the_order(repair, session):
    """MALL-2: a designation is valid up to and including its last day."""
    add(repair.purchaser, repair.service)
    designation = session.get(Designation, repair.designation)
    designation.valid_until = today() - timedelta(days=1)
    session.flush()
    before = snapshot(session, [repair.service], [repair.line])
    refused = _checkout(repair.purchaser, repair.line, [_details(repair.service)])
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_designated"
    assert snapshot(session, [repair.service], [repair.line]) == before

    designation.valid_until = today()
    session.flush()
    placed = _checkout(repair.purchaser, repair.line, [_details(repair.service)])
    assert placed.status_code == 201, placed.get_json()


def test_only_operators_grant_and_revoke_and_only_in_designated_categories(repair, session):
    """MALL-2: designations are the operator's; they are public to read and on the ledger."""
    count, before = _designations(session), snapshot(session)
    body = {
        "supplier_id": repair.cat.supplier_office,
        "category_id": repair.vehicle,
        "valid_until": (today() + timedelta(days=30)).isoformat(),
    }
    assert repair.supplier.post("/api/catalog/designations", json=body).status_code == 403
    for bad, field in [
        ({"category_id": repair.cat.desktop}, "category_id"),
        ({"valid_until": (today() - timedelta(days=1)).isoformat()}, "valid_until"),
        ({"supplier_id": repair.cat.supplier_it + 100000}, "supplier_id"),
    ]:
        refused = repair.operator.post("/api/catalog/designations", json=body | bad)
        assert refused.status_code == 422 and field in refused.get_json()["details"]
    refused = repair.supplier.post(
        f"/api/catalog/designations/{repair.designation}/revocation", json={"reason": "x"}
    )
    assert refused.status_code == 403
    assert (_designations(session), snapshot(session)) == (count, before)

    granted = _grant(repair.operator, repair.cat.supplier_office, repair.vehicle, days=30)
    assert granted["valid"] is True
    assert actions(session, "organisation", repair.cat.supplier_office)[-1] == (
        "designation.granted"
    )
    listed = repair.purchaser.get(
        f"/api/catalog/designations?category_id={repair.vehicle}&valid_only=true"
    ).get_json()
    assert [d["supplier_id"] for d in listed["items"]] == [repair.cat.supplier_office]
    # A designation for a category below the designated one covers that category.
    created = repair.office.post(
        "/api/catalog/listings",
        json=_service_body(repair.vehicle, region_ids=[repair.cat.regions["15"]]),
    )
    assert created.status_code == 201, created.get_json()


def test_the_demo_designates_suppliers_for_its_designated_services(app, session, monkeypatch):
    """MALL-2 demo data: vehicle repair and printing are designated services with designated
    suppliers, and every listing on the shelf there is a designated supplier's."""
    monkeypatch.setattr(demo, "LISTINGS", 120)
    with app.app_context():
        demo.load(session)
    by_code = {c.code: c for c in session.scalars(select(Category))}
    for code in ("C0101", "C0201"):
        category = by_code[code]
        designated = session.scalars(
            select(Designation.supplier_id).where(Designation.category_id == category.id)
        ).all()
        assert designated, code
    services = session.scalars(
        select(Listing)
        .join(Category, Listing.category_id == Category.id)
        .where(Category.designated_service.is_(True), Listing.status == "approved")
    ).all()
    assert services
    for listing in services:
        assert valid_designation(session, listing.supplier_id, listing.category) is not None


def test_the_eligibility_of_many_suppliers_at_once_agrees_with_the_check_of_each(
    app, repair, session
):
    """AUC-1 / MALL-2: the set-at-a-time check a batch of bids uses refuses exactly whom the
    one-supplier check refuses, with the same code: not enrolled, not designated (none, expired),
    suspended."""
    from catalog.enrolment.models import Suspension
    from catalog.enrolment.service import check_eligible, ineligible
    from core import clock
    from core.errors import Forbidden

    vehicle = session.get(Category, repair.vehicle)
    it, office = repair.cat.supplier_it, repair.cat.supplier_office
    nobody = 10**9  # no such organisation

    def each(ids):
        out = {}
        for supplier_id in ids:
            try:
                check_eligible(session, supplier_id, vehicle)
            except Forbidden as refusal:
                out[supplier_id] = refusal.code
        return out

    ids = {it, office, nobody}
    with app.app_context():
        assert ineligible(session, ids, vehicle.path_ids) == each(ids) | {nobody: "not_enrolled"}
        assert ineligible(session, ids, vehicle.path_ids) == {
            office: "not_designated",
            nobody: "not_enrolled",
        }
        designation = session.get(Designation, repair.designation)
        designation.valid_until = today() - timedelta(days=1)
        session.flush()
        assert ineligible(session, {it}, vehicle.path_ids) == each({it}) == {it: "not_designated"}
        designation.valid_until = today()
        session.add(
            Suspension(
                supplier_id=it,
                reason="测试",
                starts_at=clock.now() - timedelta(hours=1),
                ends_at=clock.now() + timedelta(days=1),
            )
        )
        session.flush()
        assert ineligible(session, {it}, vehicle.path_ids) == each({it})
        assert each({it}) == {it: "supplier_suspended"}
        desktops = session.get(Category, repair.cat.desktop)
        assert ineligible(session, {office}, desktops.path_ids) == {}
        # A small enterprise passes the SME rule (a large one is refused: tests/auction).
        assert ineligible(session, {office}, desktops.path_ids, sme_only=True) == {}
