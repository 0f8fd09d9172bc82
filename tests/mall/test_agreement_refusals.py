"""Framework agreements (MALL-8), what is refused: a price above the item's maximum, a term over
four years, a response after the deadline or from a supplier not enrolled, a closed agreement left
with fewer than three entrants, an opening before the deadline, the wrong actor. Each refusal is a
4xx with a machine code and messages in English and Chinese, and writes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from mall.agreements.models import AgreementResponse, Solicitation
from supervision.ledger.models import LedgerEntry
from tests.mall.agreements_floor import (
    DEADLINE,
    floor,  # noqa: F401
    published,
    respond,
    solicitation_body,
)

OK = ["4800.00", "1900.00"]


def _counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count(LedgerEntry.seq))),
        session.scalar(select(func.count(Solicitation.id))),
        session.scalar(select(func.count(AgreementResponse.id))),
    )


def _refused(session, call, status: int, code: str):  # type: ignore[no-untyped-def]
    before = _counts(session)
    answer = call()
    body = answer.get_json()
    assert answer.status_code == status, body
    assert body["code"] == code
    assert body["message"] and body["message_zh"]
    assert _counts(session) == before
    return body


def _path(solicitation: dict, step: str = "") -> str:
    return f"/api/agreements/solicitations/{solicitation['id']}{step}"


def test_a_price_above_the_maximum_is_refused(floor, session):  # noqa: F811
    """MALL-8: a unit price is never above the item's 最高限制单价."""
    solicitation = published(floor)
    body = _refused(
        session,
        lambda: respond(floor.suppliers[0], solicitation, ["5000.01", "1900.00"]),
        422,
        "above_max_price",
    )
    assert "5000.00" in body["message"] and "最高限制单价" in body["message_zh"]
    # At the maximum itself it is accepted.
    assert respond(floor.suppliers[0], solicitation, ["5000.00", "2000.00"]).status_code == 200


def test_every_item_needs_a_price(floor, session):  # noqa: F811
    solicitation = published(floor)
    body = {
        "prices": [{"item_id": solicitation["items"][0]["id"], "unit_price": "4800.00"}],
        "capacity": "100 台/月",
        "region_ids": [solicitation["region_id"]],
    }
    _refused(
        session,
        lambda: floor.suppliers[0].put(_path(solicitation, "/response"), json=body),
        422,
        "prices_incomplete",
    )


def test_a_term_over_four_years_is_refused(floor, session):  # noqa: F811
    """MALL-8: a framework agreement runs at most four years."""
    over = solicitation_body(floor, term_starts="2026-12-01", term_ends="2030-12-01")
    _refused(
        session,
        lambda: floor.operator.post("/api/agreements/solicitations", json=over),
        422,
        "term_too_long",
    )
    exactly = solicitation_body(floor, term_starts="2026-12-01", term_ends="2030-11-30")
    assert floor.operator.post("/api/agreements/solicitations", json=exactly).status_code == 201


def test_quality_priority_needs_weights_summing_to_100(floor, session):  # noqa: F811
    body = solicitation_body(
        floor,
        evaluation="quality_priority",
        criteria=[{"name": "技术", "weight": 60}, {"name": "服务", "weight": 30}],
    )
    _refused(
        session,
        lambda: floor.operator.post("/api/agreements/solicitations", json=body),
        422,
        "criteria_weights",
    )


def test_a_response_after_the_deadline_is_refused(floor, session):  # noqa: F811
    """MALL-8: responses are accepted only before the deadline."""
    solicitation = published(floor)
    clock.freeze(DEADLINE)
    _refused(session, lambda: respond(floor.suppliers[0], solicitation, OK), 409, "deadline_passed")


def test_a_supplier_not_enrolled_cannot_respond(floor, session):  # noqa: F811
    """MALL-8 with the catalog's one eligibility rule: enrolled in each item's category."""
    solicitation = published(floor)
    body = _refused(session, lambda: respond(floor.idle, solicitation, OK), 403, "not_enrolled")
    assert body["message_zh"] == "贵公司未入驻该品目。"


def test_a_closed_agreement_needs_three_entrants(floor, session):  # noqa: F811
    """MALL-8: three responders less one eliminated leave two: a closed agreement is refused."""
    solicitation = published(floor)
    for api in floor.suppliers[:3]:
        assert respond(api, solicitation, OK).status_code == 200
    clock.freeze(DEADLINE)
    assert floor.operator.post(_path(solicitation, "/open")).status_code == 200
    assert floor.operator.post(_path(solicitation, "/evaluate"), json={}).status_code == 200
    body = _refused(
        session,
        lambda: floor.operator.post(_path(solicitation, "/select")),
        409,
        "too_few_entrants",
    )
    assert body["details"] == {"responders": 3, "eliminated": 1, "least": 3}


def test_an_open_agreement_may_have_fewer_entrants(floor):  # noqa: F811
    """An open agreement (开放式) keeps whoever is left after the elimination."""
    solicitation = published(floor, kind="open")
    for api in floor.suppliers[:2]:
        assert respond(api, solicitation, OK).status_code == 200
    clock.freeze(DEADLINE)
    for step in ("/open", "/evaluate", "/select"):
        assert floor.operator.post(_path(solicitation, step), json={}).status_code == 200
    result = floor.operator.post(_path(solicitation, "/result"))
    assert result.status_code == 201
    assert len(result.get_json()["entrants"]) == 1


def test_responses_cannot_be_opened_before_the_deadline(floor, session):  # noqa: F811
    solicitation = published(floor)
    assert respond(floor.suppliers[0], solicitation, OK).status_code == 200
    clock.freeze(DEADLINE - timedelta(seconds=1))
    _refused(
        session,
        lambda: floor.operator.post(_path(solicitation, "/open")),
        409,
        "before_deadline",
    )


@pytest.mark.parametrize("who", ["supplier", "other_purchaser", "supervisor"])
def test_only_the_solicitor_opens_evaluates_and_selects(floor, session, who):  # noqa: F811
    """MALL-8: the steps after the deadline are the solicitor's; anyone else is refused."""
    solicitation = published(floor, api=floor.purchaser, region_id=floor.cat.regions["150102"])
    assert respond(floor.suppliers[0], solicitation, OK).status_code == 200
    clock.freeze(DEADLINE)
    api = {
        "supplier": floor.suppliers[0],
        "other_purchaser": floor.hospital,
        "supervisor": floor.supervisor,
    }[who]
    for step in ("/open", "/evaluate", "/select", "/result"):
        _refused(
            session, lambda s=step: api.post(_path(solicitation, s), json={}), 403, "solicitor_only"
        )


def test_suppliers_and_supervisors_do_not_solicit(floor, session):  # noqa: F811
    for api in (floor.suppliers[0], floor.supervisor):
        _refused(
            session,
            lambda a=api: a.post("/api/agreements/solicitations", json=solicitation_body(floor)),
            403,
            "solicitor_only",
        )


def test_a_lead_purchaser_solicits_for_its_own_region_only(floor, session):  # noqa: F811
    body = solicitation_body(floor, region_id=floor.cat.regions["1502"])
    _refused(
        session,
        lambda: floor.purchaser.post("/api/agreements/solicitations", json=body),
        422,
        "region_outside",
    )


def test_only_suppliers_respond(floor, session):  # noqa: F811
    solicitation = published(floor)
    _refused(session, lambda: respond(floor.purchaser, solicitation, OK), 403, "supplier_only")
