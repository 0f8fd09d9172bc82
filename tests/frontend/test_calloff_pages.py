"""The call-off pages through the test client (框架协议采购, MALL-8 第二阶段): the purchaser calls off
from the agreement page by direct selection and by rotation, each refusal comes back on the form —
beside its field or in the banner, in the page's language — with nothing written; the call-off
page and list answer the purchaser and refuse another unit; a supplier answers its offers and
cannot answer another supplier's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.agreements.models import Agreement, AgreementEntrant
from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import zh
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import counts, fa, in_force  # noqa: F401
from tests.mall.conftest import DELIVERY


def post(api, url: str, data: dict):
    return api.client.post(url, data=data | {"csrf_token": api.csrf}, headers=api._headers(None))


def get(api, url: str):
    return api.client.get(url, headers=api._headers(None))


def form(fa, method: str = "direct", quantities=("2", "1"), **over) -> dict:  # noqa: F811
    data = {"method": method, "budget_line_id": str(fa.line), **DELIVERY}
    for item, q in zip(fa.items, quantities, strict=False):
        data[f"qty.{item['id']}"] = q
    if method == "direct":
        data |= {
            "entrant_id": str(fa.entrants[1]["id"]),
            "reason": "delivery",
            "reason_note": "本地库存，24 小时内送达",
        }
    return data | over


def place(fa, **over):  # noqa: F811
    return post(fa.purchaser, f"/agreements/{fa.agreement['id']}/calloffs", form(fa, **over))


def test_the_purchaser_calls_off_by_direct_selection_on_the_page(fa):  # noqa: F811
    page = get(fa.purchaser, f"/agreements/{fa.agreement['id']}").get_data(as_text=True)
    assert 'data-testid="calloff-form-direct"' in page
    assert 'data-testid="calloff-form-rotation"' in page
    done = place(fa)
    assert done.status_code == 302, done.get_data(as_text=True)
    assert "/agreements/calloffs/" in done.location
    page = get(fa.purchaser, done.location).get_data(as_text=True)
    assert 'data-status="ordered"' in page
    assert 'data-testid="order-link"' in page and "/orders/" in page
    assert "¥11,500.00" in page  # 2 × 4800 + 1 × 1900 at the IT supplier's prices
    listing = get(fa.purchaser, "/agreements/calloffs").get_data(as_text=True)
    assert listing.count('data-testid="calloff-row"') == 1
    assert 'data-testid="tab-calloffs"' in get(fa.purchaser, "/agreements").get_data(as_text=True)


#: (what the form is given, the code the service refuses it with, the field shown beside or None)
REFUSED = [
    ({"quantities": ("", "")}, "items_required", "items"),
    ({"quantities": ("2.5", "1")}, "quantity_invalid", "items"),
    ({"quantities": ("0", "")}, "quantity_invalid", "items"),
    ({"delivery_address": ""}, "delivery_incomplete", "delivery_address"),
    ({"delivery_date": "2026-11-26"}, "delivery_date_past", "delivery_date"),
    ({"entrant_id": ""}, "not_an_entrant", "entrant_id"),
    ({"reason_note": " "}, "reason_required", "reason"),
    ({"quantities": ("30", "")}, "insufficient_funds", "budget_line_id"),
    ({"method": "secondary_competition"}, "method_not_allowed", None),
]


@pytest.mark.parametrize(("over", "code", "field"), REFUSED, ids=[r[1] for r in REFUSED])
def test_each_refusal_is_shown_on_the_form_with_nothing_written(
    fa,  # noqa: F811
    session,
    over,
    code,
    field,
):
    before = counts(session)
    refused = place(fa, **over)
    assert refused.status_code in (409, 422)
    page = refused.get_data(as_text=True)
    assert 'data-testid="calloff-error"' in page
    assert counts(session) == before
    if field:
        assert f'data-testid="error-{field}"' in page
        # The form comes back as typed.
        assert DELIVERY["contact_phone"] in page


def test_banner_refusals_in_the_page_language(fa, session):  # noqa: F811
    before = counts(session)
    refused = place(fa, method="secondary_competition")
    assert refused.status_code == 409
    assert "该框架协议不允许此种采购方式。" in refused.get_data(as_text=True)
    fa.purchaser.client.set_cookie("lang", "en")
    refused = place(fa, method="secondary_competition")
    assert "This framework agreement does not allow this call-off method." in refused.get_data(
        as_text=True
    )
    fa.purchaser.client.set_cookie("lang", "zh")
    # A change pending, a suspended entrant, an agreement ending: the banner says why.
    agreement = session.get(Agreement, fa.agreement["id"])
    agreement.status = "change_pending"
    session.commit()
    assert "变更公布后方可下单" in place(fa).get_data(as_text=True)
    agreement.status = "active"
    entrant = session.get(AgreementEntrant, fa.entrants[1]["id"])
    entrant.status = "suspended"
    session.commit()
    page = place(fa).get_data(as_text=True)
    assert 'data-testid="error-entrant_id"' in page and "暂停或终止" in page
    entrant.status = "active"
    session.commit()
    agreement.term_ends = clock.local(clock.now()).date() + timedelta(days=3)
    session.commit()
    assert "不再接受下单" in place(fa).get_data(as_text=True)
    assert counts(session) == before


def test_a_method_the_agreement_does_not_allow(floor, login, session):  # noqa: F811
    only = in_force(floor, login, call_off_methods=["direct", "secondary_competition"])
    page = get(only.purchaser, f"/agreements/{only.agreement['id']}").get_data(as_text=True)
    assert 'data-testid="calloff-form-rotation"' not in page
    assert 'data-testid="calloff-form-secondary_competition"' in page
    before = counts(session)
    refused = place(only, method="rotation")
    assert refused.status_code == 409
    assert "该框架协议不允许此种采购方式。" in refused.get_data(as_text=True)
    assert counts(session) == before


def test_a_supplier_cannot_call_off(fa, session):  # noqa: F811
    before = counts(session)
    refused = post(
        fa.suppliers[0], f"/agreements/{fa.agreement['id']}/calloffs", form(fa)
    ).get_data(as_text=True)
    assert "仅采购单位的采购人可以采购。" in refused
    assert counts(session) == before


def test_another_purchaser_cannot_open_a_calloff_page(fa):  # noqa: F811
    done = place(fa)
    assert done.status_code == 302
    assert get(fa.hospital, done.location).status_code == 403
    assert get(fa.supervisor, done.location).status_code == 200
    assert get(fa.operator, done.location).status_code == 200
    assert get(fa.suppliers[1], done.location).status_code == 404
    assert 'data-testid="calloff-row"' not in get(fa.hospital, "/agreements/calloffs").get_data(
        as_text=True
    )


def test_rotation_on_the_page_decline_then_accept(fa, session):  # noqa: F811
    done = place(fa, method="rotation")
    assert done.status_code == 302, done.get_data(as_text=True)
    calloff_url = done.location
    calloff_id = int(calloff_url.split("?")[0].rstrip("/").rsplit("/", 1)[1])
    first, second = fa.suppliers[0], fa.suppliers[1]
    agreement_page = get(first, f"/agreements/{fa.agreement['id']}").get_data(as_text=True)
    assert 'data-testid="offer-notice"' in agreement_page
    offers = get(first, "/agreements/offers").get_data(as_text=True)
    assert 'data-testid="offer-deadline"' in offers
    assert "¥11,350.00" in offers  # the office supplier's prices: 2 × 4700 + 1 × 1950
    offer = session.scalars(
        select(CallOffOffer)
        .where(CallOffOffer.calloff_id == calloff_id)
        .order_by(CallOffOffer.id.desc())
    ).first()
    confirm = get(first, f"/agreements/offers/{offer.id}/decline").get_data(as_text=True)
    assert (
        zh(
            "Declining passes the turn to the next entrant; this call-off is not offered to your company again."
        )
        in confirm
    )
    # A decline needs a reason; another supplier can neither accept nor decline.
    before = counts(session)
    refused = post(first, f"/agreements/offers/{offer.id}/decline", {"note": " "})
    assert refused.status_code == 422
    assert 'data-testid="error-note"' in refused.get_data(as_text=True)
    assert post(second, f"/agreements/offers/{offer.id}/accept", {}).status_code == 403
    assert post(second, f"/agreements/offers/{offer.id}/decline", {"note": "x"}).status_code == 403
    assert get(second, f"/agreements/offers/{offer.id}/accept").status_code == 403
    assert counts(session) == before
    declined = post(first, f"/agreements/offers/{offer.id}/decline", {"note": "库存不足"})
    assert declined.status_code == 302
    assert 'data-status="declined"' in get(first, "/agreements/offers").get_data(as_text=True)
    session.expire_all()
    turn = session.scalars(
        select(CallOffOffer).where(
            CallOffOffer.calloff_id == calloff_id, CallOffOffer.status == "offered"
        )
    ).one()
    assert turn.supplier_id != offer.supplier_id
    accepted = post(second, f"/agreements/offers/{turn.id}/accept", {})
    assert accepted.status_code == 302
    mine = get(second, "/agreements/offers").get_data(as_text=True)
    assert 'data-testid="offer-order-link"' in mine
    page = get(fa.purchaser, calloff_url).get_data(as_text=True)
    assert 'data-status="ordered"' in page and 'data-testid="order-link"' in page
    assert page.count('data-testid="offer-row"') == 2 and "库存不足" in page
    session.expire_all()
    assert session.get(CallOff, calloff_id).status == "ordered"


def test_secondary_competition_on_the_page(floor, login, session):  # noqa: F811
    """MALL-8 二次竞价 through the pages: the form offers it where the agreement allows it; a
    window in the past comes back beside its field; placed, the call-off page links to the live
    room, where an invited entrant sees its own ceiling and a supplier not invited is told why;
    only the invited find it in their list of auctions."""
    comp = in_force(floor, login, call_off_methods=["direct", "secondary_competition"])
    method = "secondary_competition"
    before = counts(session)
    refused = place(comp, method=method, starts_at="2026-11-26T08:00")
    assert refused.status_code == 422
    assert 'data-testid="error-starts_at"' in refused.get_data(as_text=True)
    assert counts(session) == before
    done = place(comp, method=method, starts_at="2026-11-26T11:00", ends_at="2026-11-26T12:00")
    assert done.status_code == 302, done.get_data(as_text=True)
    page = get(comp.purchaser, done.location).get_data(as_text=True)
    assert 'data-status="competing"' in page
    assert "11-26 11:00" in page and "¥11,600.00" in page  # held: North's agreed total
    calloff = session.get(CallOff, int(done.location.split("?")[0].rsplit("/", 1)[1]))
    room = f"/auctions/{calloff.auction_id}"
    assert f'href="{room}"' in page
    office = get(comp.suppliers[0], room).get_data(as_text=True)
    assert 'data-testid="my-ceiling"' in office and "¥11,350.00" in office
    assert 'data-testid="why-not"' not in office
    west = get(comp.west, room).get_data(as_text=True)
    assert 'data-reason="not_invited"' in west
    link = f'href="{room}"'
    assert link in get(comp.suppliers[0], "/auctions").get_data(as_text=True)
    assert link not in get(comp.west, "/auctions").get_data(as_text=True)
    assert get(comp.hospital, done.location).status_code == 403
