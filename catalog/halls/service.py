"""Halls: operators define them; everyone browses them. A hall's listings are its on-shelf picks
first, then the results of its saved search."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.service import require_operator
from catalog.halls.models import HALL_KINDS, Hall, HallPick
from catalog.listings.models import Listing
from catalog.search import service as search_service
from catalog.search.base import SearchBackend
from core.accounts.auth import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from supervision.ledger import record

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
RULE_KEYS = {
    "q",
    "category_id",
    "price_min",
    "price_max",
    "brand",
    "param",
    "sme_only",
    "green_only",
    "region_id",
    "sort",
}


def rule_args(rule: dict[str, Any]) -> dict[str, Any]:
    """A saved rule read as the search API reads its query string (types checked and converted)."""
    from marshmallow import ValidationError

    from catalog.search.schemas import SearchArgs

    try:
        return SearchArgs().load(rule)
    except ValidationError as error:
        raise ValidationFailed(
            "The rule is not a valid search.",
            details={"rule": [f"{key}: {message}" for key, message in error.messages.items()]},
        ) from None


def _check_rule(rule: dict[str, Any] | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    unknown = set(rule) - RULE_KEYS
    if unknown:
        raise ValidationFailed(
            "The rule has unknown keys.",
            details={"rule": [f"unknown: {', '.join(sorted(unknown))}"]},
        )
    search_service.to_query({**rule_args(rule), "page": 1, "per_page": 1})
    return rule


def get_hall(session: Session, key: int | str) -> Hall:
    hall = (
        session.get(Hall, key)
        if isinstance(key, int)
        else session.scalars(select(Hall).where(Hall.slug == key)).first()
    )
    if hall is None:
        raise NotFound("No such hall.")
    return hall


def list_halls(session: Session, include_inactive: bool = False) -> list[Hall]:
    query = select(Hall).order_by(Hall.kind.desc(), Hall.position, Hall.id)
    if not include_inactive:
        query = query.where(Hall.active.is_(True))
    return list(session.scalars(query))


def create_hall(session: Session, actor: Actor, data: dict[str, Any]) -> Hall:
    require_operator(actor)
    errors: dict[str, list[str]] = {}
    if not SLUG.match(data["slug"]):
        errors["slug"] = ["lower-case letters, digits and -"]
    if data["kind"] not in HALL_KINDS:
        errors["kind"] = ["theme or industry"]
    if errors:
        raise ValidationFailed("The hall is invalid.", details=errors)
    if session.scalar(select(Hall.id).where(Hall.slug == data["slug"])):
        raise Conflict("This hall address is taken.", code="duplicate_slug")
    hall = Hall(
        slug=data["slug"],
        kind=data["kind"],
        name_zh=data["name_zh"],
        name_en=data.get("name_en") or data["name_zh"],
        description_zh=data.get("description_zh", ""),
        description_en=data.get("description_en", ""),
        rule=_check_rule(data.get("rule")),
        position=data.get("position", 0),
        active=True,
    )
    session.add(hall)
    session.flush()
    record(
        session,
        actor,
        "hall.created",
        ("hall", hall.id),
        {"slug": hall.slug, "kind": hall.kind, "name_zh": hall.name_zh, "rule": hall.rule},
    )
    return hall


def update_hall(session: Session, actor: Actor, hall_id: int, data: dict[str, Any]) -> Hall:
    require_operator(actor)
    hall = get_hall(session, hall_id)
    if "rule" in data:
        data["rule"] = _check_rule(data["rule"])
    changes = {}
    for name in (
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
        "rule",
        "active",
        "position",
    ):
        if name in data and getattr(hall, name) != data[name]:
            changes[name] = data[name]
            setattr(hall, name, data[name])
    if changes:
        session.flush()
        record(session, actor, "hall.updated", ("hall", hall.id), changes)
    return hall


def pick(session: Session, actor: Actor, hall_id: int, listing_id: int) -> Hall:
    require_operator(actor)
    hall = get_hall(session, hall_id)
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != "approved":
        raise ValidationFailed(
            "Only on-shelf listings can be picked.",
            details={"listing_id": ["not on the shelf"]},
        )
    if all(p.listing_id != listing_id for p in hall.picks):
        hall.picks.append(HallPick(listing_id=listing_id, position=len(hall.picks)))
        session.flush()
        record(session, actor, "hall.listing_picked", ("hall", hall.id), {"listing_id": listing_id})
    return hall


def unpick(session: Session, actor: Actor, hall_id: int, listing_id: int) -> Hall:
    require_operator(actor)
    hall = get_hall(session, hall_id)
    for p in list(hall.picks):
        if p.listing_id == listing_id:
            hall.picks.remove(p)
            session.flush()
            record(
                session,
                actor,
                "hall.listing_unpicked",
                ("hall", hall.id),
                {"listing_id": listing_id},
            )
    return hall


def hall_listings(
    session: Session, backend: SearchBackend, hall: Hall, page: int, per_page: int
) -> dict[str, Any]:
    """Picks that are on the shelf first, in the operator's order, then the saved search's results
    without repeats."""
    picked = [p.listing_id for p in hall.picks]
    on_shelf = set(
        session.scalars(
            select(Listing.id).where(Listing.id.in_(picked), Listing.status == "approved")
        )
    )
    ids = [i for i in picked if i in on_shelf]
    seen = set(ids)
    total = len(ids)
    if hall.rule is not None:
        needed, batch = page * per_page, 1
        while True:
            query = search_service.to_query(
                {**rule_args(hall.rule), "page": batch, "per_page": 100}
            )
            result = backend.search(query)
            if batch == 1:
                total += result.total - len(seen & set(result.ids))
            ids += [i for i in result.ids if i not in seen]
            seen.update(result.ids)
            if len(ids) >= needed or len(result.ids) < 100 or batch >= 100:
                break
            batch += 1
    items = search_service.listings_by_ids(session, ids[(page - 1) * per_page : page * per_page])
    return {"items": items, "total": total, "page": page, "per_page": per_page}
