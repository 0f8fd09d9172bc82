"""Joining an open framework agreement on its pages through the test client (加入开放式框架协议,
MALL-8): the agreement page shows the joining prices; a supplier that may join finds 申请加入 and a
form with the joining prices filled in; refusals come back next to their fields with nothing
written; once joined, the agreement is among its agreements and the page shows it as an entrant that
signed its accession. A supplier not enrolled is told why, with a link to enrolment."""

from __future__ import annotations

import pytest

from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import en, zh
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import counts, in_force


def post(api, url: str, data: dict):
    return api.client.post(url, data=data | {"csrf_token": api.csrf}, headers=api._headers(None))


def get(api, url: str):
    return api.client.get(url, headers=api._headers(None))


@pytest.fixture
def fa(floor, login):  # noqa: F811
    return in_force(floor, login, kind="open")


def _form(fa, prices=("4850.00", "1950.00"), **over) -> dict:
    data = {f"prices.{item['id']}": p for item, p in zip(fa.items, prices, strict=True)}
    data |= {
        "capacity": "每月可供货 80 台",
        "region_ids": str(fa.agreement["region_id"]),
        "confirm": "yes",
    }
    return data | over


def test_a_supplier_joins_on_the_page(fa, floor, session):  # noqa: F811
    """MALL-8: West (eliminated at the result, enrolled) sees the joining prices and 申请加入; the
    form comes filled in; a price above the joining price and a missing confirmation are refused
    beside their fields; then it joins and the page shows it as an entrant."""
    url = f"/agreements/{fa.agreement['id']}"
    page = get(fa.west, url).get_data(as_text=True)
    assert 'data-testid="joining-table"' in page and "¥4,900.00" in page
    assert zh("Join this agreement") in page and 'data-testid="join-link"' in page
    form = get(fa.west, f"{url}/join")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert 'value="4900.00"' in text and 'value="1950.00"' in text  # the joining prices
    assert f'value="{fa.agreement["region_id"]}" checked' in text

    before = counts(session)
    first = fa.items[0]["id"]
    refused = post(fa.west, f"{url}/join", _form(fa, prices=("4900.01", "1950.00")))
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert f'data-testid="error-prices.{first}"' in text
    assert "单价高于加入价格。" in text
    assert 'value="4900.01"' in text  # as typed
    unconfirmed = post(fa.west, f"{url}/join", _form(fa, confirm=""))
    assert unconfirmed.status_code == 422
    assert 'data-testid="error-confirm"' in unconfirmed.get_data(as_text=True)
    outside = post(fa.west, f"{url}/join", _form(fa, region_ids=str(floor.cat.regions["1502"])))
    assert 'data-testid="error-region_ids"' in outside.get_data(as_text=True)
    assert counts(session) == before

    done = post(fa.west, f"{url}/join", _form(fa))
    assert done.status_code == 302 and "done=joined" in done.location
    page = get(fa.west, done.location).get_data(as_text=True)
    assert 'data-testid="agr-done"' in page
    assert 'class="agr-own"' in page and 'data-testid="joined"' in page
    assert 'data-testid="accession"' in page and 'data-state="verified"' in page
    assert 'data-testid="join-link"' not in page and 'data-testid="cannot-join"' not in page
    public = get(fa.purchaser, f"/public/agreements/{fa.agreement['id']}").get_data(as_text=True)
    assert public.count('data-testid="public-signed" data-signed="true"') == 4
    mine = get(fa.west, "/agreements").get_data(as_text=True)
    assert fa.agreement["number"] in mine
    again = get(fa.west, f"{url}/join")
    assert again.status_code == 409
    assert "贵公司已是该框架协议的入围供应商。" in again.get_data(as_text=True)


def test_who_may_not_join_is_told_why(fa, login):
    """MALL-8: a supplier not enrolled in the categories is told why, with a link to enrolment, in
    the page's language; a purchaser sees the joining prices but no way in; an entrant is not
    asked to join; a closed agreement shows no joining prices."""
    idle = login("agree.idle")
    url = f"/agreements/{fa.agreement['id']}"
    page = get(idle, url).get_data(as_text=True)
    assert 'data-testid="cannot-join"' in page and 'data-testid="enrol-link"' in page
    assert "贵公司未入驻该品目。" in page
    assert get(idle, f"{url}/join").status_code == 409
    idle.client.set_cookie("lang", "en")
    page = get(idle, url).get_data(as_text=True)
    assert en("Your company may not join this agreement.") in page
    assert "Your company is not enrolled in this category." in page
    refused = post(idle, f"{url}/join", _form(fa))
    assert refused.status_code == 409

    page = get(fa.purchaser, url).get_data(as_text=True)
    assert 'data-testid="joining-table"' in page and 'data-testid="join-link"' not in page
    assert 'data-testid="cannot-join"' not in page
    page = get(fa.suppliers[0], url).get_data(as_text=True)
    assert 'data-testid="join-link"' not in page and 'data-testid="cannot-join"' not in page
    refused = post(fa.purchaser, f"{url}/join", _form(fa))
    assert refused.status_code == 409


def test_a_closed_agreement_has_no_joining(floor, login):  # noqa: F811
    fa = in_force(floor, login)
    page = get(fa.west, f"/agreements/{fa.agreement['id']}").get_data(as_text=True)
    assert 'data-testid="joining"' not in page
    assert get(fa.west, f"/agreements/{fa.agreement['id']}/join").status_code == 409
