"""The releases of a reverse auction (``auction.published`` and how it ended) and of a volume
purchase (``pool.opened``, ``pool.auctioned`` and how it ended)."""

from __future__ import annotations

from typing import Any

from supervision.disclosure.parts import Change, Parts, _dec, _drop_none, _period, value
from supervision.ledger.models import LedgerEntry


def _auction_tender(p: dict[str, Any], number: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": "1", "description": p.get("title") or number}
    if p.get("quantity"):
        item["quantity"] = int(p["quantity"])
    unit: dict[str, Any] = {}
    if p.get("unit"):
        unit["name"] = p["unit"]
    if p.get("ceiling") is not None:  # only a ceiling shown to bidders is on the entry
        unit["value"] = value(p["ceiling"])
    if unit:
        item["unit"] = unit
    tender: dict[str, Any] = {
        "id": number,
        "title": p.get("title") or number,
        "status": "active",
        "procurementMethod": "open",
        "procurementMethodDetails": "网上竞价（电子反拍） Online reverse auction",
        "submissionMethod": ["electronicAuction"],
        "awardCriteria": "priceOnly",
        "items": [item],
    }
    if p.get("ceiling") is not None and p.get("quantity"):
        tender["value"] = value(_dec(p["ceiling"]) * int(p["quantity"]))
    return tender


def auction_published(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    if p.get("pool_id") is not None:
        pool = b.link("pool", p["pool_id"])
        if pool is not None:
            b.make_link(entry, "auction", entry.subject_id, pool.ocid, buyer_id=pool.buyer_id)
        return []  # pool.auctioned tells the pool's process
    if p.get("calloff_id") is not None:
        calloff = b.link("calloff", p["calloff_id"])
        if calloff is None:
            return []
        b.make_link(entry, "auction", entry.subject_id, calloff.ocid, buyer_id=calloff.buyer_id)
        tender = {
            "id": b.facts(calloff).get("number") or calloff.ocid,
            "procurementMethod": "selective",
            "procurementMethodDetails": "框架协议二次竞价 Secondary competition among the entrants",
            "submissionMethod": ["electronicAuction"],
            "tenderPeriod": _period(p.get("starts_at"), p.get("ends_at")),
        }
        return [(calloff.ocid, ["tenderUpdate"], {"tender": tender}, None)]
    number = p.get("number") or f"auction-{entry.subject_id}"
    ocid = b.ocid(number)
    process = b.make_link(
        entry,
        "auction",
        entry.subject_id,
        ocid,
        buyer_id=entry.actor_org_id,
        facts={"number": number, "title": p.get("title")},
    )
    tender = _auction_tender(p, number)
    tender["procuringEntity"] = b.ref(entry.actor_org_id) if entry.actor_org_id else None
    tender["tenderPeriod"] = _period(p.get("starts_at"), p.get("ends_at"))
    _drop_none(tender)
    sections = {
        "parties": b.parties({entry.actor_org_id: b.buyer_roles(process, entry.actor_org_id)}),
        **b.with_buyer(process),
        "tender": tender,
    }
    return [(ocid, ["tender"], sections, None)]


_TENDER_ENDS = {
    "auction.awarded": ("complete", "tenderUpdate"),
    "auction.failed": ("unsuccessful", "tenderUpdate"),
    "auction.cancelled": ("cancelled", "tenderCancellation"),
    "pool.awarded": ("complete", "tenderUpdate"),
    "pool.failed": ("unsuccessful", "tenderUpdate"),
    "pool.cancelled": ("cancelled", "tenderCancellation"),
    "agreement.calloff_unfilled": ("unsuccessful", "tenderUpdate"),
}


def tender_ended(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    kind = entry.action.split(".")[0]
    kind = "calloff" if kind == "agreement" else kind
    process = b.link(kind, entry.subject_id)
    if process is None:
        return []
    if kind == "auction" and not b.facts(process).get("number"):
        return []  # a pool's or a call-off's auction: its own process says how it ended
    status, tag = _TENDER_ENDS[entry.action]
    tender: dict[str, Any] = {
        "id": b.facts(process).get("number") or process.ocid,
        "status": status,
    }
    if p.get("bidder_count") is not None:
        tender["numberOfTenderers"] = int(p["bidder_count"])
    return [(process.ocid, [tag], {"tender": tender}, None)]


def pool_opened(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    number = p.get("number") or f"pool-{entry.subject_id}"
    ocid = b.ocid(number)
    organiser = p.get("organiser_id") or entry.actor_org_id
    process = b.make_link(
        entry, "pool", entry.subject_id, ocid, buyer_id=organiser, facts={"number": number}
    )
    tender = _auction_tender({**p, "quantity": None}, number)
    tender["procurementMethodDetails"] = (
        "带量采购（需求汇总后网上竞价） Volume purchase: pooled demand, then an online reverse auction"
    )
    tender["procuringEntity"] = b.ref(organiser)
    tender["tenderPeriod"] = _period(p.get("auction_starts_at"), p.get("auction_ends_at"))
    sections = {
        "parties": b.parties({organiser: b.buyer_roles(process, organiser)}),
        **b.with_buyer(process),
        "tender": tender,
    }
    return [(ocid, ["tender"], sections, None)]


def pool_auctioned(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    pool = b.link("pool", entry.subject_id)
    if pool is None:
        return []
    if p.get("auction_id") is not None:
        b.make_link(entry, "auction", p["auction_id"], pool.ocid, buyer_id=pool.buyer_id)
    tender: dict[str, Any] = {
        "id": b.facts(pool).get("number") or pool.ocid,
        "tenderPeriod": _period(p.get("starts_at"), p.get("ends_at")),
    }
    if p.get("quantity"):
        tender["items"] = [{"id": "1", "quantity": int(p["quantity"])}]
    return [(pool.ocid, ["tenderUpdate"], {"tender": tender}, None)]
