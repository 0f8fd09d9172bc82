"""Changes to a framework agreement in force (协议变更, MALL-8), after Prozorro's agreement changes:
the solicitor's price variation (pending until it signs it; call-offs wait meanwhile), an entrant's
own price reduction (at once, never a rise), the termination of an entrant (rotation passes it by).
A price change applies only to call-offs placed after it; every step is on the ledger in the same
transaction, signed, and the entrants concerned are told."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import clock
from core.notifications.models import Notification
from mall.agreements import change_common
from mall.agreements.change_models import AgreementChange, AgreementPriceChange
from mall.agreements.models import Agreement, AgreementEntrant, EntrantPrice
from supervision.ledger.models import LedgerEntry
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import (  # noqa: F401
    DAY,
    call_off,
    calloff_entries,
    counts,
    fa,
    in_force,
)


def _path(x, tail: str = "/changes") -> str:
    return f"/api/agreements/{x.agreement['id']}{tail}"


def _vary(x, prices, api=None, rationale="市场价格下降，调整协议价格"):
    api = api or x.operator
    return api.post(_path(x), json={"rationale": rationale, "prices": prices})


def _reduce(x, api, prices, rationale="主动降价"):
    return api.post(_path(x, "/price-reductions"), json={"rationale": rationale, "prices": prices})


def _terminate(x, entrant: dict, api=None, reason="breach", rationale="多次延迟交货，严重违约"):
    api = api or x.operator
    return api.post(
        _path(x, f"/entrants/{entrant['id']}/terminate"),
        json={"reason": reason, "rationale": rationale},
    )


def _agreed(session, entrant: dict) -> list[Decimal]:
    session.expire_all()
    return [
        p.unit_price
        for p in session.scalars(
            select(EntrantPrice)
            .where(EntrantPrice.entrant_id == entrant["id"])
            .order_by(EntrantPrice.item_id)
        )
    ]


def _entries(session, x) -> list[dict]:
    session.expire_all()
    rows = session.scalars(
        select(LedgerEntry)
        .where(
            LedgerEntry.subject_type == "agreement",
            LedgerEntry.subject_id == str(x.agreement["id"]),
            LedgerEntry.action.in_(
                [
                    "agreement.change_created",
                    "agreement.change_activated",
                    "agreement.change_cancelled",
                    "agreement.prices_reduced",
                    "agreement.entrant_terminated",
                ]
            ),
        )
        .order_by(LedgerEntry.seq)
    )
    return [json.loads(e.payload) | {"_action": e.action} for e in rows]


def _told(session, kind: str) -> set[int]:
    session.expire_all()
    return set(
        session.scalars(select(Notification.organisation_id).where(Notification.kind == kind))
    )


def _later(minutes: int = 1) -> None:
    clock.freeze(clock.now() + timedelta(minutes=minutes))


def test_a_price_variation_waits_then_applies_to_later_calloffs(fa, session):  # noqa: F811
    """MALL-8: the solicitor proposes new prices (a market fall: × 0.95 on the desktops for every
    entrant); the agreement is change_pending and call-offs wait; a second change waits its turn;
    activation signs the change, the prices change and call-offs are open again."""
    desktop = fa.items[0]["id"]
    proposed = _vary(fa, [{"item_id": desktop, "factor": "0.95"}])
    assert proposed.status_code == 201, proposed.get_json()
    change = proposed.get_json()
    assert (change["kind"], change["status"], change["verified"]) == (
        "price_variation",
        "pending",
        False,
    )
    assert [p["unit_price"] for p in change["prices"]] == ["4465.00", "4560.00", "4655.00"]
    assert session.get(Agreement, fa.agreement["id"]).status == "change_pending"
    waiting = call_off(fa)
    assert (waiting.status_code, waiting.get_json()["code"]) == (409, "change_pending")
    second = _vary(fa, [{"item_id": desktop, "factor": "0.98"}])
    assert (second.status_code, second.get_json()["code"]) == (409, "change_already_pending")
    assert _told(session, "agreement.change_created") == {e["supplier_id"] for e in fa.entrants}
    # The prices stay as they are until the change is signed.
    assert _agreed(session, fa.entrants[1]) == [Decimal("4800.00"), Decimal("1900.00")]

    _later()
    done = fa.operator.post(f"/api/agreements/changes/{change['id']}/activate")
    assert done.status_code == 200, done.get_json()
    active = done.get_json()
    assert (active["status"], active["verified"]) == ("active", True)
    assert active["signature"] and active["activated_at"]
    session.expire_all()
    assert session.get(Agreement, fa.agreement["id"]).status == "active"
    assert _agreed(session, fa.entrants[1]) == [Decimal("4560.00"), Decimal("1900.00")]
    steps = _entries(session, fa)
    assert [e["_action"] for e in steps] == [
        "agreement.change_created",
        "agreement.change_activated",
    ]
    assert steps[0]["status"] == "change_pending" and steps[1]["status"] == "active"
    assert steps[1]["signature"] == active["signature"]
    assert steps[0]["sha256"] == steps[1]["sha256"] == active["sha256"]
    assert _told(session, "agreement.change_activated") == {e["supplier_id"] for e in fa.entrants}
    # Activated once only.
    again = fa.operator.post(f"/api/agreements/changes/{change['id']}/activate")
    assert (again.status_code, again.get_json()["code"]) == (409, "change_not_pending")
    # A call-off now is at the new prices.
    placed = call_off(fa)
    assert placed.status_code == 201, placed.get_json()
    assert [i["unit_price"] for i in placed.get_json()["items"]] == ["4560.00", "1900.00"]
    # The agreement's signed content is untouched.
    signed = fa.operator.get(_path(fa, "/signatures")).get_json()
    assert signed["content_intact"] and all(p["verified"] for p in signed["parties"])


def test_a_cancelled_variation_changes_nothing(fa, session):  # noqa: F811
    """MALL-8: the solicitor withdraws the pending change: the prices stay, call-offs resume."""
    proposed = _vary(
        fa,
        [
            {
                "item_id": fa.items[1]["id"],
                "entrant_id": fa.entrants[2]["id"],
                "unit_price": "1700.00",
            }
        ],
    )
    assert proposed.status_code == 201, proposed.get_json()
    change = proposed.get_json()
    done = fa.operator.post(f"/api/agreements/changes/{change['id']}/cancel")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "cancelled"
    assert session.get(Agreement, fa.agreement["id"]).status == "active"
    assert _agreed(session, fa.entrants[2]) == [Decimal("4900.00"), Decimal("1800.00")]
    assert call_off(fa).status_code == 201
    assert [e["_action"] for e in _entries(session, fa)] == [
        "agreement.change_created",
        "agreement.change_cancelled",
    ]
    assert _told(session, "agreement.change_cancelled") == {fa.entrants[2]["supplier_id"]}
    refused = fa.operator.post(f"/api/agreements/changes/{change['id']}/activate")
    assert (refused.status_code, refused.get_json()["code"]) == (409, "change_not_pending")


def test_variation_refusals_write_nothing(fa, session):  # noqa: F811
    """MALL-8: each refusal of a price variation has its code and writes nothing."""
    desktop, printer = fa.items[0]["id"], fa.items[1]["id"]
    office = fa.entrants[0]["id"]
    before = counts(session)

    def refused(status: int, code: str, prices, **over) -> None:
        answer = _vary(fa, prices, **over)
        assert (answer.status_code, answer.get_json()["code"]) == (status, code), answer.get_json()
        assert counts(session) == before

    refused(422, "rationale_required", [{"item_id": desktop, "factor": "0.95"}], rationale="  ")
    refused(422, "prices_required", [])
    refused(422, "items_not_in_agreement", [{"item_id": 999999, "factor": "0.95"}])
    refused(422, "not_an_entrant", [{"item_id": desktop, "entrant_id": 999999, "factor": "0.95"}])
    refused(422, "price_or_factor", [{"item_id": desktop}])
    refused(
        422, "price_or_factor", [{"item_id": desktop, "unit_price": "4600.00", "factor": "0.95"}]
    )
    refused(
        422,
        "duplicate_price",
        [
            {"item_id": desktop, "factor": "0.95"},
            {"item_id": desktop, "entrant_id": office, "factor": "0.97"},
        ],
    )
    # 4700 → 5000.01 is within 10 % but above the desktops' maximum of 5000.00.
    above = refused(
        422,
        "above_max_price",
        [{"item_id": desktop, "entrant_id": office, "unit_price": "5000.01"}],
    )
    assert above is None
    refused(422, "outside_price_band", [{"item_id": printer, "factor": "0.89"}])
    refused(
        422,
        "outside_price_band",
        [{"item_id": desktop, "entrant_id": office, "unit_price": "4229.99"}],
    )
    # Another organisation: purchasers (of the region served, not the solicitor), an entrant, a
    # supplier outside the agreement, the region's supervisor.
    for api in (fa.purchaser, fa.hospital, fa.suppliers[0], fa.west, fa.supervisor):
        refused(403, "solicitor_only", [{"item_id": desktop, "factor": "0.95"}], api=api)
    # Within the band and the maximum: accepted.
    ok = _vary(fa, [{"item_id": desktop, "entrant_id": office, "unit_price": "5000.00"}])
    assert ok.status_code == 201, ok.get_json()
    change = ok.get_json()["id"]
    for api in (fa.purchaser, fa.suppliers[0], fa.west):
        for step in ("activate", "cancel"):
            answer = api.post(f"/api/agreements/changes/{change}/{step}")
            assert (answer.status_code, answer.get_json()["code"]) == (403, "solicitor_only")
    missing = fa.operator.post("/api/agreements/changes/999999/activate")
    assert missing.status_code == 404


def test_variation_of_a_terminated_entrant_or_after_the_term_is_refused(fa, session, login):  # noqa: F811
    """MALL-8: a terminated entrant's prices no longer change; an agreement past its term takes no
    change."""
    assert _terminate(fa, fa.entrants[2]).status_code == 200
    named = _vary(
        fa, [{"item_id": fa.items[0]["id"], "entrant_id": fa.entrants[2]["id"], "factor": "0.95"}]
    )
    assert (named.status_code, named.get_json()["code"]) == (409, "entrant_not_active")
    # Every entrant: the terminated one is left out.
    every = _vary(fa, [{"item_id": fa.items[0]["id"], "factor": "0.95"}])
    assert every.status_code == 201
    assert [p["entrant_id"] for p in every.get_json()["prices"]] == [
        fa.entrants[0]["id"],
        fa.entrants[1]["id"],
    ]
    fa.operator.post(f"/api/agreements/changes/{every.get_json()['id']}/cancel")
    clock.freeze(DAY + timedelta(days=800))
    late = _vary(fa, [{"item_id": fa.items[0]["id"], "factor": "0.95"}], api=login("operator"))
    assert (late.status_code, late.get_json()["code"]) == (409, "agreement_not_active")


def test_calloffs_placed_before_a_change_keep_their_prices(fa, session):  # noqa: F811
    """MALL-8: price changes apply only to later call-offs. A rotation call-off offered before a
    variation and accepted after it is ordered at the prices in force when it was placed; a
    call-off placed after it at the new ones."""
    placed = call_off(fa, method="rotation")
    assert placed.status_code == 201, placed.get_json()
    offer = placed.get_json()["offers"][-1]
    assert offer["entrant_id"] == fa.entrants[0]["id"]  # the office supplier: 4700.00, 1950.00
    _later()
    proposed = _vary(fa, [{"item_id": fa.items[0]["id"], "factor": "0.95"}])
    change = proposed.get_json()["id"]
    _later()
    assert fa.operator.post(f"/api/agreements/changes/{change}/activate").status_code == 200
    # And the office supplier lowers its printers too, at once.
    _later()
    lowered = _reduce(
        fa, fa.suppliers[0], [{"item_id": fa.items[1]["id"], "unit_price": "1900.00"}]
    )
    assert lowered.status_code == 201, lowered.get_json()
    _later()
    # The offer still reads at the prices of its placing.
    seen = fa.suppliers[0].get(f"/api/agreements/offers/{offer['id']}").get_json()
    assert seen["total"] == "11350.00"
    accepted = fa.suppliers[0].post(f"/api/agreements/offers/{offer['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    calloff = fa.purchaser.get(f"/api/agreements/calloffs/{placed.get_json()['id']}").get_json()
    assert [i["unit_price"] for i in calloff["items"]] == ["4700.00", "1950.00"]
    later = call_off(fa, entrant_id=fa.entrants[0]["id"])
    assert later.status_code == 201, later.get_json()
    assert [i["unit_price"] for i in later.get_json()["items"]] == ["4465.00", "1900.00"]
    # Each replaced price is kept with the moment it was replaced.
    session.expire_all()
    kept = session.scalars(
        select(AgreementPriceChange)
        .where(AgreementPriceChange.entrant_id == fa.entrants[0]["id"])
        .order_by(AgreementPriceChange.id)
    ).all()
    assert [(k.previous, k.unit_price) for k in kept] == [
        (Decimal("4700.00"), Decimal("4465.00")),
        (Decimal("1950.00"), Decimal("1900.00")),
    ]


def test_an_entrant_lowers_its_own_prices(fa, session):  # noqa: F811
    """MALL-8: an entrant lowers its own agreed prices at once, signed with its key; never a rise;
    nobody else lowers them."""
    office = fa.suppliers[0]
    desktop, printer = fa.items[0]["id"], fa.items[1]["id"]
    before = counts(session)

    def refused(api, status: int, code: str, prices, **over) -> None:
        answer = _reduce(fa, api, prices, **over)
        assert (answer.status_code, answer.get_json()["code"]) == (status, code), answer.get_json()
        assert counts(session) == before

    refused(office, 422, "not_a_reduction", [{"item_id": desktop, "unit_price": "4700.01"}])
    refused(office, 422, "not_a_reduction", [{"item_id": desktop, "unit_price": "4700.00"}])
    refused(office, 422, "prices_required", [])
    refused(office, 422, "items_not_in_agreement", [{"item_id": 999999, "unit_price": "1.00"}])
    refused(
        office,
        422,
        "duplicate_price",
        [
            {"item_id": desktop, "unit_price": "4600.00"},
            {"item_id": desktop, "unit_price": "4500.00"},
        ],
    )
    refused(
        office,
        422,
        "rationale_required",
        [{"item_id": desktop, "unit_price": "4600.00"}],
        rationale=" ",
    )
    for api in (fa.west, fa.operator, fa.purchaser):
        refused(api, 403, "entrant_only", [{"item_id": desktop, "unit_price": "4600.00"}])

    done = _reduce(fa, office, [{"item_id": desktop, "unit_price": "4600.00"}])
    assert done.status_code == 201, done.get_json()
    change = done.get_json()
    assert (change["kind"], change["status"], change["verified"]) == (
        "price_reduction",
        "active",
        True,
    )
    assert change["organisation_id"] == fa.entrants[0]["supplier_id"]
    assert _agreed(session, fa.entrants[0]) == [Decimal("4600.00"), Decimal("1950.00")]
    assert session.get(Agreement, fa.agreement["id"]).status == "active"
    (entry,) = _entries(session, fa)
    assert entry["_action"] == "agreement.prices_reduced"
    assert (
        entry["prices"][0]["previous"] == "4700.00"
        and entry["prices"][0]["unit_price"] == "4600.00"
    )
    assert _told(session, "agreement.prices_reduced") == {fa.agreement["solicitor_id"]}
    # Printer untouched; a direct call-off is at the lower price.
    placed = call_off(fa, entrant_id=fa.entrants[0]["id"])
    assert [i["unit_price"] for i in placed.get_json()["items"]] == ["4600.00", "1950.00"]
    assert printer


def test_the_solicitor_terminates_an_entrant(fa, session):  # noqa: F811
    """MALL-8: the solicitor terminates an entrant for a reason, at once: its status is
    terminated, rotation passes it by (named on the ledger) and it cannot be chosen directly; it
    is told; only the solicitor terminates."""
    office = fa.entrants[0]
    before = counts(session)
    for api in (fa.purchaser, fa.hospital, fa.suppliers[1], fa.west):
        answer = _terminate(fa, office, api=api)
        assert (answer.status_code, answer.get_json()["code"]) == (403, "solicitor_only")
    blank = _terminate(fa, office, rationale=" ")
    assert (blank.status_code, blank.get_json()["code"]) == (422, "rationale_required")
    stranger = fa.operator.post(
        _path(fa, "/entrants/999999/terminate"), json={"reason": "other", "rationale": "x"}
    )
    assert (stranger.status_code, stranger.get_json()["code"]) == (422, "not_an_entrant")
    assert counts(session) == before

    done = _terminate(fa, office, reason="entrant_request", rationale="供应商申请退出")
    assert done.status_code == 200, done.get_json()
    change = done.get_json()
    assert (change["kind"], change["status"], change["reason"], change["verified"]) == (
        "party_withdrawal",
        "active",
        "entrant_request",
        True,
    )
    session.expire_all()
    assert session.get(AgreementEntrant, office["id"]).status == "terminated"
    (entry,) = _entries(session, fa)
    assert (entry["_action"], entry["entrant_id"], entry["reason"]) == (
        "agreement.entrant_terminated",
        office["id"],
        "entrant_request",
    )
    assert _told(session, "agreement.entrant_terminated") == {office["supplier_id"]}
    again = _terminate(fa, office)
    assert (again.status_code, again.get_json()["code"]) == (409, "already_terminated")

    rotation = call_off(fa, method="rotation")
    assert rotation.status_code == 201, rotation.get_json()
    assert rotation.get_json()["offers"][-1]["entrant_id"] == fa.entrants[1]["id"]
    (offered,) = [
        e
        for e in calloff_entries(session, rotation.get_json()["id"])
        if e["_action"] == "agreement.calloff_offered"
    ]
    assert offered["skipped"] == [{"entrant_id": office["id"], "rank": 1, "status": "terminated"}]
    direct = call_off(fa, entrant_id=office["id"])
    assert (direct.status_code, direct.get_json()["code"]) == (409, "entrant_not_active")
    lowered = _reduce(
        fa, fa.suppliers[0], [{"item_id": fa.items[0]["id"], "unit_price": "4600.00"}]
    )
    assert (lowered.status_code, lowered.get_json()["code"]) == (409, "entrant_not_active")


def test_who_reads_the_changes(fa, session):  # noqa: F811
    """MALL-8: whoever sees the agreement lists its changes; new prices only to whom sees that
    entrant's prices (an entrant its own), the signed content only to whom sees them all."""
    assert _vary(fa, [{"item_id": fa.items[0]["id"], "factor": "0.95"}]).status_code == 201
    for api in (fa.operator, fa.purchaser, fa.supervisor):
        seen = api.get(_path(fa))
        assert seen.status_code == 200, seen.get_json()
        (change,) = seen.get_json()
        assert len(change["prices"]) == 3 and change["content"]
    (own,) = fa.suppliers[1].get(_path(fa)).get_json()
    assert [p["entrant_id"] for p in own["prices"]] == [fa.entrants[1]["id"]]
    assert own["content"] is None
    (other,) = fa.west.get(_path(fa)).get_json()
    assert other["prices"] == [] and other["content"] is None and other["sha256"]


def test_a_change_and_its_ledger_entry_are_one_transaction(fa, session, monkeypatch):  # noqa: F811
    """MALL-8: when the ledger entry cannot be written, the change is not either."""

    def broken(*args, **kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(change_common, "record", broken)
    before = counts(session)
    answer = _vary(fa, [{"item_id": fa.items[0]["id"], "factor": "0.95"}])
    assert answer.status_code == 500
    answer = _terminate(fa, fa.entrants[0])
    assert answer.status_code == 500
    session.expire_all()
    assert counts(session) == before
    assert session.scalar(select(func.count()).select_from(AgreementChange)) == 0
    assert session.get(Agreement, fa.agreement["id"]).status == "active"
    assert session.get(AgreementEntrant, fa.entrants[0]["id"]).status == "active"


@pytest.mark.parametrize("body", [{"rationale": "x"}, {"prices": []}])
def test_missing_fields_are_refused_by_the_schema(fa, body):  # noqa: F811
    answer = fa.operator.post(_path(fa), json=body)
    assert answer.status_code == 422


def test_a_secondary_competition_awards_at_the_prices_of_its_placing(floor, login, session, app):  # noqa: F811
    """MALL-8: a secondary competition's ceilings are fixed when it is placed, and so are the
    agreed prices its award is derived from: an entrant lowering its prices meanwhile does not
    change the order's unit prices."""
    comp = in_force(floor, login, call_off_methods=["direct", "secondary_competition", "rotation"])
    starts = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    window = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}
    placed = call_off(comp, method="secondary_competition", **window)
    assert placed.status_code == 201, placed.get_json()
    auction_id = placed.get_json()["auction_id"]
    _later()
    office, _it, north = comp.suppliers
    lowered = _reduce(comp, office, [{"item_id": comp.items[0]["id"], "unit_price": "4600.00"}])
    assert lowered.status_code == 201, lowered.get_json()
    clock.freeze(starts + timedelta(minutes=5))
    for api, price in ((north, "11400.00"), (office, "11300.00")):
        bid = api.post(f"/api/auctions/{auction_id}/bids", json={"price": price})
        assert bid.status_code == 201, bid.get_json()
    clock.freeze(starts + timedelta(hours=1, seconds=1))
    assert "closed 1" in app.test_cli_runner().invoke(args=["auction", "tick"]).output
    done = login("purchaser").get(f"/api/agreements/calloffs/{placed.get_json()['id']}").get_json()
    # 11300 / 11350 of the prices at placing (4700.00 and 1950.00), rounded down.
    assert [i["unit_price"] for i in done["items"]] == ["4679.29", "1941.40"]
