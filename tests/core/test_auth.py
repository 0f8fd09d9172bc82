"""Sign-in, sessions, CSRF, rate limiting and API tokens (X-1)."""

import secrets
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.accounts import service
from core.accounts.demo import DEMO_PASSWORD
from core.db import db
from core.errors import DomainError
from supervision.ledger.models import LedgerEntry
from tests import dbutil
from tests.conftest import Api, sign_in


def _ledger_count(session, action):
    return session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.action == action)
    )


def test_sign_in_opens_a_session_and_is_ledgered(client, session):
    before = _ledger_count(session, "auth.signin")
    response = client.post(
        "/api/auth/signin", json={"username": "purchaser", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "mall_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/auth/me").get_json()["user"]["username"] == "purchaser"
    assert _ledger_count(session, "auth.signin") == before + 1


def test_wrong_password_is_refused_and_recorded(client, session):
    before = _ledger_count(session, "auth.signin_failed")
    response = client.post(
        "/api/auth/signin", json={"username": "purchaser", "password": "nope-nope"}
    )
    assert response.status_code == 401
    body = response.get_json()
    assert body["code"] == "bad_credentials"
    assert body["message"] and body["message_zh"]
    assert client.get("/api/auth/me").status_code == 401
    assert _ledger_count(session, "auth.signin_failed") == before + 1


A = {"REMOTE_ADDR": "198.51.100.10"}
B = {"REMOTE_ADDR": "203.0.113.20"}


@pytest.fixture
def frozen():
    clock.freeze(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    yield
    clock.unfreeze()


def _signin(client, username, password, address):
    return client.post(
        "/api/auth/signin",
        json={"username": username, "password": password},
        environ_base=address,
    )


def _fail(client, username, address):
    """One counted failure, waiting out any delay first; returns the seconds waited."""
    waited = 0
    while True:
        r = _signin(client, username, "wrong-pass", address)
        if r.status_code != 429:
            assert r.status_code == 401
            return waited
        waited += int(r.headers["Retry-After"])
        clock.advance(timedelta(seconds=int(r.headers["Retry-After"])))


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, frozen):
    """X-1: an attacker failing 10 times for a user from address A does not keep the user (with the
    right password) out from address B."""
    for _ in range(10):
        _fail(client, "supplier", A)
    r = _signin(client, "supplier", DEMO_PASSWORD, B)
    assert r.status_code == 200, r.get_json()


def test_repeated_failures_slow_down_the_same_account_and_address(client, session, frozen):
    """X-1: after five failures for one account from one address, the next try waits (429 with
    Retry-After, checking no password and counting nothing); once the delay is over the right
    password works."""
    for _ in range(5):
        r = _signin(client, "supplier", "wrong-pass", A)
        assert r.status_code == 401
    failed = _ledger_count(session, "auth.signin_failed")
    r = _signin(client, "supplier", DEMO_PASSWORD, A)
    assert r.status_code == 429
    body = r.get_json()
    assert body["code"] == "signin_throttled" and body["message"] and body["message_zh"]
    wait = int(r.headers["Retry-After"])
    assert wait >= 1 and body["details"]["retry_after_seconds"] == wait
    assert _ledger_count(session, "auth.signin_failed") == failed
    # Each further failure doubles the wait.
    clock.advance(timedelta(seconds=wait))
    assert _signin(client, "supplier", "wrong-pass", A).status_code == 401
    longer = _signin(client, "supplier", DEMO_PASSWORD, A)
    assert longer.status_code == 429 and int(longer.headers["Retry-After"]) == 2 * wait
    clock.advance(timedelta(seconds=2 * wait))
    assert _signin(client, "supplier", DEMO_PASSWORD, A).status_code == 200
    # A success clears the account's failures from that address.
    again = client.application.test_client()
    assert _signin(again, "supplier", "wrong-pass", A).status_code == 401
    assert _signin(again, "supplier", DEMO_PASSWORD, A).status_code == 200


def test_the_delay_is_capped(client, app, frozen, monkeypatch):
    """X-1: however many failures, one account and address never wait longer than the cap."""
    monkeypatch.setitem(app.config, "SIGNIN_MAX_DELAY_SECONDS", 4)
    waits = [_fail(client, "supplier", A) for _ in range(9)]
    assert max(waits) == 4
    r = _signin(client, "supplier", DEMO_PASSWORD, A)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 4


def test_a_busy_address_is_slowed_not_barred(client, app, frozen, monkeypatch):
    """X-1: failures for many accounts from one shared address slow every try from it, but a
    first right password from it for another user gets in after a bounded wait."""
    monkeypatch.setitem(app.config, "SIGNIN_MAX_FAILURES", 2)
    monkeypatch.setitem(app.config, "SIGNIN_ADDRESS_MAX_FAILURES", 4)
    for n in range(8):
        _fail(client, f"someone.{n}", A)
    cap = app.config["SIGNIN_ADDRESS_MAX_DELAY_SECONDS"]
    r = _signin(client, "purchaser.hospital", DEMO_PASSWORD, A)
    assert r.status_code == 429 and r.get_json()["code"] == "signin_throttled"
    assert 1 <= int(r.headers["Retry-After"]) <= cap
    clock.advance(timedelta(seconds=int(r.headers["Retry-After"])))
    assert _signin(client, "purchaser.hospital", DEMO_PASSWORD, A).status_code == 200
    # Other addresses are not slowed at all.
    assert (
        _signin(client.application.test_client(), "purchaser", DEMO_PASSWORD, B).status_code == 200
    )


def _device(client):
    cookie = client.get_cookie("mall_device")
    return cookie and cookie.value.rsplit(".", 1)[0]


def _last_entry(session, action):
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.action == action).order_by(LedgerEntry.seq.desc())
    ).first()


def test_the_device_is_a_signed_cookie_the_server_issues(client, session):
    """X-1: the first response issues a signed, HttpOnly device cookie; the ledger records its id,
    and a device id the client claims in a header is not believed."""
    response = client.post(
        "/api/auth/signin",
        json={"username": "purchaser", "password": DEMO_PASSWORD},
        headers={"X-Device-Id": "forged-device"},
    )
    assert response.status_code == 200
    cookies = response.headers.getlist("Set-Cookie")
    device_cookie = next(c for c in cookies if c.startswith("mall_device="))
    assert "HttpOnly" in device_cookie and "SameSite=Lax" in device_cookie
    assert "Max-Age" in device_cookie or "Expires" in device_cookie
    device = _device(client)
    assert device and device != "forged-device"
    assert _last_entry(session, "auth.signin").actor_device == device
    api = Api(client, csrf=response.get_json()["csrf_token"])
    issued = api.post("/api/auth/tokens", json={"name": "x"}, headers={"X-Device-Id": "forged"})
    assert issued.status_code == 201
    # A valid cookie is kept, not reissued.
    assert not any(c.startswith("mall_device=") for c in issued.headers.getlist("Set-Cookie"))
    assert _last_entry(session, "auth.token_issued").actor_device == device


def test_a_tampered_device_cookie_is_ignored_and_replaced(login, session):
    """X-1: a device cookie whose signature does not hold is not recorded and gets replaced."""
    api = login("purchaser")
    genuine = _device(api.client)
    api.client.set_cookie("mall_device", "chosen-id.forged-signature")
    issued = api.post("/api/auth/tokens", json={"name": "x"})
    assert issued.status_code == 201
    replaced = _device(api.client)
    assert replaced not in (None, "chosen-id", genuine)
    assert _last_entry(session, "auth.token_issued").actor_device == replaced
    # The same id under another signature is no better.
    api.client.set_cookie("mall_device", f"{replaced}.AAAAAAAAAAAAAAAAAAAAAAAAAAA")
    api.post("/api/auth/tokens", json={"name": "y"})
    assert _device(api.client) != replaced


def test_a_bearer_client_without_the_cookie_has_no_device(login, app, session):
    """X-1: machine clients are not given a made-up device on every request."""
    token = login("supplier").post("/api/auth/tokens", json={"name": "erp"}).get_json()["token"]
    machine = Api(app.test_client(), token=token)
    assert machine.post("/api/auth/tokens", json={"name": "second"}).status_code == 201
    assert _last_entry(session, "auth.token_issued").actor_device is None


def test_sign_out_invalidates_the_session_on_the_server(login, app):
    api = login("purchaser")
    cookie = api.client.get_cookie("mall_session").value
    assert api.post("/api/auth/signout").status_code == 204
    # Replaying the old cookie does not work: the session is revoked server-side.
    other = app.test_client()
    other.set_cookie("mall_session", cookie)
    assert other.get("/api/auth/me").status_code == 401


def test_cookie_write_without_csrf_token_is_refused(login, session):
    api = login("purchaser")
    no_csrf = Api(api.client)
    before = _ledger_count(session, "auth.token_issued")
    response = no_csrf.post("/api/auth/tokens", json={"name": "x"})
    assert response.status_code == 403
    assert response.get_json()["code"] == "csrf_failed"
    wrong = Api(api.client, csrf="not-the-token")
    assert wrong.post("/api/auth/tokens", json={"name": "x"}).status_code == 403
    assert _ledger_count(session, "auth.token_issued") == before
    assert api.post("/api/auth/tokens", json={"name": "x"}).status_code == 201


def test_form_sign_in_needs_the_double_submit_token(client):
    response = client.post("/signin", data={"username": "purchaser", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    page = client.get("/signin")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/signin", data={"username": "purchaser", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/api/auth/me").status_code == 200


def test_bearer_token_works_until_revoked(login, app):
    api = login("supplier")
    created = api.post("/api/auth/tokens", json={"name": "erp", "expires_in_days": 30})
    assert created.status_code == 201
    token, token_id = created.get_json()["token"], created.get_json()["id"]
    machine = Api(app.test_client(), token=token)
    assert machine.get("/api/auth/me").get_json()["user"]["username"] == "supplier"
    # Bearer requests carry no ambient credentials, so they need no CSRF token.
    assert machine.post("/api/auth/tokens", json={"name": "second"}).status_code == 201
    listed = api.get("/api/auth/tokens").get_json()
    assert {t["name"] for t in listed} >= {"erp", "second"}
    assert all("token" not in t for t in listed)
    assert api.delete(f"/api/auth/tokens/{token_id}").status_code == 200
    refused = machine.get("/api/auth/me")
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "invalid_token"


def test_another_users_token_cannot_be_revoked(login):
    owner = login("supplier")
    token_id = owner.post("/api/auth/tokens", json={"name": "erp"}).get_json()["id"]
    other = login("supplier.office")
    assert other.delete(f"/api/auth/tokens/{token_id}").status_code == 404
    assert owner.get("/api/auth/tokens").get_json()[0]["revoked_at"] is None


def test_malformed_authorization_header_is_refused(client):
    response = client.get("/api/auth/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_deactivated_user_loses_access(login, app, session):
    """X-1: the organisation's admin deactivates a user, who loses access at once; an operator may
    not deactivate users of other organisations."""
    admin = login("purchaser")
    school = admin.get("/api/auth/me").get_json()["organisation"]["id"]
    created = admin.post(
        f"/api/organisations/{school}/users",
        json={
            "username": "teacher.wang",
            "display_name": "王老师",
            "password": "long-enough-1",
            "roles": ["purchaser"],
        },
    )
    assert created.status_code == 201
    teacher = sign_in(app.test_client(), "teacher.wang", "long-enough-1")
    operator = login("operator")
    refused = operator.patch(f"/api/users/{created.get_json()['id']}", json={"active": False})
    assert refused.status_code == 403
    assert teacher.get("/api/auth/me").status_code == 200
    deactivated = admin.patch(f"/api/users/{created.get_json()['id']}", json={"active": False})
    assert deactivated.status_code == 200
    assert teacher.get("/api/auth/me").status_code == 401


@pytest.mark.postgres
@pytest.mark.skipif(
    not dbutil.is_postgres(dbutil.base_url("")),
    reason="tries only run concurrently on PostgreSQL (SQLite runs one writer at a time)",
)
def test_parallel_tries_cannot_outrun_the_count(app, monkeypatch):
    """X-1: guesses for one account from one address sent at the same moment take turns, so only
    the allowed number is checked; the rest wait. Commits its rows (an account name and address
    made for the run, seen by no other test)."""
    monkeypatch.setitem(app.config, "SIGNIN_MAX_FAILURES", 1)
    run = secrets.token_hex(4)
    username, address = f"race.{run}", f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.9"
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def worker() -> None:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            barrier.wait()
            session = db.new_session()
            try:
                service.sign_in(session, username, "wrong-pass", address)
            except DomainError as error:
                # The request boundary keeps a failure's records and drops the rest.
                (session.commit if error.status == 401 else session.rollback)()
                outcomes.append(error.code)
            finally:
                session.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["bad_credentials"] + ["signin_throttled"] * 3
