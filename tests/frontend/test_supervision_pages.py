"""The supervisor's desk through the test client (SUP-6): the ledger browser with its filters —
action prefixes, subject, actor and organisation, local dates — its payloads and subject links; the
orders, contracts and payments of the supervisor's region, read only, another region's refused; the
home page keeps the ledger's verification line and a link to the browser. Chinese and English."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from core import clock
from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import en, zh
from tests.mall.conftest import advance, new_line, place, shop  # noqa: F401


def page(api, url: str, lang: str = "zh", expect: int = 200, **query) -> str:
    api.client.set_cookie("lang", lang)
    response = api.client.get(url, query_string=query, headers=api._headers(None))
    assert response.status_code == expect, (url, response.status_code)
    return response.get_data(as_text=True)


def rows(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}"[^>]*data-(?:id|seq)="(\d+)"', html)


@pytest.fixture
def desk(shop, login):  # noqa: F811
    """The school's order (Hohhot) paid, the hospital's (Baotou) placed."""
    hospital = login("purchaser.hospital")
    line = new_line(hospital, code="2026-BT-001")
    (school,) = place(shop, (shop.desktop, 1))
    (other,) = place(shop, (shop.mini, 1), api=hospital, line=line)
    advance(shop, school["id"], "paid")
    return SimpleNamespace(
        shop=shop,
        school=school["id"],
        hospital=other["id"],
        hohhot=login("supervisor.hohhot"),
        region=login("supervisor"),
    )


def test_the_home_page_links_the_ledger_browser_instead_of_listing_entries(login):
    """SUP-6: the supervisor's home keeps the verification line and links the browser; the last
    entries are no longer listed there. Other roles get neither."""
    supervisor = login("supervisor")
    for lang, text in (("zh", zh), ("en", en)):
        home = page(supervisor, "/", lang)
        assert 'data-testid="ledger-status"' in home
        assert 'data-testid="ledger-browser-link"' in home and text("Ledger browser") in home
        assert "<tbody>" not in home.split('data-testid="ledger"')[1].split("</section>")[0]
    assert 'data-testid="ledger-browser-link"' not in page(login("purchaser"), "/")


def test_the_ledger_browser_filters_pages_and_shows_payloads(desk):
    """SUP-6: ``order.*`` finds the order's steps only, newest first, each payload laid out with
    its subject linked to the supervisor's order page; a subject filter narrows to one order."""
    html = page(desk.region, "/supervision/ledger", "zh", action="order.*")
    actions = re.findall(r'data-testid="ledger-entry" data-seq="\d+" data-action="([^"]+)"', html)
    assert actions and all(a.startswith("order.") for a in actions)
    seqs = [int(s) for s in rows(html, "ledger-entry")]
    assert seqs == sorted(seqs, reverse=True)
    assert f'href="/supervision/orders/{desk.school}"' in html
    assert 'data-testid="entry-payload"' in html and "<dt>status</dt>" in html
    assert zh("Order placed", "ledger action") in html

    one = page(
        desk.region, "/supervision/ledger", "en", subject_type="order", subject_id=str(desk.school)
    )
    assert {a for a in re.findall(r'data-action="([^"]+)"', one)} >= {
        "order.placed",
        "order.confirmed",
        "order.accepted",
    }
    assert en("Order placed", "ledger action") in one
    assert f'href="/supervision/orders/{desk.hospital}"' not in one
    # A payment's entries link to its order's payments.
    paid = page(desk.region, "/supervision/ledger", "en", subject_type="payment")
    assert f'href="/supervision/orders/{desk.school}#payments"' in paid


def test_ledger_filters_by_actor_organisation_and_local_dates(desk):
    """SUP-6: the actor's user name or organisation, and days in China Standard Time."""
    by_user = page(desk.region, "/supervision/ledger", actor="supplier", action="order.*")
    assert rows(by_user, "ledger-entry")
    assert set(re.findall(r'data-testid="entry-actor">([^<]+)<', by_user)) == {"supplier"}
    by_org = page(desk.region, "/supervision/ledger", actor_org="第一中学", action="order.*")
    assert set(re.findall(r'data-testid="entry-actor">([^<]+)<', by_org)) == {"purchaser"}
    assert "呼和浩特市第一中学" in by_org  # the organisation named under the actor

    today = clock.local(clock.now()).date()
    assert rows(
        page(desk.region, "/supervision/ledger", from_date=today.isoformat()), "ledger-entry"
    )
    yesterday = (today - timedelta(days=1)).isoformat()
    none = page(
        desk.region, "/supervision/ledger", from_date=yesterday, to_date=yesterday, action="order.*"
    )
    assert 'data-testid="ledger-empty"' in none


def test_a_bad_filter_is_named_and_left_out(desk):
    html = page(desk.region, "/supervision/ledger", "en", from_date="2026-02-30", action="order.*")
    assert 'data-testid="error-from_date"' in html and 'aria-invalid="true"' in html
    assert 'data-testid="filter-errors"' in html
    assert rows(html, "ledger-entry")  # the other filters still apply


def test_every_filter_field_has_a_label(desk):
    """SUP-6 (accessibility): each input and select of the filter forms is labelled."""
    for url in (
        "/supervision/ledger",
        "/supervision/orders",
        "/supervision/contracts",
        "/supervision/payments",
    ):
        html = page(desk.hohhot, url)
        fields = re.findall(r'<(?:input|select) id="(f-[a-z_]+)"', html)
        assert fields, url
        for field in fields:
            assert f'<label for="{field}"' in html, (url, field)
        assert '<th scope="col">' in html or "-empty" in html


def test_a_city_supervisor_reads_its_regions_orders_contracts_and_payments(desk):
    """SUP-6: 呼和浩特 lists and opens the school's order, its contract and payment; the Baotou
    hospital's order is neither listed nor opened (403, said on the error page)."""
    for lang, text in (("zh", zh), ("en", en)):
        listed = page(desk.hohhot, "/supervision/orders", lang)
        assert str(desk.school) in rows(listed, "order-row")
        assert str(desk.hospital) not in rows(listed, "order-row")
        assert text("Orders of my region") in listed

        order = page(desk.hohhot, f"/supervision/orders/{desk.school}", lang)
        assert 'data-side="supervisor"' in order and 'data-status="paid"' in order
        assert "呼和浩特市第一中学" in order or "Hohhot No. 1 Middle School" in order
        assert 'data-testid="payment"' in order and 'data-status="succeeded"' in order
        assert "checkout" not in order  # no cashier page, no pay button
        assert 'data-testid="pay"' not in order and 'data-testid="go-sign"' not in order
        contract = re.search(r'href="/supervision/contracts/(\d+)"', order).group(1)

        signed = page(desk.hohhot, f"/supervision/contracts/{contract}", lang)
        assert 'data-testid="signature"' in signed and 'data-testid="sign"' not in signed
        assert f'href="/supervision/orders/{desk.school}"' in signed

        payments = page(desk.hohhot, "/supervision/payments", lang, status="succeeded")
        assert 'data-testid="payment-row"' in payments
        assert f"/supervision/orders/{desk.school}#payments" in payments

        contracts = page(desk.hohhot, "/supervision/contracts", lang, signed="both")
        assert contract in rows(contracts, "contract-row")

        refused = page(desk.hohhot, f"/supervision/orders/{desk.hospital}", lang, expect=403)
        assert 'data-code="other_region"' in refused
        assert text("This record belongs to a region you do not supervise.") in refused
    # The area's supervisor opens the hospital's order.
    assert 'data-status="placed"' in page(desk.region, f"/supervision/orders/{desk.hospital}")


def test_order_filters_on_the_page(desk):
    """SUP-6: status, region and party filters of the orders page."""
    paid = page(desk.region, "/supervision/orders", status="paid")
    assert str(desk.school) in rows(paid, "order-row") and str(desk.hospital) not in rows(
        paid, "order-row"
    )
    placed = page(desk.region, "/supervision/orders", status="placed")
    assert str(desk.hospital) in rows(placed, "order-row")
    assert str(desk.school) not in rows(placed, "order-row")


@pytest.mark.parametrize("username", ["purchaser", "supplier", "operator"])
def test_others_cannot_open_the_desk(login, username):
    for url in ("/supervision/ledger", "/supervision/orders", "/supervision/payments"):
        page(login(username), url, expect=403)
