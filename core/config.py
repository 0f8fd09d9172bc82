"""Configuration from the environment, with embedded defaults.

Every variable is optional. A bad value stops the application at start with a message that names it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A configuration value is unusable; the message names the variable."""


def _check_url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ConfigError(
            f"{name}={value!r} is not a valid URL; expected a scheme among {', '.join(schemes)}"
        )
    return value


def _database_url(value: str | None, instance: Path) -> str:
    if not value:
        return f"sqlite:///{instance / 'mall.sqlite3'}"
    if value.startswith("postgres://") or value.startswith("postgresql://"):
        # Use psycopg 3, which cooperates with gevent by itself.
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    if not (value.startswith("sqlite:///") or value.startswith("postgresql+psycopg://")):
        raise ConfigError(
            f"DATABASE_URL={value!r} is not supported; use sqlite:///PATH or postgresql://USER@HOST/DB"
        )
    return value


def _secret_key(value: str | None, instance: Path) -> str:
    if value:
        if len(value) < 16:
            raise ConfigError("SECRET_KEY is too short; use at least 16 characters")
        return value
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


def load_config(env: dict[str, str] | None = None) -> dict[str, object]:
    """Read the configuration from ``env`` (default: ``os.environ``) and validate it."""
    env = dict(os.environ if env is None else env)
    instance = Path(env.get("MALL_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    es = env.get("ELASTICSEARCH_URL") or None
    redis_url = env.get("REDIS_URL") or None
    gateway = env.get("PAYMENT_GATEWAY_URL") or None
    gateway_key = env.get("PAYMENT_GATEWAY_KEY") or None
    webhook_secret = env.get("PAYMENT_WEBHOOK_SECRET") or None
    if gateway and not (gateway_key and webhook_secret):
        raise ConfigError(
            "PAYMENT_GATEWAY_URL is set: PAYMENT_GATEWAY_KEY and PAYMENT_WEBHOOK_SECRET are needed too"
        )
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": _database_url(env.get("DATABASE_URL"), instance),
        "ELASTICSEARCH_URL": es and _check_url("ELASTICSEARCH_URL", es, ("http", "https")),
        "REDIS_URL": redis_url and _check_url("REDIS_URL", redis_url, ("redis", "rediss")),
        "PAYMENT_GATEWAY_URL": gateway
        and _check_url("PAYMENT_GATEWAY_URL", gateway, ("http", "https")),
        # The gateway's API key and the secret its callbacks are signed with; the sandbox gateway
        # (PAYMENT_GATEWAY_URL unset) derives both from SECRET_KEY.
        "PAYMENT_GATEWAY_KEY": gateway_key,
        "PAYMENT_WEBHOOK_SECRET": webhook_secret,
        "PAYMENT_TIMEOUT_SECONDS": _int(env, "PAYMENT_TIMEOUT_SECONDS", 10, minimum=1),
        "PAYMENT_RETRIES": _int(env, "PAYMENT_RETRIES", 3, minimum=0),
        # Seconds between turns of the auction clock in each server process; 0: not in the
        # server (run ``flask auction clock`` instead).
        "AUCTION_CLOCK_SECONDS": _int(env, "AUCTION_CLOCK_SECONDS", 1, minimum=0),
        # The shortest an auction may run.
        "AUCTION_MIN_MINUTES": _int(env, "AUCTION_MIN_MINUTES", 5, minimum=1),
        # How often the server's clock runs the periodic buying jobs (0: leave it to cron).
        "MALL_TICK_SECONDS": _int(env, "MALL_TICK_SECONDS", 60, minimum=0),
        "SECRET_KEY": _secret_key(env.get("SECRET_KEY"), instance),
        # The embedded search index (when ELASTICSEARCH_URL is unset); None keeps it in memory.
        "SEARCH_INDEX_PATH": str(instance / "search-index"),
        "SESSION_HOURS": _int(env, "SESSION_HOURS", 12, minimum=1),
        "SIGNIN_MAX_FAILURES": _int(env, "SIGNIN_MAX_FAILURES", 5, minimum=1),
        "SIGNIN_WINDOW_MINUTES": _int(env, "SIGNIN_WINDOW_MINUTES", 15, minimum=1),
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "") in ("1", "true", "yes"),
    }
