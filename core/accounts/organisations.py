"""Regions and organisations: creating, listing, updating, and rotating an organisation's signing key.
Every change is audited to the supervision ledger in the same transaction. Functions flush, never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import signatures
from core.accounts.access import (
    CREDIT_CODE,
    can_view_org,
    invalid,
    require_admin_of,
    require_operator,
)
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import LEVEL_CHILD, OrgKind, RegionLevel, Role
from core.audit import audit
from core.errors import Conflict, Forbidden, NotFound


def create_region(session: Session, actor: Actor, data: dict[str, Any]) -> Region:
    require_operator(actor)
    parent = None
    if data.get("parent_id") is not None:
        parent = session.get(Region, data["parent_id"])
        if parent is None:
            raise invalid("parent_id", "No such parent region.")
        level = LEVEL_CHILD.get(RegionLevel(parent.level))
        if level is None:
            raise invalid("parent_id", "A county has no sub-regions.")
    else:
        if session.scalar(select(Region.id).where(Region.parent_id.is_(None))) is not None:
            raise invalid("parent_id", "There is already a top region.")
        level = RegionLevel.REGION
    if session.scalar(select(Region.id).where(Region.code == data["code"])) is not None:
        raise Conflict("This region code is taken.", code="duplicate_code")
    region = Region(
        code=data["code"],
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        level=level.value,
        parent_id=parent.id if parent else None,
        path="",
    )
    session.add(region)
    session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    audit(
        session, actor, "region.created", ("region", region.id), _region_payload(region), region.id
    )
    return region


def _region_payload(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name_zh": region.name_zh,
        "level": region.level,
        "parent_id": region.parent_id,
    }


def list_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.path)))


def get_organisation(session: Session, actor: Actor, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    if not can_view_org(actor, org):
        raise Forbidden("This is another organisation's data.")
    return org


def organisation_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Organisations the actor may see, filtered; a select() to paginate."""
    query = select(Organisation).join(Region).order_by(Organisation.id)
    if actor.has(Role.OPERATOR):
        pass
    elif actor.has(Role.SUPERVISOR, Role.PRICE_MONITOR) and actor.region_path:
        query = query.where(Region.path.startswith(actor.region_path))
    else:
        query = query.where(Organisation.id == actor.organisation_id)
    if filters.get("kind"):
        query = query.where(Organisation.kind == filters["kind"])
    if filters.get("region_id"):
        region_path = select(Region.path).where(Region.id == filters["region_id"]).scalar_subquery()
        query = query.where(Region.path.startswith(region_path))
    if filters.get("q"):
        like = f"%{filters['q']}%"
        query = query.where(Organisation.name_zh.like(like) | Organisation.name_en.like(like))
    return query


def _org_payload(org: Organisation) -> dict[str, Any]:
    return {
        "kind": org.kind,
        "name_zh": org.name_zh,
        "name_en": org.name_en,
        "credit_code": org.credit_code,
        "region_id": org.region_id,
        "active": org.active,
    }


def create_organisation(session: Session, actor: Actor, data: dict[str, Any]) -> Organisation:
    require_operator(actor)
    code = data["credit_code"].strip().upper()
    if not CREDIT_CODE.match(code):
        raise invalid(
            "credit_code",
            "Not a unified social credit code (18 characters).",
        )
    if session.get(Region, data["region_id"]) is None:
        raise invalid("region_id", "No such region.")
    if session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        raise Conflict(
            "An organisation with this credit code exists.",
            code="duplicate_credit_code",
        )
    org = Organisation(
        kind=OrgKind(data["kind"]).value,
        name_zh=data["name_zh"],
        name_en=data.get("name_en") or data["name_zh"],
        credit_code=code,
        region_id=data["region_id"],
        active=True,
    )
    session.add(org)
    session.flush()
    key = signatures.create_key(session, org.id)
    payload = _org_payload(org) | {"public_key": key.public_key.hex()}
    audit(session, actor, "organisation.created", ("organisation", org.id), payload, org.region_id)
    return org


def update_organisation(
    session: Session, actor: Actor, org_id: int, data: dict[str, Any]
) -> Organisation:
    require_operator(actor)
    org = get_organisation(session, actor, org_id)
    if data.get("active") is False and org.id == actor.organisation_id:
        raise Conflict(
            "You cannot deactivate your own organisation.",
            code="self_deactivate",
        )
    changes = {}
    for name in ("name_zh", "name_en", "active"):
        if name in data and getattr(org, name) != data[name]:
            changes[name] = data[name]
            setattr(org, name, data[name])
    if "region_id" in data and data["region_id"] != org.region_id:
        if session.get(Region, data["region_id"]) is None:
            raise invalid("region_id", "No such region.")
        org.region_id = changes["region_id"] = data["region_id"]
    if changes:
        session.flush()
        audit(
            session, actor, "organisation.updated", ("organisation", org.id), changes, org.region_id
        )
    return org


def rotate_key(session: Session, actor: Actor, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    require_admin_of(actor, org)
    key = signatures.create_key(session, org.id)
    audit(
        session,
        actor,
        "organisation.key_rotated",
        ("organisation", org.id),
        {"key_id": key.id, "public_key": key.public_key.hex()},
    )
    return org
