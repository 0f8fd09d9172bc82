"""The auction clock: a loop in each server process that opens and closes auctions on time, with
no traffic needed, runs the mall's periodic jobs (``mall.jobs``) every ``MALL_TICK_SECONDS`` and
signs a ledger checkpoint every ``LEDGER_CHECKPOINT_SECONDS`` while entries arrive and lets the
warning rules read the new entries every ``WARNINGS_SECONDS``. Several
processes may run it at once; the row lock in ``closing`` makes every opening and closing happen
exactly once (and every dispute deadline act once), and a checkpoint's size is signed once."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from auction import closing
from core.db import db
from mall.jobs import run_once
from supervision.disclosure import service as disclosure
from supervision.ledger import checkpoints
from supervision.warnings import engine as warnings_engine

log = logging.getLogger(__name__)


def tick(app: Any) -> dict[str, Any]:
    """One turn; the rooms of every auction that opened or closed are told."""
    from auction.sockets import notify

    with app.app_context():
        done = closing.tick(db.unit_of_work)
        for auction_id in done["changed"]:
            notify(auction_id)
    return done


def run(app: Any, interval: float, stop: threading.Event | None = None) -> None:
    """Turn the clock every ``interval`` seconds until ``stop`` is set."""
    from mall.extensions import socketio

    jobs_every = float(app.config.get("MALL_TICK_SECONDS", 60))
    next_jobs = time.monotonic() + jobs_every
    checkpoint_every = float(app.config.get("LEDGER_CHECKPOINT_SECONDS", 0))
    next_checkpoint = time.monotonic() + checkpoint_every
    warnings_every = float(app.config.get("WARNINGS_SECONDS", 0))
    next_warnings = time.monotonic() + warnings_every
    while stop is None or not stop.is_set():
        try:
            done = tick(app)
            if done["opened"] or done["closed"]:
                log.info("auction clock: %s", done)
        except Exception:  # the clock must keep turning
            log.exception("auction clock turn failed")
        if jobs_every > 0 and time.monotonic() >= next_jobs:
            next_jobs = time.monotonic() + jobs_every
            try:
                with app.app_context():
                    counts = run_once()
                if any(counts.values()):
                    log.info("periodic jobs: %s", counts)
            except Exception:
                log.exception("periodic jobs failed")
        if warnings_every > 0 and time.monotonic() >= next_warnings:
            next_warnings = time.monotonic() + warnings_every
            try:
                with app.app_context():
                    warnings_engine.update_all(db.unit_of_work)
            except Exception:
                log.exception("warning rules failed")
        if checkpoint_every > 0 and time.monotonic() >= next_checkpoint:
            next_checkpoint = time.monotonic() + checkpoint_every
            try:
                with app.app_context():
                    # Disclosure (SUP-5) publishes the new entries' releases as the checkpoint
                    # that proves them is signed.
                    disclosure.update_all(db.unit_of_work)
            except Exception:
                log.exception("disclosure failed")
            try:
                with app.app_context():
                    checkpoints.make_now(db.unit_of_work, app.config)
            except checkpoints.LedgerAlarm:
                pass  # logged as critical; nothing is signed until the tree is consistent again
            except Exception:
                log.exception("ledger checkpoint failed")
        socketio.sleep(interval)


def start(app: Any) -> None:
    """Start the clock in the background of this server process (gunicorn's worker hook)."""
    from mall.extensions import socketio

    interval = float(app.config.get("AUCTION_CLOCK_SECONDS", 1))
    if socketio.server is None:  # not the mall (e.g. another app under the same config)
        return
    if interval > 0:
        socketio.start_background_task(run, app, interval)
        log.info("auction clock started (every %s s)", interval)
