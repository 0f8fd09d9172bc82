"""Configuration from the environment with embedded defaults (foundation, item 2)."""

import pytest
from sqlalchemy import select

from core.accounts.demo import DEMO_PASSWORD
from core.config import ConfigError, load_config
from mall.app import trust_proxies
from mall.extensions import socketio
from supervision.ledger.models import LedgerEntry


def test_defaults_are_embedded(tmp_path):
    config = load_config({"MALL_INSTANCE_PATH": str(tmp_path)})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path}/mall.sqlite3"
    assert config["ELASTICSEARCH_URL"] is None
    assert config["REDIS_URL"] is None
    assert config["PAYMENT_GATEWAY_URL"] is None


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config({"MALL_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    second = load_config({"MALL_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_url_uses_psycopg3(tmp_path):
    config = load_config(
        {"MALL_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "postgresql://u@h/db"}
    )
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("ELASTICSEARCH_URL", "localhost:9200"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("PAYMENT_GATEWAY_URL", "ftp://gateway"),
        ("SECRET_KEY", "short"),
        ("SESSION_HOURS", "twelve"),
        ("TRUSTED_PROXIES", "-1"),
        ("SIGNIN_MAX_DELAY_SECONDS", "0"),
    ],
)
def test_bad_value_fails_naming_the_variable(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"MALL_INSTANCE_PATH": str(tmp_path), name: value})


def test_socketio_runs_under_gevent(app):
    assert socketio.async_mode == "gevent"
    assert socketio.server.async_mode == "gevent"


def _signin_address(client, session, headers, peer):
    response = client.post(
        "/api/auth/signin",
        json={"username": "purchaser", "password": DEMO_PASSWORD},
        headers=headers,
        environ_base={"REMOTE_ADDR": peer},
    )
    assert response.status_code == 200
    entry = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.action == "auth.signin")
        .order_by(LedgerEntry.seq.desc())
    ).first()
    return entry.actor_ip


def test_forwarded_headers_are_not_trusted_by_default(app, client, session, tmp_path):
    """X-1: with no trusted proxy, a forged X-Forwarded-For changes nothing."""
    assert load_config({"MALL_INSTANCE_PATH": str(tmp_path)})["TRUSTED_PROXIES"] == 0
    assert app.config["TRUSTED_PROXIES"] == 0
    forged = {"X-Forwarded-For": "192.0.2.66"}
    assert _signin_address(client, session, forged, "198.51.100.5") == "198.51.100.5"


def test_one_trusted_proxy_passes_on_the_clients_address(app, session, tmp_path, monkeypatch):
    """X-1: behind TRUSTED_PROXIES=1, the address the proxy forwarded (its last hop) is the
    client's; what the client itself put in the header before it is not."""
    assert (
        load_config({"MALL_INSTANCE_PATH": str(tmp_path), "TRUSTED_PROXIES": "1"})[
            "TRUSTED_PROXIES"
        ]
        == 1
    )
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    trust_proxies(app)
    client = app.test_client()
    headers = {"X-Forwarded-For": "192.0.2.66, 203.0.113.7", "X-Forwarded-Proto": "https"}
    assert _signin_address(client, session, headers, "10.0.0.2") == "203.0.113.7"
