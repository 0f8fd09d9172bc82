"""Reading the price statistics and anomalies: price monitors, supervisors and operators, each in
their own region and below (the top region sees the whole area)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import Role
from core.errors import Forbidden, ValidationFailed
from supervision.ledger.models import LedgerEntry
from supervision.prices.models import PriceAnomaly, PriceStatistic

READERS = (Role.PRICE_MONITOR, Role.SUPERVISOR, Role.OPERATOR)
#: the history a statistics request returns when it names no start
DEFAULT_DAYS = 180


def require_reader(actor: Actor) -> str:
    """The region path the actor reads under; refuses everyone else."""
    if not actor.has(*READERS) or not actor.region_path:
        raise Forbidden("Only price monitors, supervisors and operators.", code="monitor_only")
    return actor.region_path


def _region_within(session: Session, path: str, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None or not region.path.startswith(path):
        raise Forbidden(
            "This region is not yours to supervise.",
            code="outside_region",
            details={"region_id": region_id},
        )
    return region


def _key(args: dict[str, Any]) -> tuple[str, int]:
    product, category = args.get("standard_product_id"), args.get("category_id")
    if (product is None) == (category is None):
        raise ValidationFailed(
            "Give either a standard product or a category.",
            code="one_key",
            details={"standard_product_id": ["give this or category_id"]},
        )
    return ("product", product) if product is not None else ("category", category)


def statistics(session: Session, actor: Actor, args: dict[str, Any]) -> dict[str, Any]:
    """The daily rows of one standard product or category in one region (the actor's own by
    default), oldest first, between ``from`` and ``to`` (the last 180 days by default)."""
    path = require_reader(actor)
    kind, key_id = _key(args)
    region_id = args.get("region_id") or actor.region_id
    assert region_id is not None
    _region_within(session, path, region_id)
    until: date = args.get("to") or clock.local(clock.now()).date()
    since: date = args.get("from") or until - timedelta(days=DEFAULT_DAYS)
    rows = session.scalars(
        select(PriceStatistic)
        .where(
            PriceStatistic.kind == kind,
            PriceStatistic.key_id == key_id,
            PriceStatistic.region_id == region_id,
            PriceStatistic.day.between(since, until),
        )
        .order_by(PriceStatistic.day)
    )
    return {
        "kind": kind,
        "key_id": key_id,
        "region_id": region_id,
        "from": since,
        "to": until,
        "items": list(rows),
    }


def anomalies_query(session: Session, actor: Actor, args: dict[str, Any]) -> Select:
    """Anomalies of transactions in the actor's region and below (or in ``region_id``'s), newest
    first, by standard product or category and day."""
    path = require_reader(actor)
    if args.get("region_id"):
        path = _region_within(session, path, args["region_id"]).path
    query = select(PriceAnomaly).order_by(PriceAnomaly.day.desc(), PriceAnomaly.id.desc())
    if path.count("/") > 2:  # below the top region: only its subtree
        subtree = select(Region.id).where(Region.path.startswith(path))
        query = query.where(PriceAnomaly.region_id.in_(subtree))
    if args.get("standard_product_id") is not None:
        query = query.where(PriceAnomaly.standard_product_id == args["standard_product_id"])
    if args.get("category_id") is not None:
        query = query.where(PriceAnomaly.category_id == args["category_id"])
    if args.get("from"):
        query = query.where(PriceAnomaly.day >= args["from"])
    if args.get("to"):
        query = query.where(PriceAnomaly.day <= args["to"])
    return query


def readable_regions(session: Session, actor: Actor) -> list[Region]:
    """The regions the actor reads: its own and those below, in tree order."""
    path = require_reader(actor)
    return list(
        session.scalars(select(Region).where(Region.path.startswith(path)).order_by(Region.path))
    )


#: the most anomalies an export holds (newest first)
EXPORT_LIMIT = 10_000


def anomalies(session: Session, actor: Actor, args: dict[str, Any]) -> list[PriceAnomaly]:
    """The filtered anomalies, newest first, for an export (at most ``EXPORT_LIMIT``)."""
    return list(session.scalars(anomalies_query(session, actor, args).limit(EXPORT_LIMIT)))


def transactions(session: Session, anomalies_: list[PriceAnomaly]) -> dict[int, dict[str, Any]]:
    """What the ledger says of each anomaly's transaction, by its entry's sequence: the order's
    number, the source (``order``, ``auction``, ``agreement``) and the auction's or call-off's id."""
    seqs = {a.seq for a in anomalies_}
    if not seqs:
        return {}
    found = {}
    for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.seq.in_(seqs))):
        payload = json.loads(entry.payload)
        found[entry.seq] = {
            "at": entry.at,
            "number": payload.get("number"),
            "source_id": payload.get("source_id"),
        }
    return found
