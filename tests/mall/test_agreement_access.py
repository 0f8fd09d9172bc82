"""Framework agreements (MALL-8): whose data each party reads. A draft is its solicitor's alone;
a response is its supplier's until the opening; after the result the entrants' agreed prices are
shown to the purchasers of the region served (and the solicitor, operators, supervisors), an
entrant sees its own, and nobody else. Quality priority ranks by the weighted scores given."""

from sqlalchemy import select

from core import clock
from mall.agreements.models import AgreementResponse
from tests.mall.agreements_floor import (
    DEADLINE,
    entries,
    floor,  # noqa: F401
    published,
    respond,
    solicitation_body,
)
from tests.mall.test_agreements import PRICES


def _path(solicitation: dict, step: str = "") -> str:
    return f"/api/agreements/solicitations/{solicitation['id']}{step}"


def test_another_organisations_draft_is_not_found(floor):  # noqa: F811
    """MALL-8: a draft is the solicitor's; another unit, a supplier, an operator get a 404 and
    do not find it in their lists."""
    created = floor.purchaser.post(
        "/api/agreements/solicitations",
        json=solicitation_body(floor, region_id=floor.cat.regions["150102"]),
    )
    assert created.status_code == 201
    draft = created.get_json()
    assert floor.purchaser.get(_path(draft)).status_code == 200
    for api in (floor.hospital, floor.suppliers[0], floor.operator, floor.supervisor):
        answer = api.get(_path(draft))
        assert answer.status_code == 404
        assert answer.get_json()["code"] == "not_found"
        listed = api.get("/api/agreements/solicitations").get_json()
        assert draft["id"] not in [s["id"] for s in listed["items"]]
        assert api.post(_path(draft, "/publish")).status_code == 404
    assert respond(floor.suppliers[0], draft, ["4800.00", "1900.00"]).status_code == 404
    mine = floor.purchaser.get("/api/agreements/solicitations?mine=true").get_json()
    assert [s["id"] for s in mine["items"]] == [draft["id"]]


def test_a_supervisor_of_another_region_is_refused(floor, login):  # noqa: F811
    solicitation = published(floor, region_id=floor.cat.regions["1502"])
    answer = floor.supervisor.get(_path(solicitation))  # Hohhot's supervisor, a Baotou agreement
    assert answer.status_code == 403
    assert answer.get_json()["code"] == "other_organisation"
    assert login("supervisor").get(_path(solicitation)).status_code == 200  # the region's


def test_a_published_solicitation_cannot_be_published_again(floor):  # noqa: F811
    solicitation = published(floor)
    again = floor.operator.post(_path(solicitation, "/publish"))
    assert again.status_code == 409
    assert again.get_json()["code"] == "not_draft"


def test_another_suppliers_response_is_not_found(floor, session):  # noqa: F811
    solicitation = published(floor)
    assert respond(floor.suppliers[0], solicitation, PRICES[0]).status_code == 200
    theirs = session.scalars(select(AgreementResponse.id)).one()
    assert floor.suppliers[1].get(f"/api/agreements/responses/{theirs}").status_code == 404
    mine = floor.suppliers[1].get(_path(solicitation, "/response"))
    assert mine.status_code == 404
    assert floor.suppliers[0].get(f"/api/agreements/responses/{theirs}").status_code == 200


def _concluded(floor) -> tuple[dict, dict]:  # noqa: F811
    solicitation = published(floor)
    for api, prices in zip(floor.suppliers, PRICES, strict=True):
        assert respond(api, solicitation, prices).status_code == 200
    clock.freeze(DEADLINE)
    for step in ("/open", "/evaluate", "/select"):
        assert floor.operator.post(_path(solicitation, step), json={}).status_code == 200
    result = floor.operator.post(_path(solicitation, "/result"))
    assert result.status_code == 201
    return solicitation, result.get_json()


def test_agreed_prices_are_for_the_purchasers_of_the_region_served(floor):  # noqa: F811
    """MALL-8: after the result, purchasers of the region served see every entrant's prices; a
    purchaser elsewhere sees the entrants without prices; an entrant sees its own prices only; a
    supplier eliminated sees none."""
    _, agreement = _concluded(floor)
    url = f"/api/agreements/{agreement['id']}"

    school = floor.purchaser.get(url).get_json()  # Hohhot, in the region served
    assert all(e["prices"] for e in school["entrants"])
    assert floor.supervisor.get(url).get_json()["entrants"][0]["prices"]

    baotou = floor.hospital.get(url).get_json()
    assert [e["prices"] for e in baotou["entrants"]] == [None, None, None]

    # Ranks: PRICES[1] first, then PRICES[0], then PRICES[2]; PRICES[3] was eliminated.
    entrant = floor.suppliers[0].get(url).get_json()
    shown = [e for e in entrant["entrants"] if e["prices"] is not None]
    assert len(shown) == 1 and shown[0]["rank"] == 2
    assert [p["unit_price"] for p in shown[0]["prices"]] == PRICES[0]
    out = floor.suppliers[3].get(url).get_json()
    assert [e["prices"] for e in out["entrants"]] == [None, None, None]

    listed = floor.purchaser.get("/api/agreements").get_json()
    assert [a["id"] for a in listed["items"]] == [agreement["id"]]
    assert floor.hospital.get("/api/agreements").get_json()["items"] == []


def test_quality_priority_ranks_by_the_weighted_scores(floor, session):  # noqa: F811
    """MALL-8 质量优先: the solicitor scores each response on each criterion (0–100); the weighted
    score ranks them, highest first, whatever their prices."""
    solicitation = published(
        floor,
        evaluation="quality_priority",
        criteria=[{"name": "技术", "weight": 60}, {"name": "服务", "weight": 40}],
    )
    for api, prices in zip(floor.suppliers, PRICES, strict=True):
        assert respond(api, solicitation, prices).status_code == 200
    clock.freeze(DEADLINE)
    assert floor.operator.post(_path(solicitation, "/open")).status_code == 200
    opened = floor.operator.get(_path(solicitation, "/responses")).get_json()
    by_supplier = {r["supplier_id"]: r["id"] for r in opened}
    ids = [by_supplier[s] for s in sorted(by_supplier)]
    partial = {"scores": [{"response_id": ids[0], "scores": {"技术": 90, "服务": 80}}]}
    missing = floor.operator.post(_path(solicitation, "/evaluate"), json=partial)
    assert missing.status_code == 422
    assert missing.get_json()["code"] == "scores_incomplete"
    given = [(70, 70), (95, 90), (80, 85), (60, 100)]  # 70, 93, 82, 76
    scores = {
        "scores": [
            {"response_id": rid, "scores": {"技术": t, "服务": s}}
            for rid, (t, s) in zip(ids, given, strict=True)
        ]
    }
    ranked = floor.operator.post(_path(solicitation, "/evaluate"), json=scores)
    assert ranked.status_code == 200, ranked.get_json()
    assert [(r["id"], r["score"]) for r in ranked.get_json()] == [
        (ids[1], "93.00"),
        (ids[2], "82.00"),
        (ids[3], "76.00"),
        (ids[0], "70.00"),
    ]
    (entry,) = entries(session, solicitation["id"], "agreement.evaluated")
    assert [r["score"] for r in entry["ranking"]] == ["93.00", "82.00", "76.00", "70.00"]
