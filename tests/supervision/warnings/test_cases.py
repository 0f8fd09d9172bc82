"""The case of a warning through the API (SUP-2, SUP-4, SUP-6): raised and given to a supervisor
of the subject's region; notes; an explanation asked of the party and answered on its side; closed
(销号) with a finding, a penalty executed through the credit and enrolment services; read-only
once closed; reopened; escalated to the region above when overdue. Another region's supervisor
and another party are refused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from auction import eligibility
from catalog.categories.models import Category
from catalog.enrolment.suspensions import active_suspension
from core import clock
from core.accounts.models import User
from core.db import db
from supervision.credit import restrictions
from supervision.credit.service import credit_record
from supervision.ledger.models import LedgerEntry
from supervision.warnings import engine
from supervision.warnings.models import RiskWarning
from supervision.warnings.rules import by_code
from supervision.warnings.rules.base import Evidence, Finding
from tests.catalog.conftest import enrol
from tests.supervision.warnings.conftest import MORNING


@pytest.fixture
def clock_at_morning():
    clock.freeze(MORNING)
    yield
    clock.unfreeze()


def raise_on(session, org_id, region_id, key="case-1"):
    """A warning about ``org_id`` raised through the engine (as a rule's finding)."""
    entry = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).first()
    with db.unit_of_work() as s:
        (warning,) = engine.raise_findings(
            s,
            by_code("single_bidder"),
            [
                Finding(
                    key=key,
                    subject=("organisation", org_id),
                    region_id=region_id,
                    party_org_id=org_id,
                    facts={"number": "JJ-TEST", "price": "100.00", "bidders": 1},
                    evidence=[Evidence(seq=entry.seq)],
                    trigger_seq=entry.seq,
                )
            ],
        )
        return warning.id


def user_id(session, username):
    return session.scalar(select(User.id).where(User.username == username))


def test_a_case_from_raising_to_closing_with_a_penalty(session, app, login, cat, clock_at_morning):
    """SUP-2, SUP-4: request → answer → close penalised: credit points, a suspension and a
    restriction from bidding, each visible where it acts."""
    enrol(login, "supplier", [cat.desktop], cat.regions["150105"])
    supplier_id = cat.supplier_it
    warning_id = raise_on(session, supplier_id, cat.regions["150105"])
    warning = session.get(RiskWarning, warning_id)
    # Given to the Hohhot supervisor: no supervisor in Saihan, Hohhot is the region above.
    assert warning.assignee_id == user_id(session, "supervisor.hohhot")

    hohhot = login("supervisor.hohhot")
    seen = hohhot.get(f"/api/warnings/{warning_id}")
    assert seen.status_code == 200
    assert seen.get_json()["evidence"][0]["entry"]["seq"] is not None
    noted = hohhot.post(f"/api/warnings/{warning_id}/notes", json={"text": "研判：单一报价。"})
    assert noted.status_code == 200 and noted.get_json()["status"] == "investigating"

    asked = hohhot.post(
        f"/api/warnings/{warning_id}/explanation-request",
        json={"text": "请说明报价情况。", "days": 3},
    )
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["status"] == "awaiting" and asked.get_json()["explanation_due_at"]

    supplier = login("supplier")
    mine = supplier.get("/api/warnings/requests").get_json()["items"]
    assert [w["id"] for w in mine] == [warning_id]
    # The party sees the request, not the supervisors' notes or the evidence.
    assert [s["kind"] for s in mine[0]["steps"]] == ["explanation_requested"]
    assert mine[0]["evidence"] == []
    # Another party is refused; a supervisor cannot answer for the party.
    assert login("supplier.office").get(f"/api/warnings/requests/{warning_id}").status_code == 404
    refused = login("supplier.office").post(
        f"/api/warnings/requests/{warning_id}/answer", json={"text": "不是我们"}
    )
    assert refused.status_code == 404
    answered = supplier.post(
        f"/api/warnings/requests/{warning_id}/answer", json={"text": "仅我司在线参与。"}
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    again = supplier.post(f"/api/warnings/requests/{warning_id}/answer", json={"text": "再说一次"})
    assert again.status_code == 409 and again.get_json()["code"] == "no_explanation_awaited"

    closed = hohhot.post(
        f"/api/warnings/{warning_id}/close",
        json={
            "finding": "penalised",
            "text": "串通嫌疑成立，予以处罚。",
            "penalty": {"credit_points": 5, "suspension_days": 30, "restriction_days": 60},
        },
    )
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed" and closed.get_json()["finding"] == "penalised"
    # The effects: on the credit record, a suspension, and no bidding until the end.
    record = credit_record(session, supplier_id)
    assert record["penalty_points"] == 5
    assert active_suspension(session, supplier_id) is not None
    restriction = restrictions.active(session, supplier_id)
    assert restriction is not None and restriction.warning_id == warning_id
    assert restriction.ends_at == clock.now() + timedelta(days=60)
    desktop = session.get(Category, cat.desktop)
    assert eligibility.reason(session, supplier_id, desktop, False) in (
        "supplier_suspended",
        "credit_restricted",
    )
    # Every step on the ledger.
    kinds = [
        e.action
        for e in session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.subject_type == "warning", LedgerEntry.subject_id == str(warning_id)
            )
        )
    ]
    assert kinds == [
        "warning.raised",
        "warning.assigned",
        "warning.noted",
        "warning.explanation_requested",
        "warning.answered",
        "warning.closed",
    ]
    # Closed is read-only until reopened.
    late = hohhot.post(f"/api/warnings/{warning_id}/notes", json={"text": "补充"})
    assert late.status_code == 409 and late.get_json()["code"] == "warning_closed"
    reopened = hohhot.post(f"/api/warnings/{warning_id}/reopen", json={"text": "新线索"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "investigating"


def test_a_restriction_alone_keeps_a_supplier_from_bidding(
    session, app, login, cat, clock_at_morning
):
    """SUP-4 (一处失信，处处受约): restricted → `credit_restricted` until the end, then eligible."""
    enrol(login, "supplier", [cat.desktop], cat.regions["150105"])
    desktop = session.get(Category, cat.desktop)
    assert eligibility.reason(session, cat.supplier_it, desktop, False) is None
    warning_id = raise_on(session, cat.supplier_it, cat.regions["150105"])
    closed = login("supervisor.hohhot").post(
        f"/api/warnings/{warning_id}/close",
        json={"finding": "penalised", "text": "限制竞价。", "penalty": {"restriction_days": 10}},
    )
    assert closed.status_code == 200, closed.get_json()
    assert eligibility.reason(session, cat.supplier_it, desktop, False) == "credit_restricted"
    clock.freeze(MORNING + timedelta(days=10, seconds=1))
    assert eligibility.reason(session, cat.supplier_it, desktop, False) is None


def test_bad_steps_are_refused_and_change_nothing(session, app, login, cat, clock_at_morning):
    """SUP-2: a finding that is not one, a penalty without a penalised finding, a penalty out of
    range: 422, the warning unchanged."""
    warning_id = raise_on(session, cat.supplier_it, cat.regions["150105"])
    hohhot = login("supervisor.hohhot")
    before = session.scalar(select(LedgerEntry.seq).order_by(LedgerEntry.seq.desc()))
    for body in (
        {"finding": "guilty", "text": "x"},
        {"finding": "no_violation", "text": "x", "penalty": {"credit_points": 3}},
        {"finding": "penalised", "text": "x", "penalty": {"credit_points": 500}},
        {"finding": "penalised", "text": "x"},
        {"finding": "penalised", "text": "", "penalty": {"credit_points": 3}},
    ):
        response = hohhot.post(f"/api/warnings/{warning_id}/close", json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["code"] == "validation_failed"
    session.expire_all()
    assert session.get(RiskWarning, warning_id).status == "open"
    assert session.scalar(select(LedgerEntry.seq).order_by(LedgerEntry.seq.desc())) == before


def test_another_regions_supervisor_and_other_roles_are_refused(
    session, app, login, cat, clock_at_morning
):
    """SUP-6: Hohhot's supervisor does not see a Baotou warning; a purchaser sees none; the whole
    area's supervisor sees both."""
    baotou = raise_on(session, cat.supplier_office, cat.regions["150203"], key="baotou")
    hohhot = login("supervisor.hohhot")
    assert hohhot.get(f"/api/warnings/{baotou}").status_code == 404
    assert hohhot.post(f"/api/warnings/{baotou}/notes", json={"text": "x"}).status_code == 404
    assert baotou not in [
        w["id"] for w in hohhot.get("/api/warnings?per_page=100").get_json()["items"]
    ]
    purchaser = login("purchaser")
    refused = purchaser.get("/api/warnings")
    assert refused.status_code == 403 and refused.get_json()["code"] == "supervisor_only"
    assert purchaser.get(f"/api/warnings/{baotou}").status_code == 403
    assert login("supervisor").get(f"/api/warnings/{baotou}").status_code == 200


def test_an_overdue_case_goes_to_the_region_above(session, app, login, cat, clock_at_morning):
    """SUP-2: not moved by its deadline (WARNINGS_HANDLING_DAYS working days), a case goes to the
    supervisors of the region above, on the ledger."""
    from supervision.warnings import cases

    warning_id = raise_on(session, cat.supplier_it, cat.regions["150105"])
    warning = session.get(RiskWarning, warning_id)
    assert warning.assignee_id == user_id(session, "supervisor.hohhot")
    clock.freeze(warning.due_at + timedelta(minutes=1))
    with db.unit_of_work() as s:
        moved = [w.id for w in cases.escalate_overdue(s)]
    assert moved == [warning_id]
    session.expire_all()
    warning = session.get(RiskWarning, warning_id)
    assert warning.assignee_id == user_id(session, "supervisor")
    assert warning.handling_region_id == cat.regions["15"]
    assert warning.due_at > clock.now()
    assert "escalated" in [s.kind for s in warning.steps]


def test_the_desk_counts_and_exports(session, app, login, cat, clock_at_morning):
    """SUP-6: counts by level, rule and region below; the weekly trend; CSV export."""
    raise_on(session, cat.supplier_it, cat.regions["150105"], key="a")
    raise_on(session, cat.supplier_office, cat.regions["150203"], key="b")
    desk = login("supervisor").get("/api/warnings/summary")
    assert desk.status_code == 200
    body = desk.get_json()
    assert body["total"] >= 2
    regions = {r["name_en"]: r["count"] for r in body["by_region"]}
    assert regions["Hohhot"] >= 1 and regions["Baotou"] >= 1
    assert sum(week["yellow"] for week in body["trend"]) >= 2
    hohhot = login("supervisor.hohhot").get("/api/warnings/summary").get_json()
    assert {r["name_en"] for r in hohhot["by_region"]} <= {
        "Xincheng District",
        "Saihan District",
        "Hohhot",
    }
    exported = login("supervisor").get("/api/warnings/export.csv?rule=single_bidder")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "number" and len(rows) >= 3
    assert login("purchaser").get("/api/warnings/export.csv").status_code == 403


def test_supervisors_read_the_rules(login):
    """SUP-2: every rule's text, basis and parameters, in the language asked for."""
    rules = login("supervisor").get("/api/warnings/rules", headers={"Accept-Language": "en"})
    assert rules.status_code == 200
    single = next(r for r in rules.get_json()["items"] if r["code"] == "single_bidder")
    assert single["name"] == "Single bidder" and single["params"][0]["value"] == "1"
    zh = login("supervisor").get("/api/warnings/rules", headers={"Accept-Language": "zh-CN"})
    assert (
        next(r for r in zh.get_json()["items"] if r["code"] == "single_bidder")["name"]
        == "单一竞价人"
    )


def test_only_a_supplier_can_be_suspended(session, app, login, cat, clock_at_morning):
    """SUP-2: a suspension on a purchaser's warning is refused (422), nothing changes."""
    school = session.scalar(select(User).where(User.username == "purchaser")).organisation
    warning_id = raise_on(session, school.id, school.region_id, key="school")
    refused = login("supervisor.hohhot").post(
        f"/api/warnings/{warning_id}/close",
        json={"finding": "penalised", "text": "x", "penalty": {"suspension_days": 5}},
    )
    assert refused.status_code == 422
    assert "suspension_days" in refused.get_json()["details"]
    session.expire_all()
    assert session.get(RiskWarning, warning_id).status == "open"


def test_a_finding_without_a_region_lands_on_its_partys_region(session, app_ctx, cat):
    """SUP-6: a warning is always on some supervisor's desk."""
    entry = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).first()
    with db.unit_of_work() as s:
        (warning,) = engine.raise_findings(
            s,
            by_code("single_bidder"),
            [
                Finding(
                    key="no-region",
                    subject=("organisation", cat.supplier_it),
                    region_id=None,
                    party_org_id=cat.supplier_it,
                    facts={"number": "X", "price": "1.00", "bidders": 1},
                    evidence=[Evidence(seq=entry.seq)],
                )
            ],
        )
        assert warning.region_id == cat.regions["150105"]
