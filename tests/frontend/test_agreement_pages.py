"""The framework agreement pages through the test client (MALL-8): quality priority scored on the
solicitation page (a score out of range is refused beside the table, then the scores rank the
responses), the 征集公告 form's refusals next to their fields, a supplier outside the categories
offered nothing to respond to, and each party's pages answering."""

from __future__ import annotations

from datetime import timedelta

from core import clock
from mall.agreements.responses import REFUSALS
from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import zh
from tests.mall.agreements_floor import floor, published, respond  # noqa: F401

PRICES = [
    ["4500.00", "1800.00"],
    ["4600.00", "1700.00"],
    ["4400.00", "1900.00"],
    ["4900.00", "1950.00"],
]
CRITERIA = [{"name": "技术", "weight": 60}, {"name": "服务", "weight": 40}]


def form(api, url: str, data: dict):
    return api.client.post(url, data=data | {"csrf_token": api.csrf}, headers=api._headers(None))


def test_quality_priority_is_scored_on_the_page(floor) -> None:  # noqa: F811
    s = published(floor, evaluation="quality_priority", criteria=CRITERIA)
    ids = []
    for api, prices in zip(floor.suppliers, PRICES, strict=True):
        answer = respond(api, s, prices)
        assert answer.status_code == 200, answer.get_json()
        ids.append(answer.get_json()["id"])
    clock.advance(timedelta(hours=5))
    base = f"/agreements/solicitations/{s['id']}"
    assert form(floor.operator, f"{base}/open", {}).status_code == 302
    page = floor.operator.get(base).get_data(as_text=True)
    assert 'data-testid="scores-table"' in page
    scores = {f"score.{rid}.技术": "70" for rid in ids} | {f"score.{rid}.服务": "70" for rid in ids}
    refused = form(floor.operator, f"{base}/evaluate", scores | {f"score.{ids[0]}.技术": "101"})
    assert refused.status_code == 422
    assert 'data-testid="error-scores"' in refused.get_data(as_text=True)
    # The third response scores best, the first worst.
    scores |= {f"score.{ids[2]}.技术": "95", f"score.{ids[0]}.服务": "10"}
    assert form(floor.operator, f"{base}/evaluate", scores).status_code == 302
    assert form(floor.operator, f"{base}/select", {}).status_code == 302
    ranked = floor.operator.get(f"/api/agreements/solicitations/{s['id']}/responses").get_json()
    by_id = {r["id"]: r for r in ranked}
    assert by_id[ids[2]]["rank"] == 1 and by_id[ids[0]]["status"] == "eliminated"
    page = floor.operator.get(base).get_data(as_text=True)
    assert zh("Eliminated", "agreement response") in page
    assert zh("Publish the result") in page


def test_the_form_shows_refusals_next_to_their_fields(floor) -> None:  # noqa: F811
    data = {
        "title": "框架协议",
        "region_id": str(floor.cat.regions["1501"]),
        "kind": "closed",
        "evaluation": "quality_priority",
        "call_off_methods": "direct",
        "response_deadline": clock.local(clock.now() + timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "items.0.category_id": str(floor.cat.desktop),
        "items.0.estimated_quantity": "10",
        "items.0.max_unit_price": "5000.00",
        "criteria.0.name": "技术",
        "criteria.0.weight": "50",
    }
    refused = form(floor.operator, "/agreements/solicitations/new", data)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'data-testid="error-criteria"' in text  # weights must sum to 100
    assert 'value="5000.00"' in text  # what was typed is kept
    data |= {"criteria.0.weight": "100", "term_ends": "2040-01-01"}
    refused = form(floor.operator, "/agreements/solicitations/new", data)
    assert 'data-testid="error-term_ends"' in refused.get_data(as_text=True)
    data.pop("term_ends")
    done = form(floor.operator, "/agreements/solicitations/new", data)
    assert done.status_code == 302 and "done=created" in done.headers["Location"]


def test_a_supplier_outside_the_categories_is_offered_nothing(floor) -> None:  # noqa: F811
    s = published(floor)
    idle = floor.idle.get("/agreements/solicitations").get_data(as_text=True)
    assert 'data-testid="solicitations-empty"' in idle
    page = floor.idle.get(f"/agreements/solicitations/{s['id']}").get_data(as_text=True)
    assert 'data-testid="cannot-respond"' in page and "respond-form" not in page
    assert REFUSALS["not_enrolled"][1] in page  # the reason, in the page's language
    enrolled = floor.suppliers[0].get("/agreements/solicitations").get_data(as_text=True)
    assert f'data-id="{s["id"]}"' in enrolled
    for api in (floor.purchaser, floor.supervisor, floor.operator, floor.suppliers[1]):
        for url in (
            "/agreements",
            "/agreements/solicitations",
            f"/agreements/solicitations/{s['id']}",
        ):
            assert api.get(url).status_code == 200, url


def test_the_agreement_page_shows_an_entrant_suspended_in_the_catalog(floor, login) -> None:  # noqa: F811
    """MALL-8: while an entrant's supplier is suspended (a ruling or a credit penalty), the
    agreement page says so in its row; the stored status stays in force for when it ends."""
    from tests.mall.calloffs_floor import in_force

    fa = in_force(floor, login)
    first = fa.entrants[0]
    ends = clock.now() + timedelta(hours=2)
    suspended = fa.operator.post(
        f"/api/catalog/suppliers/{first['supplier_id']}/suspensions",
        json={"reason": "信用惩戒", "ends_at": ends.isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    page = fa.purchaser.get(f"/agreements/{fa.agreement['id']}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-testid="entrant-status" data-status="suspended"') == 1
    assert html.count('data-testid="entrant-status" data-status="active"') == 2
    assert zh("Suspended", "agreement") in html
