"""Public framework agreement pages (MALL-8), read without signing in: the published 入围结果 with
each entrant's agreed unit prices, the 成交结果 of call-offs that became orders and each agreement's
monthly 成交汇总 — and nothing private (no eliminated response's prices, no capacity statement, no
budget line, no delivery address or contact, no call-off that is not an order). Also the agreement
page's signatures: a party that has not signed signs there."""

from __future__ import annotations

from sqlalchemy import select

from core.accounts.models import Organisation
from frontend.catalog_display import yuan
from mall.agreements.models import Agreement
from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import zh
from tests.mall.agreements_floor import floor, published  # noqa: F401
from tests.mall.calloffs_floor import call_off, in_force
from tests.mall.conftest import DELIVERY

HTML = {"Accept": "text/html"}


def _name(session, org_id: int) -> str:
    return session.get(Organisation, org_id).name_zh


def _page(client, url: str, status: int = 200) -> str:
    answer = client.get(url, headers=HTML)
    assert answer.status_code == status, url
    return answer.get_data(as_text=True)


def test_the_results_are_public_and_show_nothing_private(floor, login, app, session):  # noqa: F811
    """MALL-8: signed out, the result list and the agreement's page show its title, solicitor,
    term, entrants and their agreed prices; the eliminated supplier's prices and the capacity
    statements are not there."""
    fa = in_force(floor, login)
    anyone = app.test_client()
    listed = _page(anyone, "/public/agreements")
    assert fa.agreement["title"] in listed
    assert listed.count('data-testid="public-agreement"') == 1
    for entrant in fa.entrants:
        assert _name(session, entrant["supplier_id"]) in listed
    page = _page(anyone, f"/public/agreements/{fa.agreement['id']}")
    agreement = session.get(Agreement, fa.agreement["id"])
    assert _name(session, agreement.solicitor_id) in page
    assert f"{agreement.term_starts} – {agreement.term_ends}" in page
    assert agreement.sha256 in page
    for price in ("4700.00", "1950.00", "4800.00", "1900.00", "4900.00", "1800.00"):
        assert yuan(price) in page, price
    assert yuan("4990.00") not in page  # West was eliminated
    assert "每月可供货" not in page  # the responses' capacity statements
    assert page.count('data-signed="true"') == 3
    assert zh("Signed") in page


def test_an_unpublished_agreement_is_not_found(floor, app, session):  # noqa: F811
    """MALL-8: a solicitation whose result is not published has no public page."""
    published(floor)
    anyone = app.test_client()
    assert "public-none" in _page(anyone, "/public/agreements")
    for url in (
        "/public/agreements/1",
        "/public/agreements/1/summary",
        "/public/agreements/deals?agreement=1",
    ):
        _page(anyone, url, 404)


def test_deals_and_the_monthly_summary(floor, login, app, session):  # noqa: F811
    """MALL-8: a call-off ordered is a public 成交结果 with its number, date, purchaser, supplier,
    items, quantities, prices, total and method; one still offered in rotation is not; the
    month's summary counts and totals them by method and supplier. No address, contact or budget
    line is shown."""
    fa = in_force(floor, login)
    direct = call_off(fa, quantities=(2, 1))  # the IT supplier (rank 2): 2 × 4800 + 1900
    assert direct.status_code == 201, direct.get_json()
    rotation = call_off(fa, method="rotation", quantities=(1, None))  # offered to rank 1
    assert rotation.status_code == 201
    second = call_off(fa, quantities=(None, 3), entrant_id=fa.entrants[0]["id"])  # 3 × 1950
    assert second.status_code == 201
    anyone = app.test_client()
    page = _page(anyone, f"/public/agreements/deals?agreement={fa.agreement['id']}")
    assert page.count('data-testid="public-deal"') == 2
    assert direct.get_json()["number"] in page and second.get_json()["number"] in page
    assert rotation.get_json()["number"] not in page
    assert _name(session, fa.entrants[1]["supplier_id"]) in page
    assert yuan("11500.00") in page and yuan("5850.00") in page
    assert "2 台 × " + yuan("4800.00") in page
    assert zh("Direct selection") in page
    for private in (DELIVERY["delivery_address"], DELIVERY["contact_phone"], "信息化设备购置"):
        assert private not in page
    assert direct.get_json()["number"] in _page(anyone, "/public/agreements/deals")
    summary = _page(anyone, f"/public/agreements/{fa.agreement['id']}/summary")
    assert summary.count('data-testid="public-month"') == 1
    assert 'data-month="2026-11"' in summary
    assert yuan("17350.00") in summary
    assert summary.count('data-testid="month-supplier"') == 2
    assert summary.count('data-testid="month-method"') == 1


def test_the_agreement_page_links_to_the_public_result(floor, login, app):  # noqa: F811
    fa = in_force(floor, login)
    page = _page(fa.purchaser.client, f"/agreements/{fa.agreement['id']}")
    assert f'href="/public/agreements/{fa.agreement["id"]}"' in page
    assert 'href="/public/agreements"' in _page(app.test_client(), "/signin")


def _form(api, url: str):
    return api.client.post(url, data={"csrf_token": api.csrf}, headers=api._headers(None))


def test_a_party_signs_on_the_agreement_page(floor, login, session):  # noqa: F811
    """MALL-8: an entrant that has not signed sees the button and signs; everyone sees who
    signed; a purchaser of the region has no button, and its post is refused."""
    fa = in_force(floor, login, signed=False)
    url = f"/agreements/{fa.agreement['id']}"
    page = _page(fa.suppliers[0].client, url)
    assert 'data-testid="sign-form"' in page
    assert page.count('data-state="unsigned"') == 4
    assert 'data-status="unsigned"' in page
    signed = _form(fa.suppliers[0], f"{url}/sign")
    assert signed.status_code == 302
    page = _page(fa.suppliers[0].client, url + "?done=signed")
    assert 'data-testid="sign-form"' not in page
    assert page.count('data-state="verified"') == 1
    assert zh("Your organisation signed the framework agreement.") in page
    seen = _page(fa.purchaser.client, url)
    assert 'data-testid="sign-form"' not in seen and seen.count('data-state="verified"') == 1
    refused = _form(fa.purchaser, f"{url}/sign")
    assert refused.status_code == 409
    assert session.scalar(select(Agreement).where(Agreement.id == fa.agreement["id"])).signatures
