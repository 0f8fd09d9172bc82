"""Organisations, users and regions: who may see and change what (X-1, SUP-6)."""

from sqlalchemy import func, select

from core.accounts.models import Organisation
from supervision.ledger.models import LedgerEntry

SCHOOL = "12150102MB0000005X"  # purchaser in Hohhot / Xincheng
HOSPITAL = "12150203MB0000006X"  # purchaser in Baotou
SUPPLIER_IT = "91150105MA0000008X"


def org_id(session, credit_code):
    return session.scalar(select(Organisation.id).where(Organisation.credit_code == credit_code))


def _entries(session, action):
    return session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.action == action)
    )


def test_a_purchaser_sees_only_its_own_organisation(login, session):
    api = login("purchaser")
    page = api.get("/api/organisations").get_json()
    assert [o["credit_code"] for o in page["items"]] == [SCHOOL]
    assert page["total"] == 1 and page["page"] == 1
    assert api.get(f"/api/organisations/{org_id(session, SCHOOL)}").status_code == 200
    refused = api.get(f"/api/organisations/{org_id(session, HOSPITAL)}")
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "forbidden"
    assert refused.get_json()["message_zh"]


def test_a_city_supervisor_sees_its_region_and_below_only(login, session):
    api = login("supervisor.hohhot")
    codes = {
        o["credit_code"] for o in api.get("/api/organisations?per_page=100").get_json()["items"]
    }
    assert SCHOOL in codes and SUPPLIER_IT in codes
    assert HOSPITAL not in codes
    assert api.get(f"/api/organisations/{org_id(session, HOSPITAL)}").status_code == 403
    top = login("supervisor")
    assert top.get(f"/api/organisations/{org_id(session, HOSPITAL)}").status_code == 200


def test_pagination_convention(login):
    api = login("operator")
    first = api.get("/api/organisations?per_page=3&page=1").get_json()
    second = api.get("/api/organisations?per_page=3&page=2").get_json()
    assert first["per_page"] == 3 and len(first["items"]) == 3
    assert first["total"] == second["total"] >= 10
    assert not {o["id"] for o in first["items"]} & {o["id"] for o in second["items"]}
    bad = api.get("/api/organisations?per_page=1000")
    assert bad.status_code == 422
    assert "per_page" in bad.get_json()["details"]


def test_operator_registers_an_organisation_with_a_key_on_the_ledger(login, session):
    api = login("operator")
    regions = api.get("/api/regions").get_json()
    baotou = next(r for r in regions if r["code"] == "1502")
    before = _entries(session, "organisation.created")
    response = api.post(
        "/api/organisations",
        json={
            "kind": "supplier",
            "name_zh": "包头市测试供应商有限公司",
            "credit_code": "91150200MA0000099X",
            "region_id": baotou["id"],
        },
    )
    assert response.status_code == 201, response.get_json()
    new_id = response.get_json()["id"]
    key = api.get(f"/api/organisations/{new_id}/public-key").get_json()
    assert len(bytes.fromhex(key["public_key"])) == 32
    assert _entries(session, "organisation.created") == before + 1


def test_bad_organisation_input_is_refused_and_writes_nothing(login, session):
    api = login("operator")
    count = session.scalar(select(func.count()).select_from(Organisation))
    bad_code = api.post(
        "/api/organisations",
        json={
            "kind": "supplier",
            "name_zh": "某公司",
            "credit_code": "12345678901234567!",
            "region_id": 1,
        },
    )
    assert bad_code.status_code == 422
    assert "credit_code" in bad_code.get_json()["details"]
    bad_kind = api.post(
        "/api/organisations",
        json={
            "kind": "pirate",
            "name_zh": "某公司",
            "credit_code": "91150200MA0000098X",
            "region_id": 1,
        },
    )
    assert bad_kind.status_code == 422 and "kind" in bad_kind.get_json()["details"]
    duplicate = api.post(
        "/api/organisations",
        json={"kind": "supplier", "name_zh": "重复", "credit_code": SUPPLIER_IT, "region_id": 1},
    )
    assert duplicate.status_code == 409
    assert duplicate.get_json()["code"] == "duplicate_credit_code"
    assert session.scalar(select(func.count()).select_from(Organisation)) == count


def test_non_operator_cannot_register_or_change_organisations(login, session):
    api = login("purchaser")
    response = api.post(
        "/api/organisations",
        json={
            "kind": "supplier",
            "name_zh": "某公司",
            "credit_code": "91150200MA0000097X",
            "region_id": 1,
        },
    )
    assert response.status_code == 403
    school = org_id(session, SCHOOL)
    assert api.patch(f"/api/organisations/{school}", json={"name_zh": "改名"}).status_code == 403


def test_org_admin_manages_own_users_only(login, session):
    admin = login("purchaser")
    school, hospital = org_id(session, SCHOOL), org_id(session, HOSPITAL)
    created = admin.post(
        f"/api/organisations/{school}/users",
        json={
            "username": "teacher.li",
            "display_name": "李老师",
            "password": "long-enough-1",
            "roles": ["purchaser"],
        },
    )
    assert created.status_code == 201, created.get_json()
    assert "password" not in created.get_json()
    assert any(
        u["username"] == "teacher.li"
        for u in admin.get(f"/api/organisations/{school}/users").get_json()
    )
    # Another organisation's users are refused, for reading and for writing.
    assert admin.get(f"/api/organisations/{hospital}/users").status_code == 403
    other = admin.post(
        f"/api/organisations/{hospital}/users",
        json={
            "username": "intruder",
            "display_name": "x",
            "password": "long-enough-1",
            "roles": ["purchaser"],
        },
    )
    assert other.status_code == 403
    hospital_admin_id = login("purchaser.hospital").get("/api/auth/me").get_json()["user"]["id"]
    assert admin.get(f"/api/users/{hospital_admin_id}").status_code == 403
    assert admin.patch(f"/api/users/{hospital_admin_id}", json={"active": False}).status_code == 403


def test_roles_must_fit_the_organisation_kind(login, session):
    admin = login("purchaser")
    response = admin.post(
        f"/api/organisations/{org_id(session, SCHOOL)}/users",
        json={
            "username": "sneaky",
            "display_name": "x",
            "password": "long-enough-1",
            "roles": ["supervisor"],
        },
    )
    assert response.status_code == 422
    assert "roles" in response.get_json()["details"]


def test_a_user_changes_own_name_but_not_own_roles(login):
    supplier = login("supplier.office")
    me = supplier.get("/api/auth/me").get_json()["user"]
    ok = supplier.patch(f"/api/users/{me['id']}", json={"display_name": "孙经理"})
    assert ok.status_code == 200 and ok.get_json()["display_name"] == "孙经理"
    # supplier.office is its org's admin, but cannot take a role its kind does not allow.
    assert supplier.patch(f"/api/users/{me['id']}", json={"roles": ["operator"]}).status_code == 422


def test_regions_form_a_tree(login):
    regions = login("purchaser").get("/api/regions").get_json()
    by_code = {r["code"]: r for r in regions}
    assert by_code["15"]["level"] == "region" and by_code["15"]["parent_id"] is None
    assert (
        by_code["1501"]["level"] == "city" and by_code["1501"]["parent_id"] == by_code["15"]["id"]
    )
    assert by_code["150102"]["level"] == "county"
    assert by_code["150102"]["path"].startswith(by_code["1501"]["path"])


def test_only_operators_add_regions_and_counties_have_no_children(login):
    regions = {r["code"]: r for r in login("operator").get("/api/regions").get_json()}
    purchaser = login("purchaser")
    body = {
        "code": "1503",
        "name_zh": "乌海市",
        "name_en": "Wuhai",
        "parent_id": regions["15"]["id"],
    }
    assert purchaser.post("/api/regions", json=body).status_code == 403
    operator = login("operator")
    assert operator.post("/api/regions", json=body).status_code == 201
    below_county = operator.post(
        "/api/regions",
        json={
            "code": "15010201",
            "name_zh": "x",
            "name_en": "x",
            "parent_id": regions["150102"]["id"],
        },
    )
    assert below_county.status_code == 422


def test_anonymous_requests_are_refused(client):
    for url in ("/api/auth/me", "/api/organisations", "/api/regions", "/api/ledger/entries"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.get_json()["code"] == "unauthenticated"
