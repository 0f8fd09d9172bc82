"""Framework agreements, stage one (框架协议采购, MALL-8): an operator or a lead purchaser
publishes a solicitation with a maximum unit price per item; enrolled suppliers respond before the
deadline, sealed — the ledger holds only each response's hash until the opening; after the deadline
the solicitor opens, evaluates (price priority), eliminates the lowest-ranked share and publishes the
result: an agreement whose entrants keep their prices for the term. Every step is on the ledger."""

import hashlib
from datetime import date, timedelta

from sqlalchemy import func, select

from core import canonical, clock
from core.notifications.models import Notification
from mall.agreements.models import AgreementResponse
from mall.agreements.solicitation import years_after
from supervision.ledger.models import LedgerEntry
from tests.mall.agreements_floor import (
    DEADLINE,
    entries,
    floor,  # noqa: F401
    published,
    respond,
    solicitation_body,
)

PRICES = [
    ["4800.00", "1900.00"],  # 200 × 4800 + 50 × 1900 = 1,055,000
    ["4700.00", "1950.00"],  # 1,037,500
    ["4900.00", "1800.00"],  # 1,070,000
    ["4990.00", "2000.00"],  # 1,098,000: last, eliminated
]


def _path(solicitation: dict, step: str = "") -> str:
    return f"/api/agreements/solicitations/{solicitation['id']}{step}"


def _four_responses(floor, solicitation: dict) -> None:  # noqa: F811
    for api, prices in zip(floor.suppliers, PRICES, strict=True):
        done = respond(api, solicitation, prices)
        assert done.status_code == 200, done.get_json()


def test_the_whole_first_stage(floor, session):  # noqa: F811
    """MALL-8: solicitation → publish → four responses → open after the deadline → price priority
    → one of four eliminated (20 %) → the result: an agreement with three entrants at their prices,
    each step on the ledger in the region served."""
    created = floor.operator.post("/api/agreements/solicitations", json=solicitation_body(floor))
    assert created.status_code == 201, created.get_json()
    draft = created.get_json()
    assert draft["status"] == "draft"
    assert draft["number"].startswith("KJ20261124")
    # Defaults: the term starts the day after the deadline and runs a year (goods); 20 %.
    assert draft["term_starts"] == "2026-11-25"
    assert draft["term_ends"] == "2027-11-24"
    assert draft["elimination_percent"] == 20
    assert [i["max_unit_price"] for i in draft["items"]] == ["5000.00", "2000.00"]

    done = floor.operator.post(_path(draft, "/publish"))
    assert done.status_code == 200, done.get_json()
    solicitation = done.get_json()
    assert solicitation["status"] == "published"
    # The enrolled suppliers are told (信息订阅, MALL-12); the one enrolled in nothing is not.
    told = session.scalars(
        select(Notification.organisation_id).where(
            Notification.kind == "agreement.solicitation_published"
        )
    ).all()
    assert len(told) == 4

    _four_responses(floor, solicitation)
    clock.freeze(DEADLINE + timedelta(minutes=1))
    opened = floor.operator.post(_path(solicitation, "/open"))
    assert opened.status_code == 200, opened.get_json()
    assert opened.get_json()["status"] == "opened"

    ranked = floor.operator.post(_path(solicitation, "/evaluate"), json={})
    assert ranked.status_code == 200, ranked.get_json()
    assert [(r["rank"], r["total"]) for r in ranked.get_json()] == [
        (1, "1037500.00"),
        (2, "1055000.00"),
        (3, "1070000.00"),
        (4, "1098000.00"),
    ]
    selected = floor.operator.post(_path(solicitation, "/select"))
    assert selected.status_code == 200, selected.get_json()
    statuses = [
        r["status"] for r in floor.operator.get(_path(solicitation, "/responses")).get_json()
    ]
    assert statuses == ["selected", "selected", "selected", "eliminated"]

    result = floor.operator.post(_path(solicitation, "/result"))
    assert result.status_code == 201, result.get_json()
    agreement = result.get_json()
    assert agreement["status"] == "active"
    assert agreement["term_starts"] == "2026-11-25"
    assert [e["rank"] for e in agreement["entrants"]] == [1, 2, 3]
    assert [e["status"] for e in agreement["entrants"]] == ["active"] * 3
    assert agreement["entrants"][0]["prices"] == [
        {"item_id": solicitation["items"][0]["id"], "unit_price": "4700.00"},
        {"item_id": solicitation["items"][1]["id"], "unit_price": "1950.00"},
    ]
    assert floor.operator.get(_path(solicitation)).get_json()["status"] == "concluded"

    steps = [e["_action"] for e in entries(session, solicitation["id"])]
    assert steps == [
        "agreement.solicitation_created",
        "agreement.solicitation_published",
        *["agreement.response_submitted"] * 4,
        "agreement.responses_opened",
        *["agreement.response_opened"] * 4,
        "agreement.evaluated",
        "agreement.entrants_selected",
        "agreement.result_published",
    ]
    assert {e["_region_id"] for e in entries(session, solicitation["id"])} == {
        floor.cat.regions["1501"]
    }
    (outcome,) = entries(session, solicitation["id"], "agreement.result_published")
    assert outcome["agreement_id"] == agreement["id"]
    assert outcome["entrants"][0]["prices"] == {
        str(solicitation["items"][0]["id"]): "4700.00",
        str(solicitation["items"][1]["id"]): "1950.00",
    }


def test_responses_are_sealed_until_the_deadline(floor, session):  # noqa: F811
    """MALL-8 sealed: before the deadline neither the solicitor, nor an operator, nor another
    supplier sees a response's prices; the ledger holds only its hash. The opening puts the content
    on the ledger, and it hashes to what was recorded at submission."""
    solicitation = published(floor)
    _four_responses(floor, solicitation)
    mine = floor.suppliers[0].get(_path(solicitation, "/response"))
    assert mine.status_code == 200
    assert [p["unit_price"] for p in mine.get_json()["prices"]] == PRICES[0]
    response_id = mine.get_json()["id"]

    for api in (floor.operator, floor.supervisor, floor.purchaser):
        sealed = api.get(_path(solicitation, "/responses"))
        assert sealed.status_code == 409
        assert sealed.get_json()["code"] == "responses_sealed"
        assert "4800" not in sealed.get_data(as_text=True)
        assert api.get(f"/api/agreements/responses/{response_id}").status_code == 404
    # Another supplier: not the response, and not the list.
    other = floor.suppliers[1]
    assert other.get(f"/api/agreements/responses/{response_id}").status_code == 404
    assert other.get(_path(solicitation, "/responses")).status_code == 409
    seen = other.get(_path(solicitation)).get_data(as_text=True)
    assert "4800" not in seen and "1900" not in seen

    submitted = entries(session, solicitation["id"], "agreement.response_submitted")
    assert len(submitted) == 4
    for entry in submitted:
        assert set(entry) - {"_action", "_region_id"} == {
            "status",
            "response_id",
            "supplier_id",
            "content_hash",
            "replaces",
        }
    everything = " ".join(
        e.payload
        for e in session.scalars(
            select(LedgerEntry).where(LedgerEntry.subject_type == "agreement_solicitation")
        )
    )
    for prices in PRICES:
        for price in prices:
            if price not in ("5000.00", "2000.00"):  # the maximum prices are announced
                assert price not in everything

    clock.freeze(DEADLINE)
    assert floor.operator.post(_path(solicitation, "/open")).status_code == 200
    opened = {
        e["response_id"]: e
        for e in entries(session, solicitation["id"], "agreement.response_opened")
    }
    hashes = {e["response_id"]: e["content_hash"] for e in submitted}
    assert set(opened) == set(hashes)
    for rid, entry in opened.items():
        digest = hashlib.sha256(canonical.dumps_bytes(entry["content"])).hexdigest()
        assert digest == hashes[rid] == entry["content_hash"]
    assert opened[response_id]["content"]["prices"] == {
        str(solicitation["items"][0]["id"]): "4800.00",
        str(solicitation["items"][1]["id"]): "1900.00",
    }
    # Opened: the solicitor reads them all; another supplier still reads only its own.
    listed = floor.operator.get(_path(solicitation, "/responses"))
    assert listed.status_code == 200 and len(listed.get_json()) == 4
    assert other.get(f"/api/agreements/responses/{response_id}").status_code == 404
    assert other.get(_path(solicitation, "/responses")).status_code == 403


def test_a_new_response_replaces_the_old_before_the_deadline(floor, session):  # noqa: F811
    """MALL-8: one response per supplier; a new one replaces it, with a new hash on the ledger."""
    solicitation = published(floor)
    first = respond(floor.suppliers[0], solicitation, ["4900.00", "1990.00"]).get_json()
    second = respond(floor.suppliers[0], solicitation, ["4800.00", "1900.00"]).get_json()
    assert second["id"] == first["id"]
    assert second["content_hash"] != first["content_hash"]
    assert [p["unit_price"] for p in second["prices"]] == ["4800.00", "1900.00"]
    count = session.scalar(
        select(func.count(AgreementResponse.id)).where(
            AgreementResponse.solicitation_id == solicitation["id"]
        )
    )
    assert count == 1
    last = entries(session, solicitation["id"], "agreement.response_submitted")[-1]
    assert last["replaces"] == first["content_hash"]
    assert last["content_hash"] == second["content_hash"]


def test_default_terms_and_the_longest_term():
    """MALL-8: a term of n years ends the day before the n-th anniversary."""
    assert years_after(date(2026, 12, 2), 1) == date(2027, 12, 1)
    assert years_after(date(2026, 12, 2), 2) == date(2028, 12, 1)
    assert years_after(date(2028, 2, 29), 4) == date(2032, 2, 28)
