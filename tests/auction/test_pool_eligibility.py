"""Who may take part in a volume purchase, decided by the auctions' one rule (AUC-1 eligible
suppliers, AUC-2, AUC-3, MALL-10): the supplier's list of pools (and why not, for the others), the
pool page's explanation, and the count an organiser sees before opening a pool."""

from __future__ import annotations

from datetime import timedelta

from catalog.categories import service as categories
from core import clock
from core.accounts.auth import SYSTEM
from tests.auction.conftest import T0
from tests.auction.test_pools import CLOSES, add, demand_body, open_pool


def _count(api, **query):
    return api.get("/api/pools/eligible-suppliers", query_string=query)


def _listed(api, **query) -> dict[int, dict]:
    body = api.get("/api/pools", query_string=query).get_json()
    return {p["id"]: p for p in body["items"]}


def _furniture(session) -> int:
    furniture = categories.create_category(
        session, SYSTEM, {"code": "A05", "name_zh": "家具", "name_en": "Furniture", "kind": "goods"}
    )
    session.commit()
    return furniture.id


def _suspend(floor, supplier_id: int) -> None:
    suspended = floor.operator.post(
        f"/api/catalog/suppliers/{supplier_id}/suspensions",
        json={"reason": "虚假宣传", "ends_at": (T0 + timedelta(days=3)).isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()


def test_a_suppliers_pool_list_keeps_the_pools_it_may_take_part_in(floor, session):
    """AUC-1, AUC-2: enrolled in IT equipment, the supplier's list holds the desktop pool and not
    the furniture one; ``all=1`` adds it with the rule's reason in both languages. Cancelled pools
    stay out either way."""
    desktops = open_pool(floor)
    furniture = open_pool(floor, category_id=_furniture(session), title="办公家具带量采购")
    cancelled = open_pool(floor, title="已撤销的带量采购")
    floor.operator.post(f"/api/pools/{cancelled['id']}/cancel", json={"reason": "需求变更"})

    mine = _listed(floor.supplier)
    assert set(mine) == {desktops["id"]}
    assert mine[desktops["id"]]["why_not"] is None
    everything = _listed(floor.supplier, all="1")
    assert set(everything) == {desktops["id"], furniture["id"]}
    assert everything[furniture["id"]]["why_not"] == {
        "code": "not_enrolled",
        "message": "Your company is not enrolled in this category.",
        "message_zh": "贵公司未入驻该品目。",
    }
    assert everything[desktops["id"]]["why_not"] is None
    # Purchasers and operators are not judged: no reason on their pools.
    assert _listed(floor.purchaser)[furniture["id"]]["why_not"] is None


def test_a_suspended_supplier_sees_why_and_is_offered_nothing(floor, session):
    """AUC-3: suspended, the office supplier's list leaves the pool out; asked for all, it says
    why; the pool page explains instead of offering anything; the count drops by one."""
    pool = open_pool(floor)
    before = _count(floor.operator, category_id=floor.cat.desktop).get_json()
    _suspend(floor, floor.cat.supplier_office)

    assert pool["id"] not in _listed(floor.office)
    why = _listed(floor.office, all="1")[pool["id"]]["why_not"]
    assert why["code"] == "supplier_suspended" and why["message_zh"] == "贵公司已被暂停交易资格。"
    assert floor.office.get(f"/api/pools/{pool['id']}").get_json()["why_not"]["code"] == (
        "supplier_suspended"
    )
    assert pool["id"] in _listed(floor.supplier)

    listed = floor.office.get("/pools").get_data(as_text=True)
    assert f'data-id="{pool["id"]}"' not in listed and 'data-testid="show-all"' in listed
    everything = floor.office.get("/pools?all=1").get_data(as_text=True)
    assert f'data-id="{pool["id"]}"' in everything
    assert 'data-reason="supplier_suspended"' in everything
    page = floor.office.get(f"/pools/{pool['id']}").get_data(as_text=True)
    assert 'data-testid="why-not" data-reason="supplier_suspended"' in page
    ok = floor.supplier.get(f"/pools/{pool['id']}").get_data(as_text=True)
    assert 'data-testid="why-not"' not in ok

    after = _count(floor.operator, category_id=floor.cat.desktop).get_json()
    assert after["count"] == before["count"] - 1 == 1


def test_a_pool_reserved_for_smes_leaves_the_large_supplier_out(floor, session, app):
    """MALL-10 with AUC-2: 30 desktops at 5,000.00 close into an auction reserved for SMEs; the
    large office supplier no longer lists the pool (it did while the window was open)."""
    pool = open_pool(floor)
    assert add(floor.purchaser, pool["id"], demand_body(floor, floor.line, 30)).status_code == 201
    assert pool["id"] in _listed(floor.office)
    clock.freeze(CLOSES)
    assert "1 to auction" in app.test_cli_runner().invoke(args=["auction", "tick"]).output

    assert pool["id"] not in _listed(floor.office)
    why = _listed(floor.office, all="1")[pool["id"]]["why_not"]
    assert why == {
        "code": "sme_only",
        "message": "This auction is reserved for small and medium enterprises.",
        "message_zh": "本项目专门面向中小企业。",
    }
    assert pool["id"] in _listed(floor.supplier)
    page = floor.office.get(f"/pools/{pool['id']}").get_data(as_text=True)
    assert 'data-reason="sme_only"' in page


def test_a_supplier_not_enrolled_is_told_where_to_enrol(floor, session):
    """AUC-1: the furniture pool's page tells the IT supplier it is not enrolled and links to the
    enrolment page; the API still does not show it the pool itself."""
    pool = open_pool(floor, category_id=_furniture(session), title="办公家具带量采购")
    assert floor.supplier.get(f"/api/pools/{pool['id']}").status_code == 404
    page = floor.supplier.get(f"/pools/{pool['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="why-not" data-reason="not_enrolled"' in html
    assert 'data-testid="why-enrol"' in html and 'href="/enrolment"' in html
    assert 'data-testid="pool-demands"' not in html
    listed = floor.supplier.get("/pools?all=1").get_data(as_text=True)
    assert 'data-reason="not_enrolled"' in listed and 'href="/enrolment"' in listed
    assert floor.supplier.get("/pools/999999").status_code == 404


def test_the_organiser_sees_how_many_may_take_part_before_opening(floor, login):
    """AUC-1, AUC-2: both suppliers are enrolled in IT equipment; a standard product counts in
    its category. Operators and lead purchasers may ask; a supplier or supervisor may not."""
    seen = _count(floor.operator, category_id=floor.cat.desktop)
    assert seen.status_code == 200, seen.get_json()
    assert seen.get_json() == {
        "category_id": floor.cat.desktop,
        "sme_only": False,
        "count": 2,
        "min_bidders": 3,
        "enough": False,
    }
    lead = _count(floor.purchaser, category_id=floor.cat.desktop, min_bidders=2).get_json()
    assert lead["count"] == 2 and lead["enough"] is True
    assert _count(floor.purchaser, category_id=floor.cat.goods).get_json()["count"] == 0

    product = floor.operator.post(
        "/api/catalog/standard-products",
        json={
            "code": "PC-I5-16-512",
            "category_id": floor.cat.desktop,
            "name_zh": "台式计算机（i5/16GB/512GB）",
            "params": {"cpu": "i5", "memory_gb": "16", "ssd_gb": 512},
        },
    ).get_json()
    by_product = _count(floor.purchaser, standard_product_id=product["id"]).get_json()
    assert by_product["category_id"] == floor.cat.desktop and by_product["count"] == 2
    wrong = _count(
        floor.purchaser, category_id=floor.cat.printer, standard_product_id=product["id"]
    )
    assert wrong.status_code == 422 and "standard_product_id" in wrong.get_json()["details"]
    assert _count(floor.purchaser, category_id=999999).status_code == 422
    assert _count(floor.purchaser).status_code == 422

    refused = _count(floor.supplier, category_id=floor.cat.desktop)
    assert refused.status_code == 403 and refused.get_json()["code"] == "organiser_only"
    supervisor = _count(login("supervisor"), category_id=floor.cat.desktop)
    assert supervisor.status_code == 403


def test_the_organiser_sees_the_count_of_its_own_pool(floor, login):
    """AUC-1, AUC-2: after opening, the organiser (and operators) see how many may take part
    against the pool's minimum, on the page too; another unit and a supplier are refused."""
    pool = open_pool(floor, api=floor.purchaser, min_bidders=3)
    url = f"/api/pools/{pool['id']}/eligible-suppliers"
    own = floor.purchaser.get(url)
    assert own.status_code == 200, own.get_json()
    assert own.get_json() == {
        "category_id": floor.cat.desktop,
        "sme_only": False,
        "count": 2,
        "min_bidders": 3,
        "enough": False,
    }
    assert floor.operator.get(url).get_json()["count"] == 2
    other = login("purchaser.hospital").get(url)
    assert other.status_code == 403 and other.get_json()["code"] == "other_organisation"
    supplier = floor.supplier.get(url)
    assert supplier.status_code == 403 and supplier.get_json()["code"] == "other_organisation"
    assert floor.supplier.get("/api/pools/999999/eligible-suppliers").status_code == 404

    page = floor.purchaser.get(f"/pools/{pool['id']}").get_data(as_text=True)
    assert 'data-testid="eligible-count" data-count="2" data-enough="0"' in page
    assert "少于最少有效报价供应商 3 家" in page
    theirs = login("purchaser.hospital").get(f"/pools/{pool['id']}").get_data(as_text=True)
    assert 'data-testid="eligible-count"' not in theirs
