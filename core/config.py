"""Configuration from the environment, with embedded defaults.

Every variable is optional. A bad value stops the application at start with a message that names it.
"""

from __future__ import annotations

import base64
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


def _ledger_key(value: str | None) -> str | None:
    if not value:
        return None
    try:
        seed = base64.b64decode(value, validate=True)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise ConfigError("LEDGER_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed")
    return value


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


def _rate_limit(env: dict[str, str], name: str, default: str) -> str:
    """One rate limit in the notation of the ``limits`` package: ``AMOUNT/PERIOD`` with the period
    ``second``, ``minute``, ``hour`` or ``day`` (e.g. ``60/minute``, ``10 per second``)."""
    from limits import parse_many

    raw = env.get(name) or default
    try:
        items = parse_many(raw)
    except ValueError:
        items = []
    if len(items) != 1 or items[0].amount < 1:
        raise ConfigError(f"{name}={raw!r} is not a rate limit; write it like {default!r}")
    return raw


def _ocds_prefix(value: str | None) -> str:
    """The ocid prefix the Open Contracting Partnership registers for a publisher: ``ocds-`` and
    six letters or digits. The default is the documented placeholder."""
    import re

    value = (value or "").strip() or "ocds-xxxxxx"
    if not re.fullmatch(r"ocds-[a-z0-9]{6}", value):
        raise ConfigError(
            f"OCDS_PREFIX={value!r} is not an ocid prefix; it is 'ocds-' and six letters or digits"
        )
    return value


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ConfigError(f"{name}={raw!r} is not a yes/no value; use 1 or 0")
    return raw in ("1", "true", "yes", "on")


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
        # The supervision ledger as a transparency log: the origin line of its checkpoints (a
        # schema-less URL naming this mall's log), how often the server's clock signs a checkpoint
        # while entries arrive (0: only ``flask ledger checkpoint``), and the Ed25519 signing key
        # (base64 of a 32-byte seed; unset: generated once as instance/ledger_signing_key).
        "LEDGER_ORIGIN": env.get("LEDGER_ORIGIN") or "zhengcai-mall.example/ledger",
        "LEDGER_CHECKPOINT_SECONDS": _int(env, "LEDGER_CHECKPOINT_SECONDS", 5, minimum=0),
        # The warning rules read new ledger entries every WARNINGS_SECONDS (the server's clock);
        # the screens, which read a window of the ledger, run with the periodic jobs at most
        # every WARNINGS_SCREEN_MINUTES; a case not moved in WARNINGS_HANDLING_DAYS working days
        # goes to the region above; a party has WARNINGS_EXPLANATION_DAYS to explain by default.
        "WARNINGS_SECONDS": _int(env, "WARNINGS_SECONDS", 1, minimum=0),
        "WARNINGS_SCREEN_MINUTES": _int(env, "WARNINGS_SCREEN_MINUTES", 60, minimum=1),
        # Disclosure (SUP-5): the ocid prefix registered with the Open Contracting Partnership.
        "OCDS_PREFIX": _ocds_prefix(env.get("OCDS_PREFIX")),
        "WARNINGS_HANDLING_DAYS": _int(env, "WARNINGS_HANDLING_DAYS", 10, minimum=1),
        "WARNINGS_EXPLANATION_DAYS": _int(env, "WARNINGS_EXPLANATION_DAYS", 5, minimum=1),
        "LEDGER_SIGNING_KEY": _ledger_key(env.get("LEDGER_SIGNING_KEY")),
        "SECRET_KEY": _secret_key(env.get("SECRET_KEY"), instance),
        # The embedded search index (when ELASTICSEARCH_URL is unset); None keeps it in memory.
        "SEARCH_INDEX_PATH": str(instance / "search-index"),
        "SESSION_HOURS": _int(env, "SESSION_HOURS", 12, minimum=1),
        # Sign-in throttling. Failed sign-ins are counted per (account, address) and per address
        # over the last SIGNIN_WINDOW_MINUTES. After SIGNIN_MAX_FAILURES failures for one account
        # from one address, each further try from that address waits 1, 2, 4 … seconds after the
        # last failure, at most SIGNIN_MAX_DELAY_SECONDS; the account stays open from elsewhere.
        # After SIGNIN_ADDRESS_MAX_FAILURES failures from one address (any accounts), every try
        # from it waits the same way, at most SIGNIN_ADDRESS_MAX_DELAY_SECONDS: slowed, not barred.
        "SIGNIN_MAX_FAILURES": _int(env, "SIGNIN_MAX_FAILURES", 5, minimum=1),
        "SIGNIN_WINDOW_MINUTES": _int(env, "SIGNIN_WINDOW_MINUTES", 15, minimum=1),
        "SIGNIN_MAX_DELAY_SECONDS": _int(env, "SIGNIN_MAX_DELAY_SECONDS", 300, minimum=1),
        "SIGNIN_ADDRESS_MAX_FAILURES": _int(env, "SIGNIN_ADDRESS_MAX_FAILURES", 50, minimum=1),
        "SIGNIN_ADDRESS_MAX_DELAY_SECONDS": _int(
            env, "SIGNIN_ADDRESS_MAX_DELAY_SECONDS", 30, minimum=1
        ),
        # Hours a one-time password-reset link stays usable.
        "PASSWORD_RESET_HOURS": _int(env, "PASSWORD_RESET_HOURS", 24, minimum=1),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted;
        # 0: none, the peer's address is the client's.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0, minimum=0),
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "") in ("1", "true", "yes"),
        # Rate limits (core.limits), counted in Redis when REDIS_URL is set, else in this process.
        # API writes per user (per address when anonymous), API tokens issued per user, and bids
        # per bidding organisation over HTTP and the socket together.
        "RATE_LIMITS_ENABLED": _flag(env, "RATE_LIMITS_ENABLED", True),
        "RATE_LIMIT_WRITES": _rate_limit(env, "RATE_LIMIT_WRITES", "60/minute"),
        "RATE_LIMIT_TOKENS": _rate_limit(env, "RATE_LIMIT_TOKENS", "10/hour"),
        "RATE_LIMIT_BIDS": _rate_limit(env, "RATE_LIMIT_BIDS", "10/second"),
    }
