"""Configuration from the environment with embedded defaults (foundation, item 2)."""

import pytest

from core.config import ConfigError, load_config
from mall.extensions import socketio


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
    ],
)
def test_bad_value_fails_naming_the_variable(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"MALL_INSTANCE_PATH": str(tmp_path), name: value})


def test_socketio_runs_under_gevent(app):
    assert socketio.async_mode == "gevent"
    assert socketio.server.async_mode == "gevent"
