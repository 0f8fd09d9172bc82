"""Joining an open framework agreement during its term (加入开放式框架协议, MALL-8): any supplier
enrolled in its categories may join at the published price — the joining price (加入价格), the
highest agreed unit price among the entrants selected at the result, never above the maximum — or
lower. The joiner becomes the last entrant, signs an accession document naming the agreement's
content hash, and takes call-offs (direct selection, rotation at the end of the order) once the
solicitor signed. Every refusal has its own code and writes nothing."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock, signatures
from core.accounts.models import OrganisationKey
from core.notifications.models import Notification
from mall.agreements.models import Agreement, AgreementAccession, AgreementEntrant
from supervision.ledger.models import LedgerEntry
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import call_off, counts, in_force

#: West was eliminated at the result (4990.00, 2000.00); it joins later.
JOINING = ["4900.00", "1950.00"]  # North's 4900.00 and the office supplier's 1950.00


@pytest.fixture
def fa(floor, login):  # noqa: F811
    return in_force(floor, login, kind="open")


def _body(fa, prices=("4850.00", "1950.00"), **over) -> dict:
    body = {
        "prices": [
            price if isinstance(price, dict) else {"item_id": item["id"], "unit_price": price}
            for item, price in zip(fa.items, prices, strict=False)
        ],
        "capacity": "每月可供货 80 台，72 小时内送达",
        "region_ids": [fa.agreement["region_id"]],
    }
    return body | over


def _join(api, fa, **over):
    return api.post(f"/api/agreements/{fa.agreement['id']}/join", json=_body(fa, **over))


def _joined_entries(session, agreement_id: int) -> list[dict]:
    session.expire_all()
    rows = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.subject_type == "agreement",
            LedgerEntry.subject_id == str(agreement_id),
            LedgerEntry.action == "agreement.joined",
        )
    )
    return [json.loads(e.payload) for e in rows]


def _rows(session) -> tuple[int, ...]:
    session.expire_all()
    return counts(session) + tuple(
        session.scalar(select(func.count()).select_from(t))
        for t in (AgreementEntrant, AgreementAccession, Notification)
    )


def test_the_joining_price_is_the_highest_selected_price(fa, floor, login):  # noqa: F811
    """MALL-8: the joining price per item is the highest agreed unit price among the entrants
    selected at the result, shown in the agreement's API output; a closed agreement has none."""
    seen = fa.west.get(f"/api/agreements/{fa.agreement['id']}").get_json()
    assert [p["unit_price"] for p in seen["joining_prices"]] == JOINING
    assert [p["item_id"] for p in seen["joining_prices"]] == [i["id"] for i in fa.items]
    assert all(
        float(p) <= float(i["max_unit_price"]) for p, i in zip(JOINING, fa.items, strict=True)
    )
    assert fa.agreement["joining_prices"] == seen["joining_prices"]


def test_a_closed_agreement_takes_no_joiner(floor, login, session):  # noqa: F811
    fa = in_force(floor, login)
    assert fa.agreement["joining_prices"] is None
    before = _rows(session)
    refused = _join(fa.west, fa)
    assert (refused.status_code, refused.get_json()["code"]) == (409, "not_open")
    assert _rows(session) == before


def test_a_supplier_joins_signs_its_accession_and_is_on_the_ledger(fa, session):
    """MALL-8: West joins at a price below the joining price: it becomes entrant rank 4 with its
    prices; its accession document names the agreement's content hash and its signature verifies;
    one ledger entry ``agreement.joined`` carries the document's hash and the signature; the
    solicitor is told; the agreement page's signatures show the accession as its signature."""
    joined = _join(fa.west, fa)
    assert joined.status_code == 201, joined.get_json()
    accession = joined.get_json()
    assert accession["rank"] == 4 and accession["status"] == "active" and accession["verified"]
    assert [p["unit_price"] for p in accession["prices"]] == ["4850.00", "1950.00"]
    document = json.loads(accession["content"])
    agreement = session.get(Agreement, fa.agreement["id"])
    assert document["agreement"]["sha256"] == agreement.sha256 == accession["agreement_sha256"]
    assert [p["joining_price"] for p in document["prices"]] == JOINING

    (entry,) = _joined_entries(session, fa.agreement["id"])
    assert entry["sha256"] == accession["sha256"]
    assert entry["signature"] == accession["signature"]
    assert entry["prices"] == {str(fa.items[0]["id"]): "4850.00", str(fa.items[1]["id"]): "1950.00"}
    key = session.get(OrganisationKey, entry["key_id"])
    assert key.organisation_id == accession["supplier_id"]
    assert signatures.verify_with_public_key(
        key.public_key, accession["content"].encode(), entry["signature"]
    )
    told = session.scalars(
        select(Notification).where(Notification.kind == "agreement.joined")
    ).all()
    assert [n.organisation_id for n in told] == [fa.agreement["solicitor_id"]]

    view = fa.purchaser.get(f"/api/agreements/{fa.agreement['id']}/signatures").get_json()
    joiner = view["parties"][-1]
    assert (joiner["organisation_id"], joiner["signed"], joiner["verified"]) == (
        accession["supplier_id"],
        True,
        True,
    )
    assert joiner["accession_id"] == accession["id"] and view["in_force"]
    # It is not asked to sign the original content.
    again = fa.west.post(f"/api/agreements/{fa.agreement['id']}/sign")
    assert (again.status_code, again.get_json()["code"]) == (409, "joined_by_accession")
    # Its agreements now list this one.
    mine = fa.west.get(f"/api/agreements?supplier_id={accession['supplier_id']}").get_json()
    assert [a["id"] for a in mine["items"]] == [fa.agreement["id"]]


def test_a_joiner_is_picked_directly_and_reached_by_rotation(fa, session):
    """MALL-8: the joiner is chosen by direct selection at its own prices, and rotation reaches it
    after the entrants selected at the result."""
    accession = _join(fa.west, fa).get_json()
    picked = call_off(fa, entrant_id=accession["entrant_id"])
    assert picked.status_code == 201, picked.get_json()
    assert [i["unit_price"] for i in picked.get_json()["items"]] == ["4850.00", "1950.00"]
    ranks = {e["id"]: e["rank"] for e in fa.entrants} | {accession["entrant_id"]: 4}
    turns = []
    for _ in range(5):
        placed = call_off(fa, method="rotation")
        assert placed.status_code == 201, placed.get_json()
        turns.append(ranks[placed.get_json()["offers"][-1]["entrant_id"]])
    assert turns == [1, 2, 3, 4, 1]


def test_a_joiner_takes_nothing_before_the_solicitor_signed(floor, login, session):  # noqa: F811
    """MALL-8: the joiner is bound once its accession verifies and the solicitor signed; a
    changed accession no longer verifies."""
    fa = in_force(floor, login, signed=False, kind="open")
    accession = _join(fa.west, fa).get_json()
    assert fa.suppliers[1].post(f"/api/agreements/{fa.agreement['id']}/sign").status_code == 200
    refused = call_off(fa, entrant_id=accession["entrant_id"])
    assert (refused.status_code, refused.get_json()["code"]) == (409, "agreement_unsigned")
    assert fa.operator.post(f"/api/agreements/{fa.agreement['id']}/sign").status_code == 200
    assert call_off(fa, entrant_id=accession["entrant_id"]).status_code == 201

    row = session.get(AgreementAccession, accession["id"])
    row.content = row.content.replace("4850.00", "4000.00")
    session.commit()
    refused = call_off(fa, entrant_id=accession["entrant_id"])
    assert (refused.status_code, refused.get_json()["code"]) == (409, "entrant_not_active")
    view = fa.operator.get(f"/api/agreements/{fa.agreement['id']}/signatures").get_json()
    assert not view["parties"][-1]["verified"]


def _refused(session, api, fa, status: int, code: str, **over) -> dict:
    before = _rows(session)
    answer = _join(api, fa, **over)
    body = answer.get_json()
    assert (answer.status_code, body.get("code")) == (status, code), body
    assert body["message"] and body["message_zh"]
    assert _rows(session) == before
    return body


def test_who_may_not_join(fa, floor, login, session):  # noqa: F811
    """MALL-8: a purchaser and the solicitor do not join; an entrant is one already; a supplier
    not enrolled in the categories, or suspended, or not serving the agreement's region, is
    refused; nothing is written."""
    _refused(session, fa.purchaser, fa, 403, "supplier_only")
    _refused(session, fa.operator, fa, 403, "supplier_only")  # the solicitor
    _refused(session, fa.suppliers[0], fa, 409, "already_entrant")
    refused = _refused(session, login("agree.idle"), fa, 403, "not_enrolled")
    assert refused["details"]["category_id"]
    outside = floor.cat.regions["1502"]
    _refused(session, fa.west, fa, 422, "region_not_served", region_ids=[outside])
    _refused(session, fa.west, fa, 422, "no_such_region", region_ids=[99_999])
    supplier_id = next(
        r["supplier_id"]
        for r in fa.operator.get(
            f"/api/agreements/solicitations/{fa.agreement['solicitation_id']}/responses"
        ).get_json()
        if r["status"] == "eliminated"
    )
    suspended = fa.operator.post(
        f"/api/catalog/suppliers/{supplier_id}/suspensions",
        json={"reason": "信用惩戒", "ends_at": (clock.now() + timedelta(days=2)).isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    _refused(session, fa.west, fa, 403, "supplier_suspended")


def test_prices_capacity_and_terminated_entrants(fa, session):
    """MALL-8: a price above the joining price, zero, missing or given twice is refused; so is an
    empty capacity; a terminated entrant cannot join again."""
    above = _refused(session, fa.west, fa, 422, "above_joining_price", prices=("4900.01", "1950"))
    assert above["details"]["prices"] == [fa.items[0]["id"]]
    assert above["details"]["joining_prices"] == {str(fa.items[0]["id"]): "4900.00"}
    _refused(session, fa.west, fa, 422, "price_invalid", prices=("0", "1950"))
    _refused(session, fa.west, fa, 422, "prices_incomplete", prices=("4800.00",))
    twice = _body(fa)["prices"][:1] * 2
    _refused(session, fa.west, fa, 422, "prices_incomplete", prices=twice)
    _refused(session, fa.west, fa, 422, "capacity_required", capacity="   ")
    entrant = session.get(AgreementEntrant, fa.entrants[2]["id"])
    entrant.status = "terminated"
    session.commit()
    body = _refused(session, fa.suppliers[2], fa, 409, "already_entrant")
    assert "terminated" in body["message"]


def test_only_in_force_and_not_ending(fa, session):
    """MALL-8: a pending change, an agreement past its term, or one ending within seven days takes
    no joiner."""
    agreement = session.get(Agreement, fa.agreement["id"])
    agreement.status = "change_pending"
    session.commit()
    _refused(session, fa.west, fa, 409, "change_pending")
    agreement.status = "active"
    session.commit()
    today = clock.local(clock.now()).date()
    agreement.term_ends = today + timedelta(days=3)
    session.commit()
    _refused(session, fa.west, fa, 409, "agreement_ending")
    agreement.term_starts, agreement.term_ends = today - timedelta(400), today - timedelta(1)
    session.commit()
    _refused(session, fa.west, fa, 409, "agreement_not_active")


def test_a_joiner_is_invited_to_a_secondary_competition(floor, login, session):  # noqa: F811
    """MALL-8 二次竞价: once bound, the joiner is invited like any active entrant, under its own
    ceiling (Σ its unit price × the quantity called off)."""
    from auction.models import Auction, AuctionInvitation

    methods = ["direct", "secondary_competition", "rotation"]
    fa = in_force(floor, login, kind="open", call_off_methods=methods)
    accession = _join(fa.west, fa).get_json()
    starts = clock.now() + timedelta(hours=1)  # the agreement's second day, 11:00 in Hohhot
    window = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}
    placed = call_off(fa, method="secondary_competition", **window)
    assert placed.status_code == 201, placed.get_json()
    auction = session.get(Auction, placed.get_json()["auction_id"])
    ceilings = {
        i.supplier_id: i.ceiling
        for i in session.scalars(
            select(AuctionInvitation).where(AuctionInvitation.auction_id == auction.id)
        )
    }
    assert len(ceilings) == 4
    assert str(ceilings[accession["supplier_id"]]) == "11650.00"  # 2 × 4850 + 1950
