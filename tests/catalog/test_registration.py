"""Supplier self-registration (MALL-6, 一地登记、全区通用): an anonymous visitor registers a supplier
with its business licence; its admin is signed in at once; the enrolment application waits for an
operator, and until then the supplier neither lists nor bids."""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from catalog.categories import service as categories
from catalog.enrolment import registration
from catalog.enrolment.models import EnrolmentApplication
from catalog.enrolment.registration import (
    CHARSET,
    SupplierRegistration,
    check_character,
    credit_code_problem,
)
from core import limits
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, Region, User
from core.db import db
from core.errors import Conflict
from supervision.ledger.models import LedgerEntry
from tests import dbutil
from tests.auction.conftest import floor, open_now, published  # noqa: F401
from tests.catalog.conftest import desktop_body
from tests.mall.test_races import _race

URL = "/api/suppliers/registrations"
CSRF = "registration-test-csrf-token"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

#: Codes published by real enterprises (their licences are public record).
REAL_CODES = ("914403001922038216", "91330100716105852F", "91440300708461136T")


def code_for(first17: str) -> str:
    return first17 + check_character(first17)


#: A valid code for each test registration (the demo organisations' codes carry no valid check).
CODE = code_for("91150105MA1234567")
OTHER_CODE = code_for("92150203MA7654321")


def form(cat, **over) -> dict:
    body = {
        "name_zh": "呼和浩特市青城办公设备有限公司",
        "name_en": "Qingcheng Office Equipment Co., Ltd.",
        "credit_code": CODE,
        "enterprise_size": "small",
        "region_id": str(cat.regions["150105"]),
        "category_ids": [str(cat.desktop), str(cat.printer)],
        "contact_name": "王经理",
        "contact_phone": "0471-6601234",
        "contact_email": "wang@qingcheng.example",
        "username": "qingcheng.admin",
        "password": "Qingcheng-2026!",
        "licence": (io.BytesIO(PDF), "营业执照.pdf"),
    }
    for key, value in over.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def post(client, body: dict, csrf: str | None = CSRF):
    if csrf is not None:
        client.set_cookie("mall_csrf", CSRF)
        body = body | {"csrf_token": csrf}
    return client.post(URL, data=body, content_type="multipart/form-data")


def counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, User, SupplierRegistration, EnrolmentApplication, LedgerEntry)
    )


def stored_files(app) -> set[str]:
    folder = Path(app.config["INSTANCE_PATH"]) / "uploads" / "licences"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# ---------------------------------------------------------------- the check character


def test_real_codes_pass_and_the_demo_codes_do_not():
    """GB 32100-2015: the check character of published codes; the demo data's are made up."""
    for code in REAL_CODES:
        assert credit_code_problem(code) is None, code
    zh, en = credit_code_problem("91150105MA0000008X")
    assert zh == "校验位应为 8，填写的是 X"
    assert en == "The check character should be 8, not X"


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()))
@settings(max_examples=300, deadline=None)
def test_a_code_with_its_check_character_passes(first17: str):
    """MALL-6: any code built with the right check character is accepted."""
    assert credit_code_problem(code_for(first17)) is None


@given(
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(CHARSET + "IOZSV" + "a-"),
)
@settings(max_examples=500, deadline=None)
def test_any_single_character_change_fails(first17: str, position: int, new: str):
    """MALL-6: changing any one character of a valid code makes it invalid."""
    code = code_for(first17)
    if code[position] == new:
        return
    changed = code[:position] + new + code[position + 1 :]
    assert credit_code_problem(changed) is not None, (code, changed)


# ---------------------------------------------------------------- registering


def test_register_signs_in_and_waits_for_the_operator(app, client, login, cat, session):
    """MALL-6: the supplier exists at once, its admin is signed in, the application is pending in
    the operators' queue, and the ledger has the registration with the licence's hash."""
    response = post(client, form(cat, credit_code=CODE.lower()))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["organisation"]["kind"] == "supplier"
    assert body["organisation"]["credit_code"] == CODE  # lower case normalised
    assert body["application"]["status"] == "pending"
    assert sorted(body["application"]["category_ids"]) == sorted([cat.desktop, cat.printer])
    assert sorted(body["user"]["roles"]) == ["org_admin", "supplier"]
    digest = body["licence_sha256"]
    assert len(digest) == 64
    assert "mall_session" in response.headers.get("Set-Cookie", "")

    me = client.get("/api/auth/me").get_json()
    assert me["user"]["username"] == "qingcheng.admin"
    assert me["organisation"]["id"] == body["organisation"]["id"]
    # The session's CSRF token works for the next write.
    out = client.post("/api/auth/signout", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.status_code == 204

    queue = login("operator").get("/api/catalog/enrolments?status=pending").get_json()
    assert body["application"]["id"] in [a["id"] for a in queue["items"]]

    org_id = body["organisation"]["id"]
    entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    actions = [e.action for e in entries]
    assert {"org.registered", "user.created", "enrolment.applied", "auth.signin"} <= set(actions)
    registered = next(e for e in entries if e.action == "org.registered")
    assert registered.subject_id == str(org_id)
    payload = json.loads(registered.payload)
    assert payload["licence"]["sha256"] == digest
    assert payload["credit_code"] == CODE
    assert "%PDF" not in registered.payload
    # All in the one transaction of the request: consecutive entries.
    seqs = [e.seq for e in entries if e.action in ("org.registered", "enrolment.applied")]
    assert seqs[1] - seqs[0] <= 3

    row = session.scalars(
        select(SupplierRegistration).where(SupplierRegistration.organisation_id == org_id)
    ).one()
    assert row.licence_sha256 == digest and row.licence_content_type == "application/pdf"
    assert f"{digest}.pdf" in stored_files(app)


def test_wrong_check_character_names_the_field_and_both_characters(client, cat, session):
    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    response = post(client, form(cat, credit_code=wrong))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed"
    assert body["message"] and body["message_zh"]
    (message,) = body["details"]["credit_code"]
    assert f"校验位应为 {CODE[17]}，填写的是 {wrong[17]}" in message
    assert f"The check character should be {CODE[17]}, not {wrong[17]}" in message


def test_letters_outside_the_set_are_refused_by_position(client, cat):
    for letter in "IOZSV":
        code = CODE[:9] + letter + CODE[10:]
        response = post(client, form(cat, credit_code=code))
        assert response.status_code == 422
        (message,) = response.get_json()["details"]["credit_code"]
        assert "第 10 位" in message and "Position 10" in message and letter in message


def test_a_registered_code_or_username_is_a_conflict(app, cat, session):
    first = post(app.test_client(), form(cat))
    assert first.status_code == 201, first.get_json()
    again = post(app.test_client(), form(cat, username="another.admin"))
    assert again.status_code == 409 and again.get_json()["code"] == "duplicate_credit_code"
    taken = post(app.test_client(), form(cat, credit_code=OTHER_CODE))
    assert taken.status_code == 409 and taken.get_json()["code"] == "duplicate_username"


def test_bad_bodies_write_nothing(app, cat, session):
    """Bad input: 4xx with a code and both messages; no organisation, user, application, ledger
    entry or file."""
    before, files = counts(session), stored_files(app)
    text = (io.BytesIO(b"<html>not a licence</html>"), "licence.pdf")
    big = (io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "big.pdf")
    bad = {
        "no licence": form(cat, licence=None),
        "not a pdf": form(cat, licence=text),
        "too big": form(cat, licence=big),
        "check character": form(cat, credit_code=CODE[:17] + ("Y" if CODE[17] != "Y" else "0")),
        "17 characters": form(cat, credit_code=CODE[:17]),
        "division code": form(cat, credit_code=code_for("91AB0105MA1234567")),
        "no categories": form(cat, category_ids=None),
        "not a leaf": form(cat, category_ids=[str(cat.it)]),
        "unknown category": form(cat, category_ids=["999999"]),
        "size": form(cat, enterprise_size="huge"),
        "region": form(cat, region_id="999999"),
        "short password": form(cat, password="short"),
        "username": form(cat, username="Bad Name!"),
        "english name only": form(cat, name_zh="Qingcheng Office"),
        "phone": form(cat, contact_phone="call me"),
        "email": form(cat, contact_email="not-an-address"),
        "missing name": form(cat, name_zh=None),
    }
    for what, body in bad.items():
        response = post(app.test_client(), body)
        assert 400 <= response.status_code < 500, what
        answer = response.get_json()
        assert answer["code"] and answer["message"] and answer["message_zh"], what
        assert answer["details"], what
    assert counts(session) == before
    assert stored_files(app) == files


def test_every_problem_is_reported_at_once(client, cat):
    response = post(client, form(cat, password="short", username="X", contact_phone="?"))
    assert response.status_code == 422
    assert {"password", "username", "contact_phone"} <= set(response.get_json()["details"])


def test_an_anonymous_form_needs_the_csrf_token(client, cat, session):
    before = counts(session)
    response = post(client, form(cat), csrf=None)
    assert response.status_code == 403 and response.get_json()["code"] == "csrf_failed"
    client.set_cookie("mall_csrf", CSRF)
    wrong = client.post(
        URL, data=form(cat) | {"csrf_token": "guess"}, content_type="multipart/form-data"
    )
    assert wrong.status_code == 403
    assert counts(session) == before


# ---------------------------------------------------------------- until an operator approves


def test_no_listing_or_bid_before_approval(app, login, floor):  # noqa: F811
    """MALL-6: registered is not enrolled. The supplier may neither list nor bid until an operator
    approves its application; then it may list."""
    cat = floor.cat
    client = app.test_client()
    done = post(client, form(cat))
    assert done.status_code == 201, done.get_json()
    headers = {"X-CSRF-Token": done.get_json()["csrf_token"]}

    listing = client.post("/api/catalog/listings", json=desktop_body(cat), headers=headers)
    assert listing.status_code == 403 and listing.get_json()["code"] == "not_enrolled"

    auction = published(floor)
    open_now(auction)
    refused = client.post(
        f"/api/auctions/{auction['id']}/bids", json={"price": "4900.00"}, headers=headers
    )
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["code"] == "bid_not_enrolled"

    application_id = done.get_json()["application"]["id"]
    approved = floor.operator.post(
        f"/api/catalog/enrolments/{application_id}/decision", json={"approve": True}
    )
    assert approved.status_code == 200, approved.get_json()
    listing = client.post("/api/catalog/listings", json=desktop_body(cat), headers=headers)
    assert listing.status_code == 201, listing.get_json()
    accepted = client.post(
        f"/api/auctions/{auction['id']}/bids", json={"price": "4900.00"}, headers=headers
    )
    assert accepted.status_code == 201, accepted.get_json()


# ---------------------------------------------------------------- the licence document


def test_the_licence_is_for_operators_and_the_suppliers_admin(app, login, cat):
    client = app.test_client()
    done = post(client, form(cat, licence=(io.BytesIO(PNG), "执照 <扫描>.png")))
    assert done.status_code == 201, done.get_json()
    org_id = done.get_json()["organisation"]["id"]
    url = f"/api/suppliers/{org_id}/licence"

    own = client.get(url)
    assert own.status_code == 200 and own.data == PNG
    assert own.headers["Content-Type"] == "image/png"
    assert own.headers["Content-Disposition"].startswith("attachment;")
    assert "<" not in own.headers["Content-Disposition"]
    assert own.headers["X-Content-Type-Options"] == "nosniff"

    for other in ("supplier", "purchaser", "supervisor"):
        assert login(other).get(url).status_code == 403, other
    assert app.test_client().get(url).status_code == 401
    operator = login("operator")
    answer = operator.get(url)
    assert answer.status_code == 200 and answer.data == PNG
    # An organisation created by an operator has no registration here.
    assert operator.get(f"/api/suppliers/{cat.supplier_it}/licence").status_code == 404


def test_the_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    post_op = spec["paths"]["/api/suppliers/registrations"]["post"]
    content = post_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    props = content.get("properties", None)
    if props is None:
        name = content["$ref"].rsplit("/", 1)[1]
        props = spec["components"]["schemas"][name]["properties"]
    assert {"credit_code", "licence", "category_ids", "password"} <= set(props)
    assert "/api/suppliers/{org_id}/licence" in spec["paths"]


@pytest.mark.parametrize("size", ["large", "medium", "small", "micro"])
def test_each_size_declaration_is_accepted(client, cat, size):
    response = post(client, form(cat, enterprise_size=size))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["application"]["enterprise_size"] == size


# ---------------------------------------------------------------- the page


def test_the_page_shows_problems_by_their_fields_and_signs_in(app, cat, session):
    """The form posted to /register/supplier: a wrong check character comes back next to its
    field with what was typed kept; a good one lands on the home page signed in, with a notice
    that the enrolment awaits approval."""
    client = app.test_client()
    page = client.get("/register/supplier")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' in html and 'enctype="multipart/form-data"' in html
    assert "<script>" not in html and "style=" not in html
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signin = client.get("/signin").get_data(as_text=True)
    assert "/register/supplier" in signin and "供应商注册" in signin

    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    before = counts(session)
    bad = client.post(
        "/register/supplier",
        data=form(cat, credit_code=wrong) | {"csrf_token": token},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'data-testid="error-credit_code"' in html
    assert f"校验位应为 {CODE[17]}，填写的是 {wrong[17]}" in html
    assert 'value="呼和浩特市青城办公设备有限公司"' in html  # kept
    assert counts(session) == before

    good = client.post(
        "/register/supplier",
        data=form(cat) | {"csrf_token": token},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302 and good.headers["Location"].endswith("/")
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="enrolment-notice"' in home
    assert "qingcheng.admin" in home


@pytest.fixture
def few_writes(app):
    """The rate limits on, with an allowance of two writes a minute."""
    saved = {k: app.config[k] for k in ("RATE_LIMITS_ENABLED", "RATE_LIMIT_WRITES")}
    app.config.update(RATE_LIMITS_ENABLED=True, RATE_LIMIT_WRITES="2/minute")
    limits.reset(app)
    try:
        yield
    finally:
        app.config.update(saved)
        limits.reset(app)


def test_the_page_and_the_api_are_rate_limited_per_address(app, cat, session, few_writes):
    client = app.test_client()
    html = client.get("/register/supplier").get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    statuses = [
        client.post(
            "/register/supplier",
            data=form(cat, password="short") | {"csrf_token": token},
            content_type="multipart/form-data",
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 429]
    api = [post(app.test_client(), form(cat, password="short")).status_code for _ in range(3)]
    assert api == [422, 422, 429]


def test_the_page_in_english(app, cat):
    client = app.test_client()
    client.set_cookie("lang", "en")
    html = client.get("/register/supplier").get_data(as_text=True)
    assert "Supplier registration" in html and "At least 8 characters." in html
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    bad = client.post(
        "/register/supplier",
        data=form(cat, credit_code=wrong, category_ids=None) | {"csrf_token": token},
        content_type="multipart/form-data",
    )
    html = bad.get_data(as_text=True)
    assert f"The check character should be {CODE[17]}, not {wrong[17]}" in html
    assert 'data-testid="error-category_ids"' in html and "leaf category" in html
    assert "校验位" not in html


# ---------------------------------------------------------------- at the same moment


@pytest.mark.postgres
@pytest.mark.skipif(
    not dbutil.is_postgres(dbutil.base_url("")),
    reason="concurrent transactions need PostgreSQL (TEST_DATABASE_URL)",
)
@pytest.mark.parametrize("same", ["credit_code", "username"])
def test_two_registrations_at_once_one_wins(app, same):
    """Two registrations of one credit code (or one username) sent at the same moment, each in its
    own committed unit of work: one supplier is registered, the other gets a 409, never a 500.
    The rows committed belong to a category and organisations made for the run."""
    run = secrets.token_hex(4).upper()
    with app.app_context(), db.unit_of_work() as session:
        leaf = categories.create_category(
            session,
            SYSTEM,
            {"code": "R" + run, "name_zh": "注册", "name_en": "Reg", "kind": "goods"},
        )
        region = session.scalars(select(Region).where(Region.code == "150102")).one()
        leaf_id, region_id = leaf.id, region.id
    codes = [code_for(f"91150102{run}{i}") for i in range(2)]

    def work(i: int, session) -> None:
        data = {
            "name_zh": f"并发注册测试{run}{i}",
            "credit_code": codes[0] if same == "credit_code" else codes[i],
            "enterprise_size": "small",
            "region_id": region_id,
            "category_ids": [leaf_id],
            "contact_name": "并发",
            "contact_phone": "0471-6900000",
            "username": f"race.reg.{run.lower()}" + ("" if same == "username" else f".{i}"),
            "password": "Race-registration-1",
        }
        registration.register(session, data, registration.Licence("l.pdf", PDF), "127.0.0.1")

    outcomes = _race(app, 2, work)
    assert outcomes.count(None) == 1, outcomes
    (refused,) = [o for o in outcomes if o is not None]
    assert isinstance(refused, Conflict), refused
    assert refused.code == f"duplicate_{same}"
