"""Changes to a framework agreement on its page, through the test client (协议变更, MALL-8): the
solicitor proposes a price variation, activates or cancels it and terminates an entrant after a
confirmation; an entrant lowers its own prices; each refusal comes back beside its field, in the
page's language, with nothing written; another party sees the changes but none of the forms."""

from __future__ import annotations

from decimal import Decimal

from mall.agreements.models import Agreement, AgreementEntrant, EntrantPrice
from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import en, zh
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import counts, fa  # noqa: F401


def post(api, url: str, data: dict):
    return api.client.post(url, data=data | {"csrf_token": api.csrf}, headers=api._headers(None))


def get(api, url: str):
    return api.client.get(url, headers=api._headers(None))


def page_of(api, x) -> str:
    return get(api, f"/agreements/{x.agreement['id']}").get_data(as_text=True)


def _price(session, entrant_id: int, item_id: int) -> Decimal:
    session.expire_all()
    return (
        session.query(EntrantPrice)
        .filter_by(entrant_id=entrant_id, item_id=item_id)
        .one()
        .unit_price
    )


def test_the_solicitor_varies_the_prices_on_the_page(fa, session):  # noqa: F811
    """MALL-8: the solicitor's form takes a new price per entrant and item; a price outside the
    band comes back beside its field with nothing written; a good one leaves the change pending,
    and the solicitor signs it into force."""
    agreement_id = fa.agreement["id"]
    page = page_of(fa.operator, fa)
    assert 'data-testid="variation-form"' in page and 'data-testid="termination-form"' in page
    assert 'data-testid="reduction-form"' not in page
    assert zh("No change so far.") in page
    office, desktop = fa.entrants[0]["id"], fa.items[0]["id"]
    name = f"vary.{office}.{desktop}"
    url = f"/agreements/{agreement_id}/changes"
    before = counts(session)
    far = post(fa.operator, url, {name: "4000", "vary_rationale": "市场价格下降"})
    assert far.status_code == 422
    text = far.get_data(as_text=True)
    assert f'data-testid="error-{name}"' in text
    assert "10%" in text  # the band, in the refusal's words
    assert counts(session) == before
    blank = post(fa.operator, url, {name: "4500", "vary_rationale": " "})
    assert blank.status_code == 422
    assert 'data-testid="error-vary_rationale"' in blank.get_data(as_text=True)
    bad = post(fa.operator, url, {name: "45x", "vary_rationale": "市场价格下降"})
    assert bad.status_code == 422
    assert f'data-testid="error-{name}"' in bad.get_data(as_text=True)
    assert counts(session) == before

    done = post(fa.operator, url, {name: "4500", "vary_rationale": "市场价格下降"})
    assert done.status_code == 302, done.get_data(as_text=True)
    page = get(fa.operator, done.location).get_data(as_text=True)
    assert 'data-testid="change-done"' in page
    assert 'data-kind="price_variation" data-status="pending"' in page
    assert 'data-testid="activate-change"' in page
    assert 'data-testid="variation-form"' not in page  # one pending change at a time
    assert session.get(Agreement, agreement_id).status == "change_pending"
    # The purchaser sees the change and its prices, and none of the solicitor's forms.
    seen = page_of(fa.purchaser, fa)
    assert 'data-kind="price_variation"' in seen and "¥4,500.00" in seen
    assert (
        'data-testid="activate-change"' not in seen and 'data-testid="variation-form"' not in seen
    )

    (change_id,) = [
        c["id"] for c in fa.operator.get(f"/api/agreements/{agreement_id}/changes").get_json()
    ]
    signed = post(fa.operator, f"/agreements/changes/{change_id}/activate", {})
    assert signed.status_code == 302
    page = get(fa.operator, signed.location).get_data(as_text=True)
    assert 'data-kind="price_variation" data-status="active"' in page
    assert zh("Signature verified") in page
    assert _price(session, office, desktop) == Decimal("4500.00")
    again = post(fa.operator, f"/agreements/changes/{change_id}/cancel", {})
    assert again.status_code == 409
    assert 'data-testid="change-error"' in again.get_data(as_text=True)


def test_the_solicitor_terminates_an_entrant_after_confirming(fa, session):  # noqa: F811
    """MALL-8: termination asks for a confirmation; without it nothing is written."""
    url = f"/agreements/{fa.agreement['id']}/terminate"
    north = fa.entrants[2]["id"]
    data = {"end_entrant": str(north), "end_reason": "breach", "end_rationale": "严重违约"}
    before = counts(session)
    unconfirmed = post(fa.operator, url, data)
    assert unconfirmed.status_code == 422
    assert 'data-testid="error-end_confirm"' in unconfirmed.get_data(as_text=True)
    nothing = post(fa.operator, url, {"end_confirm": "yes"})
    text = nothing.get_data(as_text=True)
    assert nothing.status_code == 422
    assert 'data-testid="error-end_entrant"' in text and 'data-testid="error-end_reason"' in text
    assert counts(session) == before
    # Another organisation posting the form is refused.
    refused = post(fa.purchaser, url, data | {"end_confirm": "yes"})
    assert refused.status_code == 403
    assert 'data-testid="change-error"' in refused.get_data(as_text=True)
    assert counts(session) == before

    done = post(fa.operator, url, data | {"end_confirm": "yes"})
    assert done.status_code == 302, done.get_data(as_text=True)
    session.expire_all()
    assert session.get(AgreementEntrant, north).status == "terminated"
    page = get(fa.operator, done.location).get_data(as_text=True)
    assert 'data-kind="party_withdrawal" data-status="active"' in page
    assert zh("Breach of the agreement") in page


def test_an_entrant_lowers_its_prices_on_the_page_in_english(fa, session):  # noqa: F811
    """MALL-8: an entrant's form lowers its own prices; a rise is refused beside its field, in
    English on an English page; another supplier sees no such form."""
    it = fa.suppliers[1]
    it.client.set_cookie("lang", "en")
    page = page_of(it, fa)
    assert 'data-testid="reduction-form"' in page and 'data-testid="variation-form"' not in page
    assert en("Lower my agreed prices") in page
    assert 'data-testid="reduction-form"' not in page_of(fa.west, fa)
    printer = fa.items[1]["id"]
    url = f"/agreements/{fa.agreement['id']}/price-reductions"
    before = counts(session)
    rise = post(it, url, {f"reduce.{printer}": "1900.01", "reduce_rationale": "x"})
    assert rise.status_code == 422
    text = rise.get_data(as_text=True)
    assert f'data-testid="error-reduce.{printer}"' in text
    assert "must be below your agreed one" in text
    assert counts(session) == before
    done = post(it, url, {f"reduce.{printer}": "1850", "reduce_rationale": "备货充足，主动降价"})
    assert done.status_code == 302, done.get_data(as_text=True)
    page = get(it, done.location).get_data(as_text=True)
    assert 'data-kind="price_reduction" data-status="active"' in page
    assert en("Your lower prices are in force for call-offs placed from now on.") in page
    assert _price(session, fa.entrants[1]["id"], printer) == Decimal("1850.00")
