"""Framework agreements, stage two (第二阶段, MALL-8): call-offs by direct selection (直接选定) and
rotation (顺序轮候). Direct selection orders at once from the entrant picked, at its agreed unit
prices (never above), for a recorded reason; rotation offers each call-off to the entrant whose turn
it is, in rank order, and a decline or a timeout passes the turn on, skipping suspended entrants.
The order and contract come from the buying path; the funds are reserved at the call-off and move
onto the order; every step is on the ledger."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core import clock
from mall.agreements.calloff_models import CallOff
from mall.agreements.models import Agreement, AgreementEntrant
from mall.budgets.models import BudgetLine
from mall.contracts.models import Contract
from mall.orders.models import Order
from tests.mall.agreements_floor import floor  # noqa: F401
from tests.mall.calloffs_floor import DAY, call_off, calloff_entries, fa  # noqa: F401


def _line(session, line_id: int) -> BudgetLine:
    session.expire_all()
    return session.get(BudgetLine, line_id)


def test_direct_selection_orders_at_the_agreed_prices(fa, session):  # noqa: F811
    """MALL-8: the purchaser picks an active entrant, for a reason; the order and its contract
    follow at once at that entrant's agreed unit prices, the funds move from the call-off to the
    order, and each step is on the ledger."""
    placed = call_off(fa)
    assert placed.status_code == 201, placed.get_json()
    calloff = placed.get_json()
    assert calloff["status"] == "ordered"
    assert calloff["number"].startswith("CO20261126")
    assert calloff["reason"] == "delivery"
    assert calloff["entrant_id"] == fa.entrants[1]["id"]
    # The IT supplier's agreed prices: 2 × 4800 + 1 × 1900.
    assert [i["unit_price"] for i in calloff["items"]] == ["4800.00", "1900.00"]
    order = session.get(Order, calloff["order_id"])
    assert (order.source, order.source_id, order.status) == (
        "agreement",
        calloff["id"],
        "confirmed",
    )
    assert order.total == Decimal("11500.00")
    assert order.supplier_id == fa.entrants[1]["supplier_id"]
    assert [(i.unit_price, i.quantity) for i in order.items] == [
        (Decimal("4800.00"), 2),
        (Decimal("1900.00"), 1),
    ]
    contract = session.scalars(select(Contract).where(Contract.order_id == order.id)).one()
    assert "框架协议采购" in contract.content
    line = _line(session, fa.line)
    assert line.reserved == Decimal("11500.00")
    steps = calloff_entries(session, calloff["id"])
    assert [e["_action"] for e in steps] == [
        "agreement.calloff_placed",
        "agreement.calloff_ordered",
    ]
    # SUP-2: the placement names the chosen entrant and its supplier (call-off concentration).
    assert (steps[0]["method"], steps[0]["entrant_id"], steps[0]["supplier_id"]) == (
        "direct",
        fa.entrants[1]["id"],
        fa.entrants[1]["supplier_id"],
    )
    # The purchaser reads it; the supplier sees the order on its side.
    assert fa.purchaser.get(f"/api/agreements/calloffs/{calloff['id']}").status_code == 200
    seen = fa.suppliers[1].get(f"/api/mall/supplier/orders/{order.id}")
    assert seen.status_code == 200, seen.get_json()


def test_direct_selection_may_go_below_but_never_above(fa, session):  # noqa: F811
    """MALL-8: call-off prices never exceed the agreement's."""
    first = fa.items[0]["id"]
    lower = call_off(fa, items=[{"item_id": first, "quantity": 1, "unit_price": "4750.00"}])
    assert lower.status_code == 201, lower.get_json()
    assert lower.get_json()["items"][0]["unit_price"] == "4750.00"
    above = call_off(fa, items=[{"item_id": first, "quantity": 1, "unit_price": "4800.01"}])
    assert above.status_code == 422
    assert above.get_json()["code"] == "above_agreed_price"


def _offer(calloff: dict) -> dict:
    return calloff["offers"][-1]


def _rotation(fa, **over) -> dict:  # noqa: F811
    placed = call_off(fa, method="rotation", **over)
    assert placed.status_code == 201, placed.get_json()
    return placed.get_json()


def _read(fa, calloff: dict) -> dict:  # noqa: F811
    return fa.purchaser.get(f"/api/agreements/calloffs/{calloff['id']}").get_json()


def test_rotation_offers_call_offs_in_rank_order(fa, session):  # noqa: F811
    """MALL-8 顺序轮候: entrants take call-offs in their ranked order, round and round; the entrant
    whose turn it is accepts and the order and contract follow at its agreed unit prices."""
    placed = [_rotation(fa) for _ in range(4)]
    ranks = {e["id"]: e["rank"] for e in fa.entrants}
    assert [ranks[_offer(c)["entrant_id"]] for c in placed] == [1, 2, 3, 1]
    assert {c["status"] for c in placed} == {"offered"}
    # Each holds the most any entrant's prices come to: North's 2 × 4900 + 1800.
    assert {c["held"] for c in placed} == {"11600.00"}
    assert _line(session, fa.line).reserved == Decimal("46400.00")

    first = fa.suppliers[0]
    mine = first.get("/api/agreements/offers?status=offered").get_json()
    assert [o["calloff"]["id"] for o in mine["items"]] == [placed[3]["id"], placed[0]["id"]]
    offer = _offer(placed[0])
    seen = first.get(f"/api/agreements/offers/{offer['id']}").get_json()
    assert seen["total"] == "11350.00"  # at its own agreed prices: 2 × 4700 + 1950
    assert "budget_line_id" not in seen["calloff"]

    accepted = first.post(f"/api/agreements/offers/{offer['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "accepted"
    order = session.get(Order, accepted.get_json()["order_id"])
    assert (order.source, order.total) == ("agreement", Decimal("11350.00"))
    assert order.supplier_id == fa.entrants[0]["supplier_id"]
    assert session.scalars(select(Contract).where(Contract.order_id == order.id)).one()
    # The call-off's hold moved onto the order; the difference went back.
    assert _line(session, fa.line).reserved == Decimal("46150.00")
    assert _read(fa, placed[0])["status"] == "ordered"
    assert [e["_action"] for e in calloff_entries(session, placed[0]["id"])] == [
        "agreement.calloff_placed",
        "agreement.calloff_offered",
        "agreement.calloff_accepted",
        "agreement.calloff_ordered",
    ]
    # Answered once only.
    again = first.post(f"/api/agreements/offers/{offer['id']}/accept")
    assert (again.status_code, again.get_json()["code"]) == (409, "offer_closed")


def test_a_decline_passes_the_turn(fa, session):  # noqa: F811
    """MALL-8: a decline (with its reason) passes the call-off to the next entrant, and the turn
    pointer moves with it: the next call-off goes to the entrant after that."""
    calloff = _rotation(fa)
    offer = _offer(calloff)
    path = f"/api/agreements/offers/{offer['id']}/decline"
    bare = fa.suppliers[0].post(path, json={})
    assert (bare.status_code, bare.get_json()["code"]) == (422, "note_required")
    done = fa.suppliers[0].post(path, json={"note": "本月产能已满"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "declined"
    now = _read(fa, calloff)
    assert [o["status"] for o in now["offers"]] == ["declined", "offered"]
    assert now["entrant_id"] == fa.entrants[1]["id"]
    following = _rotation(fa)
    assert _offer(following)["entrant_id"] == fa.entrants[2]["id"]
    steps = calloff_entries(session, calloff["id"])
    assert [e["_action"] for e in steps] == [
        "agreement.calloff_placed",
        "agreement.calloff_offered",
        "agreement.calloff_declined",
        "agreement.calloff_offered",
    ]
    assert steps[2]["note"] == "本月产能已满"


def test_a_timeout_passes_the_turn(fa, app, login, session):  # noqa: F811
    """MALL-8: an offer not answered within two working days (to the end of the second working day
    after the offer) is timed out by the periodic job and passes to the next entrant."""
    calloff = _rotation(fa)
    offer = _offer(calloff)
    # Thursday's offer: Friday and Monday are the two working days; it ends at Tuesday 00:00.
    assert offer["expires_at"].startswith("2026-11-30T16:00:00")
    runner = app.test_cli_runner()
    clock.freeze(DAY + timedelta(days=4, hours=13))  # Monday 23:00 in Hohhot
    assert "rotation offers timed out 0" in runner.invoke(args=["mall", "tick"]).output
    clock.freeze(DAY + timedelta(days=4, hours=14))  # Tuesday 00:00
    late = login("supplier.office").post(f"/api/agreements/offers/{offer['id']}/accept")
    assert (late.status_code, late.get_json()["code"]) == (409, "offer_expired")
    assert "rotation offers timed out 1" in runner.invoke(args=["mall", "tick"]).output
    now = login("purchaser").get(f"/api/agreements/calloffs/{calloff['id']}").get_json()
    assert [o["status"] for o in now["offers"]] == ["timed_out", "offered"]
    assert now["entrant_id"] == fa.entrants[1]["id"]
    assert [e["_action"] for e in calloff_entries(session, calloff["id"])][2:] == [
        "agreement.calloff_timed_out",
        "agreement.calloff_offered",
    ]


def test_suspended_entrants_are_skipped(fa, session):  # noqa: F811
    """MALL-8: a suspended or terminated entrant's turn is skipped (named on the ledger)."""
    session.get(AgreementEntrant, fa.entrants[0]["id"]).status = "suspended"
    session.get(AgreementEntrant, fa.entrants[1]["id"]).status = "terminated"
    session.commit()
    calloff = _rotation(fa)
    assert _offer(calloff)["entrant_id"] == fa.entrants[2]["id"]
    (offered,) = [
        e
        for e in calloff_entries(session, calloff["id"])
        if e["_action"] == "agreement.calloff_offered"
    ]
    assert [s["status"] for s in offered["skipped"]] == ["suspended", "terminated"]
    # Suspended entrants cannot be picked directly either, nor accept an offer made before.
    direct = call_off(fa, entrant_id=fa.entrants[0]["id"])
    assert (direct.status_code, direct.get_json()["code"]) == (409, "entrant_not_active")


def test_an_offer_made_before_a_suspension_cannot_be_accepted(fa, session):  # noqa: F811
    calloff = _rotation(fa)
    session.get(AgreementEntrant, fa.entrants[0]["id"]).status = "suspended"
    session.commit()
    answer = fa.suppliers[0].post(f"/api/agreements/offers/{_offer(calloff)['id']}/accept")
    assert (answer.status_code, answer.get_json()["code"]) == (409, "entrant_not_active")


def test_when_every_entrant_declines_the_call_off_is_unfilled(fa, session):  # noqa: F811
    """Nobody left in turn: the call-off is unfilled and its funds go back to the line."""
    calloff = _rotation(fa)
    for supplier in fa.suppliers:
        offer = _offer(_read(fa, calloff))
        done = supplier.post(f"/api/agreements/offers/{offer['id']}/decline", json={"note": "无货"})
        assert done.status_code == 200, done.get_json()
    final = _read(fa, calloff)
    assert (final["status"], final["entrant_id"], final["order_id"]) == ("unfilled", None, None)
    assert _line(session, fa.line).reserved == Decimal("0.00")
    assert calloff_entries(session, calloff["id"])[-1]["_action"] == "agreement.calloff_unfilled"
    assert session.get(Agreement, fa.agreement["id"]).rotation_rank == 3


def test_another_party_is_refused(fa, session):  # noqa: F811
    """Another purchaser's call-off, another supplier's offer: refused; suppliers read offers,
    never the purchaser's call-off record."""
    calloff = _rotation(fa)
    offer = _offer(calloff)
    path = f"/api/agreements/offers/{offer['id']}"
    for api in (fa.suppliers[1], fa.west):
        for answer in (
            api.get(path),
            api.post(path + "/accept"),
            api.post(path + "/decline", json={"note": "x"}),
        ):
            assert (answer.status_code, answer.get_json()["code"]) == (403, "other_organisation")
        assert api.get("/api/agreements/offers").get_json()["items"] == []
    other = fa.hospital.get(f"/api/agreements/calloffs/{calloff['id']}")
    assert (other.status_code, other.get_json()["code"]) == (403, "other_organisation")
    assert fa.hospital.get("/api/agreements/calloffs").get_json()["items"] == []
    assert fa.suppliers[0].get(f"/api/agreements/calloffs/{calloff['id']}").status_code == 404
    # The purchaser cannot answer its own offer; the operator and the supervisor read it.
    assert fa.purchaser.post(path + "/accept").status_code == 403
    assert fa.operator.get(f"/api/agreements/calloffs/{calloff['id']}").status_code == 200
    assert fa.supervisor.get(f"/api/agreements/calloffs/{calloff['id']}").status_code == 200
    assert session.get(CallOff, calloff["id"]).status == "offered"


def test_the_entrant_whose_turn_it_is_is_notified(fa, session):  # noqa: F811
    """MALL-8 顺序轮候: the offer reaches the entrant whose turn it is as a notification with its
    deadline, and nobody else's inbox."""
    calloff = _rotation(fa)
    offer = _offer(calloff)
    first, second = fa.suppliers[0], fa.suppliers[1]
    inbox = first.get("/api/notifications").get_json()["items"]
    mine = [n for n in inbox if n["kind"] == "agreement.calloff_offered"]
    assert len(mine) == 1
    assert mine[0]["link"] == f"/agreements/{calloff['agreement_id']}"
    assert "answer by" in mine[0]["title_en"] and "前答复" in mine[0]["title_zh"]
    assert offer["entrant_id"] == fa.entrants[0]["id"]
    others = second.get("/api/notifications").get_json()["items"]
    assert not [n for n in others if n["kind"] == "agreement.calloff_offered"]


def test_a_supplier_suspended_by_the_catalog_loses_its_turns_until_the_suspension_ends(fa, session):  # noqa: F811
    """MALL-8: a suspension of the supplier (a dispute ruling or a credit penalty suspends it in the
    catalog) suspends it in every agreement: its turns are skipped and it cannot be picked; when the
    suspension ends by itself, so does this."""
    first = fa.entrants[0]
    ends = clock.now() + timedelta(hours=2)  # within a sign-in's twelve hours
    suspended = fa.operator.post(
        f"/api/catalog/suppliers/{first['supplier_id']}/suspensions",
        json={"reason": "纠纷裁决：暂停参与政府采购", "ends_at": ends.isoformat()},
    )
    assert suspended.status_code == 201, suspended.get_json()
    calloff = _rotation(fa)
    assert _offer(calloff)["entrant_id"] == fa.entrants[1]["id"]
    (offered,) = [
        e
        for e in calloff_entries(session, calloff["id"])
        if e["_action"] == "agreement.calloff_offered"
    ]
    assert offered["skipped"] == [
        {"entrant_id": first["id"], "rank": first["rank"], "status": "suspended"}
    ]
    direct = call_off(fa, entrant_id=first["id"])
    assert (direct.status_code, direct.get_json()["code"]) == (409, "entrant_not_active")
    assert session.get(AgreementEntrant, first["id"]).status == "active"  # nothing stored

    clock.freeze(ends + timedelta(minutes=1))
    picked = call_off(fa, entrant_id=first["id"])
    assert picked.status_code == 201, picked.get_json()
