"""Sign-in, sessions, CSRF, rate limiting and API tokens (X-1)."""

from sqlalchemy import func, select

from core.accounts.demo import DEMO_PASSWORD
from supervision.ledger.models import LedgerEntry
from tests.conftest import Api


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


def test_sign_in_is_rate_limited(client):
    for _ in range(5):
        r = client.post("/api/auth/signin", json={"username": "supplier", "password": "wrong-pass"})
        assert r.status_code == 401
    # Even the right password is refused while the limit holds.
    r = client.post("/api/auth/signin", json={"username": "supplier", "password": DEMO_PASSWORD})
    assert r.status_code == 429
    assert r.get_json()["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0


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


def test_deactivated_user_loses_access(login):
    operator = login("operator")
    purchaser = login("purchaser.banner")
    me = purchaser.get("/api/auth/me").get_json()["user"]
    assert operator.patch(f"/api/users/{me['id']}", json={"active": False}).status_code == 200
    assert purchaser.get("/api/auth/me").status_code == 401
