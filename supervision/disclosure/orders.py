"""The releases of an order (all sources) and of its contract: ``order.placed`` (a direct
purchase's tender and award), ``order.awarded`` (an award of an auction, a volume purchase or a
call-off), ``order.confirmed`` / ``order.declined`` / ``order.lapsed`` / ``order.cancelled``,
``contract.created`` and ``contract.signed``."""

from __future__ import annotations

import json
from typing import Any

from supervision.disclosure.parts import Change, Parts, _drop_none, iso, value
from supervision.ledger.models import LedgerEntry

# ---------------------------------------------------------------- items


def _order_items(payload: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for index, line in enumerate(payload.get("items") or [], start=1):
        item: dict[str, Any] = {"id": str(index), "quantity": int(line.get("quantity") or 1)}
        if line.get("title_zh"):
            item["description"] = line["title_zh"]
        unit: dict[str, Any] = {}
        if line.get("unit"):
            unit["name"] = line["unit"]
        if line.get("unit_price") is not None:
            unit["value"] = value(line["unit_price"])
        if unit:
            item["unit"] = unit
        items.append(item)
    return items


def _title(payload: dict[str, Any]) -> str:
    lines = payload.get("items") or []
    if not lines:
        return payload.get("number") or ""
    first = lines[0].get("title_zh") or ""
    return first if len(lines) == 1 else f"{first} 等 {len(lines)} 项"


# ---------------------------------------------------------------- orders (all sources)


def order_placed(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """A direct purchase: its tender (method direct) and its award, pending the supplier."""
    number = p.get("number") or f"order-{entry.subject_id}"
    ocid = b.ocid(number)
    title = _title(p)
    process = b.make_link(
        entry,
        "order",
        entry.subject_id,
        ocid,
        buyer_id=p.get("purchaser_id"),
        supplier_id=p.get("supplier_id"),
        award_id=number,
        facts={"title": title, "total": p.get("total"), "direct": True},
    )
    items = _order_items(p)
    sections = {
        "parties": b.parties(
            {
                p.get("purchaser_id"): ["buyer", "procuringEntity"],
                p.get("supplier_id"): ["supplier"],
            }
        ),
        **b.with_buyer(process),
        "tender": {
            "id": number,
            "title": title,
            "status": "complete",
            "procurementMethod": "direct",
            "procurementMethodDetails": "电子卖场直购 E-mall direct purchase",
            "mainProcurementCategory": _category(p),
            "procuringEntity": b.ref(p["purchaser_id"]),
            "items": items,
            "value": value(p["total"]),
        },
        "awards": [
            {
                "id": number,
                "title": title,
                "status": "pending",
                "date": iso(entry.at),
                "value": value(p["total"]),
                "suppliers": [b.ref(p["supplier_id"])],
                "items": items,
            }
        ],
    }
    _drop_none(sections["tender"])
    return [(ocid, ["tender", "award"], sections, title)]


def _category(p: dict[str, Any]) -> str | None:
    kinds = {line.get("category_kind") for line in p.get("items") or []}
    mapping = {"goods": "goods", "services": "services", "works": "works"}
    if len(kinds) == 1:
        return mapping.get(next(iter(kinds)) or "")
    return None


def order_awarded(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """An award placed as a confirmed order: an auction's, one purchaser's share of a volume
    purchase, or a framework call-off's."""
    source = p.get("source") or "auction"
    process = b.link("calloff" if source == "agreement" else "auction", p.get("source_id"))
    if process is None:
        return []
    number = p.get("number") or f"order-{entry.subject_id}"
    title = _title(p)
    b.make_link(
        entry,
        "order",
        entry.subject_id,
        process.ocid,
        buyer_id=p.get("purchaser_id"),
        supplier_id=p.get("supplier_id"),
        award_id=number,
        facts={"title": title, "total": p.get("total")},
    )
    roles: dict[int | None, list[str]] = {}
    if process.buyer_id is not None:
        roles[process.buyer_id] = b.buyer_roles(process, process.buyer_id)
    roles.setdefault(p.get("purchaser_id"), []).extend(
        ["buyer", *b.buyer_roles(process, p.get("purchaser_id"))]
    )
    roles[p.get("supplier_id")] = ["supplier"]
    buyer = b.org(p.get("purchaser_id"))
    award_title = title
    if process.buyer_id != p.get("purchaser_id") and buyer is not None:
        award_title = f"{title}（{buyer.name_zh}）"  # a share of a volume purchase
    sections = {
        "parties": b.parties(roles),
        "awards": [
            {
                "id": number,
                "title": award_title,
                "status": "active",
                "date": iso(entry.at),
                "value": value(p["total"]),
                "suppliers": [b.ref(p["supplier_id"])],
                "items": _order_items(p),
            }
        ],
    }
    return [(process.ocid, ["award"], sections, award_title)]


_AWARD_ENDS = {
    "order.confirmed": ("active", "awardUpdate"),
    "order.declined": ("unsuccessful", "awardCancellation"),
    "order.lapsed": ("unsuccessful", "awardCancellation"),
    "order.cancelled": ("cancelled", "awardCancellation"),
}


def order_status(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """A direct order confirmed by its supplier, or ended before it was fulfilled."""
    order = b.link("order", entry.subject_id)
    if order is None:
        return []
    status, tag = _AWARD_ENDS[entry.action]
    facts = b.facts(order)
    if entry.action == "order.confirmed" and not facts.get("direct"):
        return []  # an awarded order is confirmed at once
    sections: dict[str, Any] = {"awards": [{"id": order.award_id, "status": status}]}
    tags = [tag]
    if status != "active" and order.contract_id:
        sections["contracts"] = [
            {"id": order.contract_id, "awardID": order.award_id, "status": "cancelled"}
        ]
        tags.append("contractTermination")
    return [(order.ocid, tags, sections, None)]


# ---------------------------------------------------------------- contracts


def contract_created(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    order = b.link("order", p.get("order_id"))
    if order is None:
        return []
    number = p.get("number") or f"contract-{entry.subject_id}"
    b.make_link(entry, "contract", entry.subject_id, order.ocid, buyer_id=order.buyer_id)
    order.contract_id = number
    b.session.flush()
    title = b.facts(order).get("title") or number
    process = b.link_of_process(order)
    sections = {
        "parties": b.order_parties(process, order),
        "contracts": [
            {
                "id": number,
                "awardID": order.award_id,
                "title": title,
                "status": "pending",
                "value": value(p["total"]),
            }
        ],
    }
    return [(order.ocid, ["contract"], sections, title)]


def contract_signed(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """Active once both parties have signed (the first signature changes nothing public)."""
    order = b.link("order", p.get("order_id"))
    if order is None or not order.contract_id:
        return []
    facts = b.facts(order)
    signed = set(facts.get("signed") or []) | {p.get("party")}
    facts["signed"] = sorted(s for s in signed if s)
    order.facts = json.dumps(facts, ensure_ascii=False)
    b.session.flush()
    if not {"purchaser", "supplier"} <= signed:
        return []
    contract = {
        "id": order.contract_id,
        "awardID": order.award_id,
        "status": "active",
        "dateSigned": iso(entry.at),
    }
    return [(order.ocid, ["contractUpdate"], {"contracts": [contract]}, None)]
