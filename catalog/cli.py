"""``flask catalog tick`` (periodic jobs) and ``flask search reindex``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.accounts.auth import SYSTEM
from core.db import db

catalog_cli = AppGroup("catalog", help="Catalog jobs.")
search_cli = AppGroup("search", help="Catalog search index.")


@catalog_cli.command("tick")
def tick() -> None:
    """Run the periodic jobs once: lapse expired listings, withdraw listings whose mandatory
    certificate expired, and record suppliers whose suspension ended."""
    from catalog.certificates.service import withdraw_uncertified
    from catalog.enrolment.service import record_reinstatements
    from catalog.listings.service import lapse_expired

    with db.unit_of_work() as session:
        lapsed = lapse_expired(session, SYSTEM)
        withdrawn = withdraw_uncertified(session, SYSTEM)
        reinstated = record_reinstatements(session, SYSTEM)
    click.echo(f"lapsed {len(lapsed)}, withdrawn {len(withdrawn)}, reinstated {len(reinstated)}")


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the on-shelf listings, without downtime."""
    from catalog.search.indexing import reindex_all

    backend = current_app.extensions["search"]
    session = db.new_session(write=False)
    try:
        count = reindex_all(session, backend)
    finally:
        session.close()
    click.echo(f"indexed {count} listings into {backend.name}")
