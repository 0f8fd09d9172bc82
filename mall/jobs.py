"""The periodic buying jobs, in one place: ``flask mall tick`` runs them once (from cron), and the
server's clock runs them every ``MALL_TICK_SECONDS``."""

from __future__ import annotations

from flask import current_app

from core.accounts.auth import SYSTEM
from core.db import db


def run_once() -> dict[str, int]:
    """Orders not confirmed in time lapse; paid orders whose supplier has not confirmed the funds
    within MALL_AUTO_CLOSE_DAYS close; disputes whose deadlines passed move on (MALL-9); rotation
    offers of framework agreements not answered in time pass the turn on (MALL-8); the price
    statistics read the ledger's new transactions (SUP-3); disclosure derives the OCDS releases of
    the new entries (SUP-5); the warning rules and screens run and
    overdue warning cases are escalated (SUP-2). Each job is its
    own unit of work, so one failing leaves the others done."""
    from mall import policy
    from mall.agreements import rotation
    from mall.disputes import service as disputes
    from mall.orders.service import lapse_unconfirmed
    from mall.payments.service import close_overdue
    from supervision.disclosure import service as disclosure
    from supervision.prices import service as price_statistics
    from supervision.warnings import cases as warning_cases
    from supervision.warnings import engine as warnings_engine

    with db.unit_of_work() as session:
        lapsed = len(lapse_unconfirmed(session, SYSTEM))
    with db.unit_of_work() as session:
        closed = len(close_overdue(session, SYSTEM, policy.settings().auto_close_days))
    with db.unit_of_work() as session:
        counts = disputes.tick(session, SYSTEM)
    with db.unit_of_work() as session:
        timed_out = rotation.expire(session, SYSTEM)
    # Price statistics (supervision reads the ledger; one transaction per batch).
    price_entries = price_statistics.update_all(db.unit_of_work)
    # Disclosure (SUP-5): the OCDS releases of the new entries (the clock does this with each
    # checkpoint too).
    disclosed = disclosure.update_all(db.unit_of_work)
    # Warnings: the rules read what is new (the clock does this every second too), the screens
    # look over their windows, and cases past their deadline go to the region above (SUP-2).
    warning_entries = warnings_engine.update_all(db.unit_of_work)
    every = 60.0 * float(current_app.config.get("WARNINGS_SCREEN_MINUTES", 60))
    screened = warnings_engine.screen_all(db.unit_of_work, every=every)
    with db.unit_of_work() as session:
        escalated = len(warning_cases.escalate_overdue(session))
    return {
        "lapsed": lapsed,
        "closed": closed,
        **{f"disputes_{k}": v for k, v in counts.items()},
        "offers_timed_out": timed_out,
        "price_entries_read": price_entries,
        "disclosure_entries_read": disclosed,
        "warning_entries_read": warning_entries,
        "warnings_screened": screened,
        "warnings_escalated": escalated,
    }
