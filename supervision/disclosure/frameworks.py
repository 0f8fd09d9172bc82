"""The releases of a framework agreement (``agreement.solicitation_published``,
``agreement.result_published``) and of its call-offs (``agreement.calloff_placed``,
``agreement.calloff_ordered``), each a process of its own related to the agreement's."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from core import clock
from supervision.disclosure.parts import Change, Parts, _period, iso, value
from supervision.ledger.models import LedgerEntry


def solicitation_published(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    number = p.get("number") or f"solicitation-{entry.subject_id}"
    ocid = b.ocid(number)
    solicitor = p.get("solicitor_id") or entry.actor_org_id
    names = {
        str(item["item_id"]): {
            "name": item.get("name_zh") or p.get("title"),
            "unit": item.get("unit"),
        }
        for item in p.get("items") or []
    }
    process = b.make_link(
        entry,
        "solicitation",
        entry.subject_id,
        ocid,
        buyer_id=solicitor,
        facts={"number": number, "title": p.get("title"), "items": names},
    )
    items = []
    for item in p.get("items") or []:
        row: dict[str, Any] = {
            "id": str(item["item_id"]),
            "description": names[str(item["item_id"])]["name"],
        }
        if item.get("estimated_quantity"):
            row["quantity"] = int(item["estimated_quantity"])
        unit: dict[str, Any] = {}
        if item.get("unit"):
            unit["name"] = item["unit"]
        if item.get("max_unit_price") is not None:
            unit["value"] = value(item["max_unit_price"])
        if unit:
            row["unit"] = unit
        items.append(row)
    tender: dict[str, Any] = {
        "id": number,
        "title": p.get("title") or number,
        "status": "active",
        "procurementMethod": "open",
        "procurementMethodDetails": "框架协议采购征集 Framework agreement solicitation",
        "submissionMethod": ["electronicSubmission"],
        "awardCriteria": "priceOnly" if p.get("evaluation") == "price" else "ratedCriteria",
        "procuringEntity": b.ref(solicitor),
        "items": items,
    }
    if p.get("response_deadline"):
        tender["tenderPeriod"] = _period(None, p["response_deadline"])
    if p.get("term_starts") and p.get("term_ends"):
        tender["contractPeriod"] = {
            "startDate": _day_start(p["term_starts"]),
            "endDate": _day_start(p["term_ends"]),
        }
    sections = {
        "parties": b.parties({solicitor: b.buyer_roles(process, solicitor)}),
        **b.with_buyer(process),
        "tender": tender,
    }
    return [(ocid, ["tender"], sections, None)]


def _day_start(day: str) -> str:
    return datetime.combine(date.fromisoformat(str(day)[:10]), time(0), clock.SHANGHAI).isoformat()


def result_published(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """The agreement's entrants: one award each, its items at the entrant's agreed unit prices."""
    process = b.link("solicitation", entry.subject_id)
    if process is None:
        return []
    facts = b.facts(process)
    b.make_link(
        entry,
        "agreement",
        p.get("agreement_id"),
        process.ocid,
        buyer_id=process.buyer_id,
        facts={"number": p.get("number"), "title": facts.get("title"), "items": facts.get("items")},
    )
    names = facts.get("items") or {}
    awards, roles = [], {process.buyer_id: b.buyer_roles(process, process.buyer_id)}
    for entrant in p.get("entrants") or []:
        supplier = entrant["supplier_id"]
        roles[supplier] = ["supplier"]
        items = []
        for item_id, price in sorted(
            (entrant.get("prices") or {}).items(), key=lambda kv: int(kv[0])
        ):
            known = names.get(str(item_id)) or {}
            unit: dict[str, Any] = {"value": value(price)}
            if known.get("unit"):
                unit["name"] = known["unit"]
            items.append(
                {
                    "id": str(item_id),
                    "description": known.get("name") or facts.get("title") or "",
                    "unit": unit,
                }
            )
        award: dict[str, Any] = {
            "id": f"{p.get('number') or process.ocid}-{entrant.get('rank')}",
            "title": f"{facts.get('title') or ''} 入围第 {entrant.get('rank')} 名",
            "status": "active",
            "date": iso(entry.at),
            "suppliers": [b.ref(supplier)],
            "items": items,
        }
        if p.get("term_starts") and p.get("term_ends"):
            award["contractPeriod"] = {
                "startDate": _day_start(p["term_starts"]),
                "endDate": _day_start(p["term_ends"]),
            }
        awards.append(award)
    tender = {"id": facts.get("number") or process.ocid, "status": "complete"}
    if p.get("entrants"):
        tender["numberOfTenderers"] = len(p["entrants"])
    sections = {"parties": b.parties(roles), "tender": tender, "awards": awards}
    title = f"{facts.get('title') or ''} 入围结果"
    return [(process.ocid, ["tenderUpdate", "award"], sections, title)]


_CALLOFF_METHODS = {
    "direct": ("limited", "框架协议直接选定 Framework call-off by direct selection"),
    "rotation": ("limited", "框架协议顺序轮候 Framework call-off by rotation"),
    "secondary_competition": (
        "selective",
        "框架协议二次竞价 Framework call-off by secondary competition",
    ),
}


def calloff_placed(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    agreement = b.link("agreement", p.get("agreement_id"))
    if agreement is None:
        return []
    number = p.get("number") or f"calloff-{entry.subject_id}"
    ocid = b.ocid(number)
    purchaser = p.get("purchaser_id") or entry.actor_org_id
    process = b.make_link(
        entry, "calloff", entry.subject_id, ocid, buyer_id=purchaser, facts={"number": number}
    )
    facts = b.facts(agreement)
    names = facts.get("items") or {}
    items = []
    for row in p.get("items") or []:
        known = names.get(str(row["item_id"])) or {}
        item: dict[str, Any] = {
            "id": str(row["item_id"]),
            "description": known.get("name") or facts.get("title") or number,
            "quantity": int(row.get("quantity") or 1),
        }
        if known.get("unit"):
            item["unit"] = {"name": known["unit"]}
        items.append(item)
    method, details = _CALLOFF_METHODS.get(
        p.get("method") or "", ("limited", "框架协议采购 Framework call-off")
    )
    sections = {
        "parties": b.parties({purchaser: b.buyer_roles(process, purchaser)}),
        **b.with_buyer(process),
        "tender": {
            "id": number,
            "title": f"{facts.get('title') or ''} 采购（{number}）",
            "status": "active",
            "procurementMethod": method,
            "procurementMethodDetails": details,
            "procuringEntity": b.ref(purchaser),
            "items": items,
        },
        "relatedProcesses": [
            {
                "id": "framework",
                "relationship": ["framework"],
                "title": facts.get("title") or agreement.ocid,
                "scheme": "ocid",
                "identifier": agreement.ocid,
            }
        ],
    }
    return [(ocid, ["tender"], sections, None)]


def calloff_ordered(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    process = b.link("calloff", entry.subject_id)
    if process is None:
        return []
    tender = {"id": b.facts(process).get("number") or process.ocid, "status": "complete"}
    return [(process.ocid, ["tenderUpdate"], {"tender": tender}, None)]
