"""Two server processes sharing auction rooms through Redis (AUC-1 real time, the README's two-process
deployment): a bid sent to one process reaches clients connected to the other, and the auction
clock, running in both, closes nothing twice."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests import dbutil
from tests.frontend.conftest import ROOT, SECRET_KEY, _answers, _free_port, _python, _run_step
from tests.frontend.test_auction_live import Listener, _token, create_open_auction

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_up(), reason=f"Redis is not reachable at {REDIS_URL}: start redis-server"
)


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    tmp = tmp_path_factory.mktemp("two")
    log = tmp / "servers.log"
    database_url = dbutil.fresh_url(dbutil.base_url(str(tmp)), "live_two_processes", str(tmp))
    base_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "REDIS_URL": REDIS_URL,
        "PYTHONUNBUFFERED": "1",
        "MALL_DEMO_LISTINGS": "100",
        "MALL_INSTANCE_PATH": str(tmp / "a"),
    }
    _run_step(["flask", "--app", "wsgi", "db", "upgrade"], base_env, log)
    _run_step(["flask", "--app", "wsgi", "demo", "load"], base_env, log)
    servers, bases = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            # Each process keeps its own embedded search index; they share the database and Redis.
            env = {
                **base_env,
                "MALL_INSTANCE_PATH": str(tmp / name),
                "MALL_BIND": f"127.0.0.1:{port}",
            }
            with log.open("a") as out:
                servers.append(
                    subprocess.Popen(
                        [_python(), "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for base, server in zip(bases, servers, strict=True):
            while not _answers(f"{base}/signin"):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{base} did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def test_a_bid_on_one_process_reaches_clients_of_the_other(two_servers):
    first_base, second_base = two_servers
    auction_id = create_open_auction(first_base)
    bidder = Listener(first_base, _token(first_base, "supplier.office"))  # medium: as offered
    rival = Listener(second_base, _token(second_base, "supplier"))  # small: evaluated 10 % lower
    watcher = Listener(second_base, _token(second_base, "purchaser"))
    try:
        for client in (bidder, rival, watcher):
            assert client.call("join", {"auction_id": auction_id})["ok"] is True
        sent = bidder.call("bid", {"auction_id": auction_id, "price": "4990.00"})
        assert sent["ok"] is True, sent
        seen = rival.wait_for("state", lambda s: s["best_price"] == "4990.00")
        assert seen["auction_id"] == auction_id
        assert watcher.wait_for("watch", lambda w: w["bid_count"] == 1)["bidder_count"] == 1
        answer = rival.call("bid", {"auction_id": auction_id, "price": "4980.00"})
        assert answer["ok"] is True
        # 4,980.00 evaluated at 4,482.00 (MALL-7): the next allowed is a decrement below that
        assert bidder.wait_for("mine", lambda m: m["rank"] == 2)["next_allowed"] == "4472.00"
    finally:
        for client in (bidder, rival, watcher):
            client.client.disconnect()
