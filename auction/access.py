"""Who sees an auction, and as whom (AUC-1, AUC-2): its purchaser unit (and the units whose demand
a volume purchase pooled into it), bidders once it is published, operators, and supervisors of its
region; the hidden ceiling is shown only to the purchaser's side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from auction.models import Auction
from auction.pools.models import PoolDemand
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound
from core.messages import N_, translate
from mall.locks import lock


def get_auction(session: Session, actor: Actor, auction_id: int) -> Auction:
    """The auction, if the actor may see it: its purchaser unit; any supplier once it is published;
    operators; supervisors of its region."""
    auction = session.get(Auction, auction_id)
    if auction is None:
        raise NotFound("No such auction.")
    if role_of(actor, auction) is None:
        if auction.status == "draft" and actor.org_kind == OrgKind.SUPPLIER:
            raise NotFound("No such auction.")
        raise Forbidden("This auction is not yours to see.", code="other_organisation")
    return auction


def role_of(actor: Actor, auction: Auction) -> str | None:
    """How the actor sees the auction: purchaser, bidder, supervisor, operator — or not at all."""
    if actor.organisation_id == auction.purchaser_id and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        return "purchaser"
    if (
        auction.pool_id is not None
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER, Role.ORG_ADMIN)
        and _in_pool(auction, actor.organisation_id)
    ):
        return "purchaser"  # a unit whose demand the volume purchase pooled (AUC-2)
    if actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        return "bidder" if auction.status != "draft" else None
    if actor.has(Role.OPERATOR):
        return "operator"
    if actor.has(Role.SUPERVISOR) and auction.purchaser.region.path.startswith(
        actor.region_path or "\x00"
    ):
        return "supervisor"
    return None


def own_auction(session: Session, actor: Actor, auction_id: int) -> Auction:
    """The auction under its row lock, if it is the actor's unit's to change."""
    auction = lock(session, Auction, auction_id)
    if auction is None:
        raise NotFound("No such auction.")
    if auction.purchaser_id != actor.organisation_id or not actor.has(
        Role.PURCHASER, Role.ORG_ADMIN
    ):
        raise Forbidden("This is another unit's auction.", code="other_organisation")
    return auction


def expect_status(auction: Auction, *statuses: str, doing: tuple[str, str]) -> None:
    """Refuse ``doing`` (English, Chinese) to an auction in none of ``statuses``."""
    if auction.status not in statuses:
        message = N_("An auction that is %(status)s cannot be %(doing)s.")
        raise Conflict(
            translate(message, "en", {"status": auction.status, "doing": doing[0]}),
            translate(message, "zh", {"status": auction.status, "doing": doing[1]}),
            code="bad_status",
            details={"status": auction.status, "allowed": list(statuses)},
        )


def visible_ceiling(actor: Actor | None, auction: Auction) -> Decimal | None:
    """The ceiling as ``actor`` may see it: when it is shown, or to the purchaser, its supervisors
    and operators; hidden from bidders and from anyone the auction is not for."""
    if auction.show_ceiling:
        return auction.ceiling
    if actor is not None and role_of(actor, auction) in ("purchaser", "supervisor", "operator"):
        return auction.ceiling
    return None


def _in_pool(auction: Auction, organisation_id: int | None) -> bool:
    session = object_session(auction)
    if session is None:
        return False
    found = session.scalar(
        select(PoolDemand.id).where(
            PoolDemand.pool_id == auction.pool_id,
            PoolDemand.purchaser_id == organisation_id,
            PoolDemand.status != "withdrawn",
        )
    )
    return found is not None


def auctions_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The purchaser unit's own auctions; for suppliers, the published ones; for operators, all;
    for supervisors, those of their region and below. Newest first."""
    query = select(Auction)
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        pooled = select(PoolDemand.pool_id).where(
            PoolDemand.purchaser_id == actor.organisation_id, PoolDemand.status != "withdrawn"
        )
        query = query.where(
            (Auction.purchaser_id == actor.organisation_id) | Auction.pool_id.in_(pooled)
        )
    elif actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        query = query.where(Auction.status != "draft")
    elif actor.has(Role.OPERATOR):
        pass
    elif actor.has(Role.SUPERVISOR) and actor.region_path:
        query = (
            query.join(Organisation, Organisation.id == Auction.purchaser_id)
            .join(Region, Region.id == Organisation.region_id)
            .where(Region.path.startswith(actor.region_path))
        )
    else:
        raise Forbidden("You have no auctions to see.")
    if filters.get("status"):
        query = query.where(Auction.status == filters["status"])
    return query.order_by(Auction.id.desc())
