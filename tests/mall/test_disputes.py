"""纠纷化解 (MALL-9) and its credit penalties (SUP-4): opening with the payment held, response and
its deadline on the working-day calendar, evidence requests, mediation, rulings and the effects the
system carries out (refund through the gateway, re-opening, credit penalty, suspension and its
automatic end), escalation, archive, and who may see and do what."""

import io
import json
from datetime import datetime, timedelta

import pytest
import responses
from sqlalchemy import func, select

from catalog.enrolment.models import Suspension
from catalog.enrolment.service import active_suspension, record_reinstatements
from core import clock
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, User
from core.notifications.models import Notification
from mall.disputes import service as disputes
from mall.disputes.models import Dispute, DisputeFile, DisputeSubmission
from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import actions, advance, place, sign_both
from tests.mall.test_payments import GATEWAY, _paid_outside, outside  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%evidence\n"
# A Monday morning in Hohhot.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture
def frozen():
    clock.freeze(MONDAY)
    try:
        yield
    finally:
        clock.unfreeze()


def _id(session, model, **where):
    return session.scalar(select(model.id).filter_by(**where))


def _user(session, username):
    return session.scalar(select(User).where(User.username == username))


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def counts(session) -> dict:
    return {
        "disputes": _count(session, Dispute),
        "submissions": _count(session, DisputeSubmission),
        "files": _count(session, DisputeFile),
        "ledger": _count(session, LedgerEntry),
        "notifications": _count(session, Notification),
    }


def open_on(api, order_id, reason="goods_mismatch", statement="到货型号与合同不符", files=()):
    data = {"order_id": str(order_id), "reason": reason, "statement": statement}
    if files:
        data["files"] = [(io.BytesIO(body), name) for name, body in files]
    return api.post("/api/disputes", data=data, content_type="multipart/form-data")


def delivered_order(shop):
    (order,) = place(shop, (shop.desktop, 2))  # 2 × 4999.00
    advance(shop, order["id"], "delivered")
    return order


def opened(shop, login, **kw):
    order = delivered_order(shop)
    response = open_on(shop.purchaser, order["id"], files=[("photo.png", PNG)], **kw)
    assert response.status_code == 201, response.get_json()
    return order, response.get_json()


def handler_api(login, session, dispute):
    username = session.get(User, dispute["handler_id"]).username
    return login(username)


def move_on(days, session=None):
    """Move the clock on and run the deadline job once (as the scheduler does)."""
    clock.advance(timedelta(days=days))
    if session is not None:
        disputes.tick(session, SYSTEM)
        session.flush()


# ---------------------------------------------------------------- opening


def test_opening_holds_the_payment_assigns_a_handler_and_tells_the_other_party(
    shop, login, session, frozen
):
    order, dispute = opened(shop, login)
    assert dispute["status"] == "awaiting_response" and dispute["opened_by"] == "purchaser"
    assert dispute["number"].startswith("JF20261123")
    assert dispute["reason_zh"] == "货物与商品信息或合同不符"
    # Three working days from Monday: due at the end of Thursday.
    assert clock.local(datetime.fromisoformat(dispute["response_due_at"])) == datetime(
        2026, 11, 27, 0, 0, tzinfo=clock.SHANGHAI
    )
    hohhot = _id(session, Organisation, credit_code="11150100MB0000004X")
    assert dispute["office_id"] == hohhot
    assert dispute["handler_name"] in ("吴纠纷", "钱调解")
    (opening,) = [s for s in dispute["submissions"] if s["kind"] == "opening"]
    assert opening["text"] == "到货型号与合同不符"
    (evidence,) = [s for s in dispute["submissions"] if s["kind"] == "evidence"]
    assert evidence["files"][0]["name"] == "photo.png"
    assert dispute["case_file"]["order"]["payment_held"] is True
    assert actions(session, "dispute", dispute["id"]) == [
        "dispute.opened",
        "dispute.evidence_added",
    ]
    assert "order.payment_held" in actions(session, "order", order["id"])
    # The supplier is told, and sees the dispute; the handler has it in the queue.
    inbox = shop.supplier.get("/api/notifications").get_json()
    assert inbox["unread"] >= 1 and inbox["items"][0]["link"] == f"/disputes/{dispute['id']}"
    assert shop.supplier.get(f"/api/disputes/{dispute['id']}").get_json()["actions"] == [
        "respond",
        "evidence",
    ]
    handler = handler_api(login, session, dispute)
    queue = handler.get("/api/disputes?queue=true").get_json()
    assert [d["id"] for d in queue["items"]] == [dispute["id"]]
    # The evidence file comes back as it went in.
    file_id = evidence["files"][0]["id"]
    got = handler.get(f"/api/disputes/{dispute['id']}/evidence/{file_id}")
    assert got.status_code == 200 and got.data == PNG
    # Evidence is a download, never shown in the app's pages: sandboxed, type not guessed.
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"photo.png\"; filename*=UTF-8''photo.png"
    )
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"].split("; ")


def test_handlers_are_assigned_in_turn(shop, login, session, frozen):
    first = delivered_order(shop)
    second = delivered_order(shop)
    a = open_on(shop.purchaser, first["id"]).get_json()
    b = open_on(shop.purchaser, second["id"]).get_json()
    assert {a["handler_name"], b["handler_name"]} == {"吴纠纷", "钱调解"}


def test_paying_is_refused_while_a_dispute_is_open(shop, login, session, frozen):
    (order,) = place(shop, (shop.desktop, 1))
    advance(shop, order["id"], "accepted")
    sign_both(shop, order["id"])
    assert open_on(shop.supplier, order["id"], reason="payment_delay").status_code == 201
    refused = shop.purchaser.post(f"/api/mall/orders/{order['id']}/payments", json={})
    assert refused.status_code == 409 and refused.get_json()["code"] == "payment_held"
    assert "纠纷" in refused.get_json()["message_zh"]


def test_bad_openings_are_refused_and_write_nothing(shop, login, session, frozen):
    order = delivered_order(shop)
    (placed,) = place(shop, (shop.mini, 1))
    hospital = login("purchaser.hospital")
    before = counts(session)
    cases = [
        (hospital, order["id"], {}, 403, "other_organisation"),
        (shop.office, order["id"], {}, 403, "other_organisation"),
        (shop.purchaser, placed["id"], {}, 409, "bad_status"),
        (shop.purchaser, order["id"], {"reason": "bored"}, 422, None),
        (shop.purchaser, order["id"], {"statement": ""}, 422, None),
        (shop.purchaser, order["id"], {"files": [("a.exe", b"MZ\x90\x00")]}, 422, "bad_file_type"),
        (
            shop.purchaser,
            order["id"],
            {"files": [("big.pdf", PDF + b"0" * (5 * 1024 * 1024))]},
            422,
            "bad_file_size",
        ),
        (shop.purchaser, 999999, {}, 404, None),
    ]
    for api, order_id, kw, status, code in cases:
        response = open_on(api, order_id, **kw)
        assert response.status_code == status, (kw, response.get_json())
        body = response.get_json()
        assert body["message"] and body["message_zh"]
        if code:
            assert body["code"] == code
        assert counts(session) == before
    assert open_on(shop.purchaser, order["id"]).status_code == 201
    again = open_on(shop.supplier, order["id"])
    assert again.status_code == 409 and again.get_json()["code"] == "dispute_open"


# ---------------------------------------------------------------- access


def test_who_may_see_a_dispute(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    assert login("purchaser.hospital").get(url).status_code == 403
    assert login("handler.baotou").get(url).status_code == 403  # another region's office
    assert login("supervisor.hohhot").get(url).get_json()["role"] == "supervisor"
    assert login("supervisor").get(url).get_json()["role"] == "supervisor"  # the region above
    assert login("handler.region").get(url).get_json()["role"] == "office"
    assert login("banker").get(url).status_code == 403
    assert login("handler.baotou").get("/api/disputes").get_json()["total"] == 0
    assert login("supervisor.hohhot").get("/api/disputes").get_json()["total"] == 1
    assert login("purchaser.hospital").get("/api/disputes").get_json()["total"] == 0
    assert login("banker").get("/api/disputes").status_code == 403
    # Only the assigned handler rules; nothing is written by the others' attempts.
    other = "handler" if dispute["handler_name"] == "钱调解" else "handler2"
    apis = [login(name) for name in ("handler.baotou", "supervisor.hohhot", other)]
    before = counts(session)
    ruling = {"outcome": "upheld", "reasons": "理由"}
    for api in [*apis, shop.purchaser]:
        assert api.post(f"{url}/ruling", json=ruling).status_code == 403
    assert counts(session) == before


# ---------------------------------------------------------------- response and deadlines


def test_a_response_in_time_puts_the_case_in_the_handlers_hands(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    handler = handler_api(login, session, dispute)
    early = handler.post(f"{url}/ruling", json={"outcome": "upheld", "reasons": "x"})
    assert early.status_code == 409 and early.get_json()["code"] == "bad_status"
    answered = shop.supplier.post(
        f"{url}/response",
        data={"statement": "发货型号正确，见签收单", "files": [(io.BytesIO(PDF), "签收单.pdf")]},
        content_type="multipart/form-data",
    )
    assert answered.status_code == 200, answered.get_json()
    body = answered.get_json()
    assert body["status"] == "under_review" and body["respondent_defaulted"] is False
    assert body["awaiting"] == "handler"
    assert actions(session, "dispute", dispute["id"])[-1] == "dispute.responded"
    again = shop.supplier.post(
        f"{url}/response", data={"statement": "再次答辩"}, content_type="multipart/form-data"
    )
    assert again.status_code == 409


def test_no_response_in_time_lets_the_handler_rule_on_the_record(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    move_on(3, session)  # Thursday: still in time
    assert session.get(Dispute, dispute["id"]).status == "awaiting_response"
    move_on(1, session)  # Friday: the deadline passed at Thursday midnight
    session.expire_all()
    row = session.get(Dispute, dispute["id"])
    assert row.status == "under_review" and row.respondent_defaulted
    assert actions(session, "dispute", dispute["id"])[-1] == "dispute.response_missed"
    late = login("supplier").post(
        f"{url}/response", data={"statement": "迟到的答辩"}, content_type="multipart/form-data"
    )
    assert late.status_code == 409
    ruled = handler_api(login, session, dispute).post(
        f"{url}/ruling",
        json={"outcome": "upheld", "reasons": "被申请人逾期未答辩，依现有证据支持申请。"},
    )
    assert ruled.status_code == 200, ruled.get_json()
    assert ruled.get_json()["status"] == "archived"


def test_evidence_requests_and_their_deadline(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "已按合同发货"})
    handler = handler_api(login, session, dispute)
    bad = handler.post(f"{url}/evidence-requests", json={"party": "bank", "note": "x"})
    assert bad.status_code == 422
    asked = handler.post(
        f"{url}/evidence-requests", json={"party": "supplier", "note": "请提供出库单", "days": 2}
    )
    assert asked.status_code == 200 and asked.get_json()["status"] == "awaiting_evidence"
    assert asked.get_json()["evidence_from"] == "supplier"
    given = shop.supplier.post(
        f"{url}/evidence",
        data={"note": "出库单", "files": [(io.BytesIO(PDF), "出库单.pdf")]},
        content_type="multipart/form-data",
    )
    assert given.status_code == 200 and given.get_json()["status"] == "under_review"
    # Asked again, not answered: back to the handler when the deadline passes.
    handler.post(f"{url}/evidence-requests", json={"party": "purchaser", "note": "请提供照片"})
    move_on(7, session)
    session.expire_all()
    assert session.get(Dispute, dispute["id"]).status == "under_review"
    assert actions(session, "dispute", dispute["id"])[-1] == "dispute.evidence_missed"


def test_an_overdue_handler_is_escalated_and_the_office_reassigns(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "已按合同发货"})
    move_on(16, session)  # past the end of the tenth working day (Monday 7 December)
    session.expire_all()
    row = session.get(Dispute, dispute["id"])
    assert row.escalated_at is not None
    assert actions(session, "dispute", dispute["id"])[-1] == "dispute.escalated"
    admin = login("dispute.admin")
    inbox = admin.get("/api/notifications").get_json()
    assert any(n["kind"] == "dispute.escalated" for n in inbox["items"])
    # Escalated cases come first in the handler's queue.
    handler = handler_api(login, session, dispute)
    assert handler.get("/api/disputes?queue=true").get_json()["items"][0]["id"] == dispute["id"]
    other = _user(session, "handler2" if dispute["handler_name"] == "吴纠纷" else "handler")
    assert handler.post(f"{url}/reassign", json={"handler_id": other.id}).status_code == 403
    bad = admin.post(f"{url}/reassign", json={"handler_id": _user(session, "handler.baotou").id})
    assert bad.status_code == 422
    moved = admin.post(f"{url}/reassign", json={"handler_id": other.id})
    assert moved.status_code == 200 and moved.get_json()["handler_id"] == other.id
    assert moved.get_json()["escalated_at"] is None


# ---------------------------------------------------------------- mediation


def test_mediation_accepted_by_both_settles_and_refunds(shop, login, session, frozen):
    (order,) = place(shop, (shop.desktop, 2))
    advance(shop, order["id"], "paid")
    created = open_on(shop.purchaser, order["id"], reason="goods_mismatch")
    dispute = created.get_json()
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "同意协商"})
    handler = handler_api(login, session, dispute)
    too_much = handler.post(f"{url}/proposals", json={"terms": "退款", "refund_amount": "99999.00"})
    assert too_much.status_code == 422 and too_much.get_json()["code"] == "bad_refund_amount"
    proposed = handler.post(
        f"{url}/proposals",
        json={"terms": "供应商退还差价 500 元，双方不再追究", "refund_amount": "500.00"},
    )
    assert proposed.status_code == 200 and proposed.get_json()["status"] == "mediation"
    declined = shop.supplier.post(f"{url}/proposal-answer", json={"accept": False})
    assert declined.status_code == 422  # a refusal needs its reason
    assert shop.purchaser.post(f"{url}/proposal-answer", json={"accept": True}).status_code == 200
    done = shop.supplier.post(f"{url}/proposal-answer", json={"accept": True})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["outcome"] == "settled" and body["status"] == "archived"
    (effect,) = body["effects"]
    assert effect["kind"] == "refund" and effect["status"] == "done"
    (payment,) = body["case_file"]["payments"]
    assert payment["refunded"] == "500.00"
    assert body["case_file"]["order"]["payment_held"] is False
    trail = actions(session, "dispute", dispute["id"])
    assert trail[-4:] == [
        "dispute.settled",
        "dispute.effect",
        "dispute.effect_settled",
        "dispute.archived",
    ]


def test_a_declined_proposal_goes_back_to_the_handler(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "不同意"})
    handler = handler_api(login, session, dispute)
    handler.post(f"{url}/proposals", json={"terms": "换货", "reopen": True})
    declined = shop.supplier.post(
        f"{url}/proposal-answer", json={"accept": False, "reason": "型号无误，不同意换货"}
    )
    assert declined.status_code == 200 and declined.get_json()["status"] == "under_review"
    assert declined.get_json()["proposals"][0]["status"] == "declined"


def test_an_unanswered_proposal_lapses_back_to_the_handler(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "可以协商"})
    handler_api(login, session, dispute).post(f"{url}/proposals", json={"terms": "换货"})
    shop.purchaser.post(f"{url}/proposal-answer", json={"accept": True})
    move_on(2, session)  # Wednesday: still in time
    session.expire_all()
    assert session.get(Dispute, dispute["id"]).status == "mediation"
    move_on(2, session)  # Friday: three working days have ended
    session.expire_all()
    row = session.get(Dispute, dispute["id"])
    assert row.status == "under_review" and row.proposals[0].status == "lapsed"
    assert actions(session, "dispute", dispute["id"])[-1] == "dispute.mediation_lapsed"
    late = login("supplier").post(f"{url}/proposal-answer", json={"accept": True})
    assert late.status_code == 409


# ---------------------------------------------------------------- rulings and effects


def test_an_upheld_ruling_refunds_through_the_gateway_penalises_and_suspends(
    shop,
    login,
    session,
    app,
    outside,  # noqa: F811
):
    order = _paid_outside(shop, app, outside)
    created = open_on(shop.purchaser, order["id"], reason="goods_mismatch")
    assert created.status_code == 201, created.get_json()
    dispute = created.get_json()
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "货物无误"})
    handler = handler_api(login, session, dispute)
    outside.add(
        responses.POST,
        f"{GATEWAY}/v1/refunds",
        json={"id": "re_ext_009", "object": "refund", "status": "succeeded", "amount": 299900},
    )
    ruling = {
        "outcome": "upheld",
        "reasons": "经核查，到货型号与合同约定不符，申请成立。",
        "refund_amount": "2999.00",
        "penalty_points": 5,
        "suspension_days": 30,
    }
    wrong = handler.post(f"{url}/ruling", json={**ruling, "outcome": "rejected_no_violation"})
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "bad_effects"
    ruled = handler.post(f"{url}/ruling", json=ruling)
    assert ruled.status_code == 200, ruled.get_json()
    body = ruled.get_json()
    assert body["status"] == "archived" and body["outcome"] == "upheld"
    assert {e["kind"]: e["status"] for e in body["effects"]} == {
        "refund": "done",
        "credit_penalty": "done",
        "suspension": "done",
    }
    sent = json.loads(outside.calls[-1].request.body)
    assert sent["amount"] == 299900 and sent["payment"] == "pay_ext_001"
    payments = shop.purchaser.get(f"/api/mall/orders/{order['id']}/payments").get_json()
    assert payments["items"][0]["refunded"] == "2999.00"
    # Each effect is ledgered with the dispute it comes from.
    session.expire_all()
    linked = session.scalars(
        select(LedgerEntry.action).where(
            LedgerEntry.payload.contains(f'"dispute_id":{dispute["id"]}')
        )
    ).all()
    assert {"payment.refund_requested", "credit.penalty", "supplier.suspended"} <= set(linked)
    supplier_id = dispute["supplier_id"]
    credit = shop.purchaser.get(f"/api/credit/organisations/{supplier_id}").get_json()
    assert credit["penalty_points"] == 5 and credit["penalties"][0]["dispute_id"] == dispute["id"]
    # The suspension keeps the supplier from listing, and ends by itself.
    assert active_suspension(session, supplier_id) is not None
    clock.freeze(clock.now() + timedelta(days=31))
    try:
        assert active_suspension(session, supplier_id) is None
        (ended,) = record_reinstatements(session, SYSTEM)
        assert ended.supplier_id == supplier_id and isinstance(ended, Suspension)
    finally:
        clock.unfreeze()
    # Archived: read-only.
    supplier = login("supplier")
    before = counts(session)
    for path, data in (("evidence", {"note": "补充"}), ("response", {"statement": "迟到的答辩"})):
        late = supplier.post(f"{url}/{path}", data=data, content_type="multipart/form-data")
        assert late.status_code == 409 and late.get_json()["code"] == "archived"
    assert counts(session) == before


def test_a_ruling_can_reopen_the_order_for_a_replacement(shop, login, session, frozen):
    order, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "同意换货"})
    handler = handler_api(login, session, dispute)
    refund_unpaid = handler.post(
        f"{url}/ruling", json={"outcome": "upheld", "reasons": "x", "refund_amount": "10.00"}
    )
    assert refund_unpaid.status_code == 422  # nothing was paid yet
    ruled = handler.post(
        f"{url}/ruling", json={"outcome": "upheld", "reasons": "型号不符，重新供货", "reopen": True}
    )
    assert ruled.status_code == 200 and ruled.get_json()["status"] == "archived"
    after = shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()
    assert after["status"] == "confirmed" and after["shipped_at"] is None
    assert actions(session, "order", order["id"])[-2:] == [
        "order.reopened",
        "order.payment_released",
    ]
    # The supplier ships the replacement.
    assert advance(shop, order["id"], "delivered")["status"] == "delivered"


def test_a_rejected_dispute_penalises_the_applicant(shop, login, session, frozen):
    _, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    shop.supplier.post(f"{url}/response", data={"statement": "货物无误"})
    handler = handler_api(login, session, dispute)
    suspend_purchaser = handler.post(
        f"{url}/ruling",
        json={"outcome": "rejected_insufficient_evidence", "reasons": "x", "suspension_days": 5},
    )
    assert suspend_purchaser.status_code == 422
    ruled = handler.post(
        f"{url}/ruling",
        json={
            "outcome": "rejected_insufficient_evidence",
            "reasons": "申请人未能提供型号不符的证据。",
            "penalty_points": 2,
        },
    )
    assert ruled.status_code == 200
    (effect,) = ruled.get_json()["effects"]
    assert effect["target_org_id"] == dispute["purchaser_id"]
    credit = shop.supplier.get(f"/api/credit/organisations/{dispute['purchaser_id']}").get_json()
    assert credit["penalty_points"] == 2


def test_the_applicant_may_withdraw(shop, login, session, frozen):
    order, dispute = opened(shop, login)
    url = f"/api/disputes/{dispute['id']}"
    assert shop.supplier.post(f"{url}/withdraw", json={"reason": "x"}).status_code == 403
    done = shop.purchaser.post(f"{url}/withdraw", json={"reason": "已与供应商协商解决"})
    assert done.status_code == 200
    assert done.get_json()["status"] == "archived" and done.get_json()["outcome"] == "withdrawn"
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").status_code == 200
    assert open_on(shop.purchaser, order["id"]).status_code == 201  # a new dispute may follow


def test_the_server_clock_job_runs_dispute_deadlines(shop, login, session, app, frozen):
    """``flask mall tick`` (and the server's clock) act on a missed response."""
    _, dispute = opened(shop, login)
    clock.advance(timedelta(days=5))
    output = app.test_cli_runner().invoke(args=["mall", "tick"]).output
    assert "response_missed 1" in output
    session.expire_all()
    assert session.get(Dispute, dispute["id"]).respondent_defaulted


# ---------------------------------------------------------------- pages


def test_the_desk_pages_render_for_each_part_and_refuse_others(shop, login, session, frozen):
    order, dispute = opened(shop, login)
    handler = handler_api(login, session, dispute)
    page = f"/disputes/{dispute['id']}"
    for api, marker in (
        (shop.purchaser, 'data-role="purchaser"'),
        (shop.supplier, 'data-role="supplier"'),
        (handler, 'data-role="handler"'),
        (login("supervisor.hohhot"), 'data-role="supervisor"'),
    ):
        html = api.get(page).get_data(as_text=True)
        assert marker in html and dispute["number"] in html
    assert 'data-testid="respond-form"' in shop.supplier.get(page).get_data(as_text=True)
    assert 'data-testid="respond-form"' not in shop.purchaser.get(page).get_data(as_text=True)
    assert login("purchaser.hospital").get(page).status_code == 403
    queue = handler.get("/disputes").get_data(as_text=True)
    assert f'data-id="{dispute["id"]}"' in queue
    assert 'data-testid="open-form"' not in shop.purchaser.get(
        f"/disputes/new?order={order['id']}"
    ).get_data(as_text=True)  # one is open already
    assert login("purchaser.hospital").get(f"/disputes/new?order={order['id']}").status_code == 403
    inbox = shop.supplier.get("/notifications").get_data(as_text=True)
    assert f"/disputes/{dispute['id']}" in inbox
