"""Organisations, users and regions: who may see and change what (X-1, SUP-6)."""

from datetime import timedelta

from sqlalchemy import func, select

from core import clock
from core.accounts.models import Organisation, PasswordReset, User
from supervision.ledger.models import LedgerEntry
from tests.conftest import sign_in

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


# ---------------------------------------------------------------- separation of duties

FINANCE_HOHHOT = "11150100MB0000002X"


INITIAL = "long-enough-1"


def _new_user(username, roles, password=INITIAL):
    body = {"username": username, "display_name": "新用户", "roles": roles}
    if password:
        body["password"] = password
    return body


def _users(session):
    return session.scalar(select(func.count()).select_from(User))


def test_operators_do_not_add_users_to_other_organisations(login, session):
    """X-1: an operator cannot put a purchaser into a purchaser unit or a supervisor into a finance
    department; the unit's own admin can."""
    operator = login("operator")
    school = org_id(session, SCHOOL)
    users, created = _users(session), _entries(session, "user.created")
    refused = operator.post(
        f"/api/organisations/{school}/users", json=_new_user("buyer.x", ["purchaser"])
    )
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "not_your_organisation"
    assert refused.get_json()["message_zh"]
    finance = org_id(session, FINANCE_HOHHOT)
    assert (
        operator.post(
            f"/api/organisations/{finance}/users", json=_new_user("auditor.x", ["supervisor"])
        ).status_code
        == 403
    )
    assert _users(session) == users and _entries(session, "user.created") == created
    admin = login("purchaser")
    ok = admin.post(f"/api/organisations/{school}/users", json=_new_user("buyer.x", ["purchaser"]))
    assert ok.status_code == 201 and ok.get_json()["setup_link"] is None
    # Operators still manage the operator organisation's own users.
    own = operator.get("/api/auth/me").get_json()["organisation"]["id"]
    staff = operator.post(f"/api/organisations/{own}/users", json=_new_user("op.two", ["operator"]))
    assert staff.status_code == 201


def test_nobody_sets_another_users_password(login, app, session):
    """X-1: neither an operator nor an organisation's admin chooses someone else's password."""
    banner = login("purchaser.banner").get("/api/auth/me").get_json()["user"]["id"]
    operator = login("operator")
    refused = operator.patch(f"/api/users/{banner}", json={"password": "chosen-by-operator"})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "password_not_yours"
    admin = login("purchaser")
    school = org_id(session, SCHOOL)
    teacher = admin.post(
        f"/api/organisations/{school}/users", json=_new_user("teacher.zhao", ["purchaser"])
    ).get_json()["id"]
    mine = admin.patch(f"/api/users/{teacher}", json={"password": "chosen-by-admin"})
    assert mine.status_code == 403 and mine.get_json()["code"] == "password_not_yours"
    signin = app.test_client().post(
        "/api/auth/signin", json={"username": "purchaser.banner", "password": "chosen-by-operator"}
    )
    assert signin.status_code == 401


def test_a_reset_link_sets_the_password_once(login, app, session):
    """X-1: the admin issues a one-time link (ledgered, stored hashed); the user sets a new password
    with it once; the second use is refused; the user's open sessions end."""
    admin = login("purchaser")
    school = org_id(session, SCHOOL)
    teacher = admin.post(
        f"/api/organisations/{school}/users", json=_new_user("teacher.sun", ["purchaser"])
    ).get_json()["id"]
    old_session = sign_in(app.test_client(), "teacher.sun", "long-enough-1")
    issued_before = _entries(session, "auth.password_reset_issued")
    issued = admin.post(f"/api/users/{teacher}/password-reset")
    assert issued.status_code == 201, issued.get_json()
    link = issued.get_json()
    assert (
        link["user_id"] == teacher and link["path"] == f"/api/auth/password-reset/{link['token']}"
    )
    assert _entries(session, "auth.password_reset_issued") == issued_before + 1
    stored = session.scalars(select(PasswordReset).where(PasswordReset.user_id == teacher)).one()
    assert stored.token_hash != link["token"] and link["token"] not in stored.token_hash

    used_before = _entries(session, "auth.password_reset_used")
    anonymous = app.test_client()
    assert anonymous.post(link["path"], json={"password": "short"}).status_code == 422
    assert anonymous.post(link["path"], json={"password": "new-password-1"}).status_code == 204
    assert _entries(session, "auth.password_reset_used") == used_before + 1
    assert old_session.get("/api/auth/me").status_code == 401
    sign_in(app.test_client(), "teacher.sun", "new-password-1")
    again = anonymous.post(link["path"], json={"password": "another-one-2"})
    assert again.status_code == 404 and again.get_json()["code"] == "reset_link_invalid"
    assert _entries(session, "auth.password_reset_used") == used_before + 1
    sign_in(app.test_client(), "teacher.sun", "new-password-1")


def test_an_expired_reset_link_is_refused(login, app, session):
    """X-1: a reset link is refused once PASSWORD_RESET_HOURS have passed."""
    admin = login("purchaser")
    school = org_id(session, SCHOOL)
    teacher = admin.post(
        f"/api/organisations/{school}/users", json=_new_user("teacher.qian", ["purchaser"])
    ).get_json()["id"]
    link = admin.post(f"/api/users/{teacher}/password-reset").get_json()
    clock.freeze(clock.now() + timedelta(hours=app.config["PASSWORD_RESET_HOURS"], seconds=1))
    try:
        late = app.test_client().post(link["path"], json={"password": "new-password-1"})
    finally:
        clock.unfreeze()
    assert late.status_code == 404 and late.get_json()["code"] == "reset_link_invalid"
    sign_in(app.test_client(), "teacher.qian", "long-enough-1")


def test_an_admin_cannot_reset_or_add_users_of_another_organisation(login, session):
    """X-1: the admin of one organisation can neither reset nor add users of another; nothing is
    written."""
    admin = login("purchaser")
    hospital = org_id(session, HOSPITAL)
    hospital_admin = login("purchaser.hospital").get("/api/auth/me").get_json()["user"]["id"]
    issued, users = _entries(session, "auth.password_reset_issued"), _users(session)
    refused = admin.post(f"/api/users/{hospital_admin}/password-reset")
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_your_organisation"
    added = admin.post(
        f"/api/organisations/{hospital}/users", json=_new_user("intruder.two", ["org_admin"])
    )
    assert added.status_code == 403
    operator = login("operator")
    assert operator.post(f"/api/users/{hospital_admin}/password-reset").status_code == 403
    assert _entries(session, "auth.password_reset_issued") == issued
    assert _users(session) == users
    assert session.scalar(select(func.count()).select_from(PasswordReset)) == 0


def test_an_operator_adds_only_the_first_admin_of_a_new_organisation(login, app, session):
    """X-1: for an organisation without an admin an operator adds one, with no password of the
    operator's choosing: the answer carries a one-time link for the new admin to set it."""
    operator = login("operator")
    regions = {r["code"]: r for r in operator.get("/api/regions").get_json()}
    org = operator.post(
        "/api/organisations",
        json={
            "kind": "supplier",
            "name_zh": "锡林郭勒测试供应商有限公司",
            "credit_code": "91152502MA0000096X",
            "region_id": regions["1525"]["id"],
        },
    ).get_json()["id"]
    with_password = operator.post(
        f"/api/organisations/{org}/users", json=_new_user("xl.admin", ["org_admin"])
    )
    assert with_password.status_code == 403
    supplier = operator.post(
        f"/api/organisations/{org}/users", json=_new_user("xl.sales", ["supplier"], None)
    )
    assert supplier.status_code == 403
    created = operator.post(
        f"/api/organisations/{org}/users", json=_new_user("xl.admin", ["org_admin"], None)
    )
    assert created.status_code == 201, created.get_json()
    link = created.get_json()["setup_link"]
    assert link["token"] and link["user_id"] == created.get_json()["id"]
    second = operator.post(
        f"/api/organisations/{org}/users", json=_new_user("xl.admin2", ["org_admin"], None)
    )
    assert second.status_code == 403
    assert (
        app.test_client().post(link["path"], json={"password": "admins-own-1"}).status_code == 204
    )
    admin = sign_in(app.test_client(), "xl.admin", "admins-own-1")
    sales = admin.post(f"/api/organisations/{org}/users", json=_new_user("xl.sales", ["supplier"]))
    assert sales.status_code == 201


def test_the_server_operator_can_let_a_locked_out_admin_back_in(app, session):
    """X-1: an organisation whose only admin forgot the password is not stuck: the command line
    (``flask users reset-link``) issues a one-time link, ledgered as issued from the command line;
    an unknown user is refused and nothing is written."""
    issued = _entries(session, "auth.password_reset_issued")
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["users", "reset-link", "nobody.here"])
    assert unknown.exit_code != 0 and "nobody.here" in unknown.output
    assert _entries(session, "auth.password_reset_issued") == issued

    result = runner.invoke(args=["users", "reset-link", "purchaser.hospital"])
    assert result.exit_code == 0, result.output
    token = result.output.split("token: ", 1)[1].split()[0]
    assert _entries(session, "auth.password_reset_issued") == issued + 1
    entry = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.action == "auth.password_reset_issued")
        .order_by(LedgerEntry.seq.desc())
    ).first()
    assert entry.actor_user_id is None and entry.actor_username == "cli"
    assert "purchaser.hospital" in entry.payload

    used = app.test_client().post(
        f"/api/auth/password-reset/{token}", json={"password": "back-in-again-1"}
    )
    assert used.status_code == 204
    sign_in(app.test_client(), "purchaser.hospital", "back-in-again-1")
