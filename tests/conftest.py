"""Fixtures. The database is built by running the migrations, never create_all; demo data is loaded
once and committed; each test runs inside a transaction that is rolled back at its end."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

_TMP = tempfile.mkdtemp(prefix="mall-tests-")
os.environ["MALL_INSTANCE_PATH"] = _TMP
os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789abcdef")

from core.accounts import demo as accounts_demo  # noqa: E402
from core.accounts.demo import DEMO_PASSWORD  # noqa: E402
from core.db import db  # noqa: E402
from mall.app import create_app  # noqa: E402
from tests import dbutil  # noqa: E402


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave no schema of this run behind on a shared PostgreSQL database."""
    try:
        dbutil.drop_run_schemas(dbutil.base_url(_TMP))
    except Exception as error:  # cleaning up must not change the run's outcome
        print(f"could not drop this run's schemas: {error}")


@pytest.fixture(scope="session")
def tmp_dir() -> str:
    return _TMP


@pytest.fixture(scope="session")
def database_url(tmp_dir: str) -> str:
    return dbutil.fresh_url(dbutil.base_url(tmp_dir), "mall_test", tmp_dir)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    dbutil.upgrade(database_url)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "SEARCH_INDEX_PATH": None,
            # Off but in the tests of the limits, which turn them on (the `limited` fixture).
            "RATE_LIMITS_ENABLED": False,
        }
    )
    with app.app_context(), db.unit_of_work() as s:
        accounts_demo.load(s)  # the catalog's demo data is tested on its own
    yield app
    db.engine.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator:
    """A session in the test's transaction (rolled back at the end)."""
    connection = db.engine.connect()
    outer = connection.begin()
    db.bind_override = connection
    s = db.new_session()
    try:
        yield s
    finally:
        s.close()
        db.bind_override = None
        outer.rollback()
        connection.close()
        # The index lives outside the database: empty it with the rolled-back rows.
        app.extensions["search"].clear()


@pytest.fixture
def app_ctx(app: Flask, session):
    """An application context, for calling services directly. Not for use with the test client:
    requests would share its ``g``."""
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask, session) -> FlaskClient:
    return app.test_client()


class Api:
    """A signed-in API client: JSON in and out, with the session's CSRF token on writes."""

    def __init__(self, client: FlaskClient, csrf: str | None = None, token: str | None = None):
        self.client, self.csrf, self.token = client, csrf, token

    def _headers(self, extra: dict | None) -> dict:
        headers = {}
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers | (extra or {})

    def get(self, url: str, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url: str, json=None, **kw):
        return self.client.post(
            url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def patch(self, url: str, json=None, **kw):
        return self.client.patch(
            url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def put(self, url: str, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url: str, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


def sign_in(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> Api:
    response = client.post("/api/auth/signin", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return Api(client, csrf=response.get_json()["csrf_token"])


@pytest.fixture
def login(app: Flask, session):
    """``login("purchaser")`` → an Api signed in as that demo user, with its own cookie jar."""

    def _login(username: str) -> Api:
        return sign_in(app.test_client(), username)

    return _login
