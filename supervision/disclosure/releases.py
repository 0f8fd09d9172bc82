"""What each ledger entry changes in an OCDS process: one release per entry and process.

The processes (their ocid is ``OCDS_PREFIX`` + the mall's number of the process):

- a direct purchase (电子卖场直购): ``order.placed`` opens it with its award (pending until the
  supplier confirms), ``order.confirmed`` makes the award active, ``order.declined`` /
  ``order.lapsed`` / ``order.cancelled`` end it;
- a reverse auction (网上竞价): ``auction.published`` is its tender (``submissionMethod``
  electronicAuction), ``order.awarded`` its award, ``auction.awarded`` / ``auction.failed`` /
  ``auction.cancelled`` close the tender;
- a volume purchase (带量采购): ``pool.opened`` is its tender, ``pool.auctioned`` adds the pooled
  quantity and the auction's period, each purchaser's ``order.awarded`` is an award of its own (the
  purchaser is a buyer and payer in the parties), ``pool.awarded`` / ``pool.failed`` close it;
- a framework agreement (框架协议): ``agreement.solicitation_published`` is its tender,
  ``agreement.result_published`` its awards (one per entrant, each item at its agreed unit price);
  each call-off is a process of its own (``agreement.calloff_placed``) whose ``relatedProcesses``
  names the agreement's ocid with relationship ``framework``, awarded by ``order.awarded``;
- every order's contract: ``contract.created`` (pending), ``contract.signed`` by both parties
  (active, ``dateSigned``), ``order.delivered`` / ``order.accepted`` (implementation milestones),
  ``payment.succeeded`` / ``payment.refunded`` (implementation transactions), ``dispute.ruled`` and
  ``order.reopened`` (amendments; a ruling that refunds the whole amount paid terminates the
  contract), ``order.closed`` (terminated: completed).

Only organisations appear as parties (name and unified social credit code); no person, address,
phone, address of a request or device is ever read into a release.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.models import Organisation
from supervision.disclosure.models import OcdsLink
from supervision.ledger.models import LedgerEntry

#: The org-id.guide list for the People's Republic of China whose identifiers are the unified
#: social credit codes (统一社会信用代码, GB 32100-2015) of the registration authority (SAIC, now
#: SAMR); government units hold codes of the same form.
SCHEME = "CN-SAIC"
CURRENCY = "CNY"

Release = dict[str, Any]
#: (ocid, tags, sections, notice title or None)
Change = tuple[str, list[str], dict[str, Any], str | None]


def iso(at: Any) -> str:
    """A time as ISO 8601 with its offset, in Asia/Shanghai."""
    return clock.local(at).isoformat(timespec="seconds")


def value(amount: Any) -> dict[str, Any]:
    return {"amount": Decimal(str(amount)).quantize(Decimal("0.01")), "currency": CURRENCY}


def _dec(amount: Any) -> Decimal:
    return Decimal(str(amount))


class Builder:
    """Turns ledger entries into releases, remembering links between them in ``ocds_links``."""

    def __init__(self, session: Session, prefix: str):
        self.session = session
        self.prefix = prefix
        self._orgs: dict[int, Organisation | None] = {}

    # ------------------------------------------------------------ links and parties

    def ocid(self, number: str) -> str:
        return f"{self.prefix}-{number}"

    def link(self, kind: str, ref_id: Any) -> OcdsLink | None:
        if ref_id is None:
            return None
        return self.session.get(OcdsLink, (kind, int(ref_id)))

    def make_link(
        self, entry: LedgerEntry, kind: str, ref_id: Any, ocid: str, **fields: Any
    ) -> OcdsLink:
        found = self.link(kind, ref_id)
        facts = fields.pop("facts", None)
        if found is None:
            found = OcdsLink(kind=kind, ref_id=int(ref_id), ocid=ocid, seq=entry.seq, facts="{}")
            self.session.add(found)
        for name, given in fields.items():
            setattr(found, name, given)
        if facts is not None:
            found.facts = json.dumps(facts, ensure_ascii=False, default=str)
        self.session.flush()
        return found

    @staticmethod
    def facts(link: OcdsLink | None) -> dict[str, Any]:
        return json.loads(link.facts or "{}") if link is not None else {}

    def org(self, org_id: int | None) -> Organisation | None:
        if org_id is None:
            return None
        if org_id not in self._orgs:
            self._orgs[org_id] = self.session.get(Organisation, org_id)
        return self._orgs[org_id]

    def party_id(self, org_id: int) -> str:
        org = self.org(org_id)
        return f"{SCHEME}-{org.credit_code}" if org is not None else f"org-{org_id}"

    def ref(self, org_id: int) -> dict[str, Any]:
        org = self.org(org_id)
        out: dict[str, Any] = {"id": self.party_id(org_id)}
        if org is not None:
            out["name"] = org.name_zh
        return out

    def parties(self, roles: dict[int | None, list[str]]) -> list[dict[str, Any]]:
        out = []
        for org_id, wanted in roles.items():
            if org_id is None:
                continue
            org = self.org(org_id)
            party: dict[str, Any] = {"id": self.party_id(org_id)}
            if org is not None:
                party["name"] = org.name_zh
                party["identifier"] = {
                    "scheme": SCHEME,
                    "id": org.credit_code,
                    "legalName": org.name_zh,
                }
            party["roles"] = sorted(set(wanted))
            out.append(party)
        return out

    def buyer_roles(self, process: OcdsLink, org_id: int | None) -> list[str]:
        """The roles an organisation has in a process by being its buyer or procuring entity."""
        roles: list[str] = []
        if org_id is not None and org_id == process.buyer_id:
            roles.append("procuringEntity")
            org = self.org(org_id)
            if org is None or org.kind == "purchaser":
                roles.append("buyer")
        return roles

    def with_buyer(self, process: OcdsLink) -> dict[str, Any]:
        """``buyer`` of a process, when its procuring entity is a purchaser."""
        if process.buyer_id is None:
            return {}
        org = self.org(process.buyer_id)
        if org is not None and org.kind != "purchaser":
            return {}
        return {"buyer": self.ref(process.buyer_id)}

    def order_parties(
        self, process: OcdsLink, order: OcdsLink, *extra: str
    ) -> list[dict[str, Any]]:
        """The buyer (and procuring entity) and the supplier of an order, with ``extra`` roles
        ("payer" / "payee" for a payment; both for a refund)."""
        buyer_extra = [r for r in extra if r in ("payer", "payee")]
        roles: dict[int | None, list[str]] = {}
        if process.buyer_id is not None and process.buyer_id != order.buyer_id:
            roles[process.buyer_id] = self.buyer_roles(process, process.buyer_id)
        roles[order.buyer_id] = ["buyer", *self.buyer_roles(process, order.buyer_id), *buyer_extra]
        if order.supplier_id is not None:
            supplier_extra = {"payer": "payee", "payee": "payer"}
            roles[order.supplier_id] = ["supplier", *(supplier_extra[r] for r in buyer_extra)]
        return self.parties(roles)

    # ------------------------------------------------------------ the entries

    def changes(self, entry: LedgerEntry) -> list[Change]:
        handler = HANDLERS.get(entry.action)
        if handler is None:
            return []
        payload = json.loads(entry.payload)
        return handler(self, entry, payload)

    def release(self, entry: LedgerEntry, change: Change) -> Release:
        ocid, tags, sections, _ = change
        return {
            "ocid": ocid,
            "id": f"{ocid}-{entry.seq}",
            "date": iso(entry.at),
            "tag": tags,
            "initiationType": "tender",
            "language": "zh",
            **sections,
        }


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


def order_placed(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def _drop_none(section: dict[str, Any]) -> None:
    for key in [k for k, v in section.items() if v is None]:
        del section[key]


def order_awarded(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def order_status(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def contract_created(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def contract_signed(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


_MILESTONES = {
    "order.delivered": ("delivery", "交付 Delivered"),
    "order.accepted": ("approval", "验收 Accepted"),
}


def order_milestone(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    order = b.link("order", entry.subject_id)
    if order is None or not order.contract_id:
        return []
    kind, title = _MILESTONES[entry.action]
    milestone: dict[str, Any] = {
        "id": f"{kind}-{entry.seq}",
        "title": title,
        "type": kind,
        "status": "met",
        "dateMet": iso(entry.at),
    }
    if entry.action == "order.accepted" and p.get("partial"):
        milestone["status"] = "partiallyMet"
    contract = {
        "id": order.contract_id,
        "awardID": order.award_id,
        "implementation": {"milestones": [milestone]},
    }
    return [(order.ocid, ["implementation"], {"contracts": [contract]}, None)]


def payment(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """A payment the gateway confirmed (buyer → supplier) or a refund (supplier → buyer)."""
    order = b.link("order", p.get("order"))
    if order is None or not order.contract_id or order.buyer_id is None:
        return []
    refund = entry.action == "payment.refunded"
    payer, payee = order.buyer_id, order.supplier_id
    if refund:
        payer, payee = payee, payer
    amount = p.get("refund_amount") if refund else p.get("amount")
    if amount is None or payer is None or payee is None:
        return []
    ident = f"refund-{p.get('refund')}" if refund else f"payment-{entry.subject_id}"
    transaction = {
        "id": ident,
        "date": iso(entry.at),
        "value": value(amount),
        "payer": b.ref(payer),
        "payee": b.ref(payee),
    }
    process = b.link_of_process(order)
    roles = ("payer", "payee") if refund else ("payer",)
    sections = {
        "parties": b.order_parties(process, order, *roles),
        "contracts": [
            {
                "id": order.contract_id,
                "awardID": order.award_id,
                "implementation": {"transactions": [transaction]},
            }
        ],
    }
    return [(order.ocid, ["implementation"], sections, None)]


def order_closed(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    order = b.link("order", entry.subject_id)
    if order is None or not order.contract_id:
        return []
    contract = {"id": order.contract_id, "awardID": order.award_id, "status": "terminated"}
    return [(order.ocid, ["contractTermination"], {"contracts": [contract]}, None)]


_OUTCOMES = {
    "upheld": "支持申请 Upheld",
    "rejected_no_violation": "驳回（无违约） Rejected: no violation",
    "rejected_insufficient_evidence": "驳回（证据不足） Rejected: insufficient evidence",
    "withdrawn": "申请人撤回 Withdrawn by the applicant",
    "settled": "调解结案 Settled by mediation",
}


def dispute_ruled(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    """A ruling amends the contract (its outcome, a refund, a re-opening); a refund of everything
    the contract was worth terminates it."""
    order = b.link("order", p.get("order_id"))
    if order is None or not order.contract_id:
        return []
    outcome = _OUTCOMES.get(p.get("outcome") or "", p.get("outcome") or "")
    parts = [f"纠纷裁决 Dispute ruling: {outcome}"]
    refund = p.get("refund_amount")
    if refund is not None:
        parts.append(f"退款 refund ¥{_dec(refund):.2f}")
    if p.get("reopen"):
        parts.append("重新履行 re-opened for a replacement")
    amendment = {
        "id": f"dispute-{entry.subject_id}",
        "date": iso(entry.at),
        "rationale": "；".join(parts),
    }
    contract: dict[str, Any] = {
        "id": order.contract_id,
        "awardID": order.award_id,
        "amendments": [amendment],
    }
    tags = ["contractAmendment"]
    total = b.facts(order).get("total")
    if refund is not None and total is not None and _dec(refund) >= _dec(total):
        contract["status"] = "terminated"
        amendment["description"] = "全额退款，合同终止 Refunded in full: the contract is terminated"
        tags.append("contractTermination")
    return [(order.ocid, tags, {"contracts": [contract]}, None)]


def order_reopened(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    order = b.link("order", entry.subject_id)
    if order is None or not order.contract_id:
        return []
    amendment = {
        "id": f"reopened-{entry.seq}",
        "date": iso(entry.at),
        "rationale": "纠纷裁决重新履行 Re-opened for a replacement by the ruling on dispute "
        f"{p.get('dispute_id')}",
    }
    contract = {
        "id": order.contract_id,
        "awardID": order.award_id,
        "status": "active",
        "amendments": [amendment],
    }
    return [(order.ocid, ["contractAmendment"], {"contracts": [contract]}, None)]


# ---------------------------------------------------------------- auctions and pools


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


def auction_published(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def _period(start: Any, end: Any) -> dict[str, Any]:
    out = {}
    if start:
        out["startDate"] = iso(datetime.fromisoformat(start) if isinstance(start, str) else start)
    if end:
        out["endDate"] = iso(datetime.fromisoformat(end) if isinstance(end, str) else end)
    return out


_TENDER_ENDS = {
    "auction.awarded": ("complete", "tenderUpdate"),
    "auction.failed": ("unsuccessful", "tenderUpdate"),
    "auction.cancelled": ("cancelled", "tenderCancellation"),
    "pool.awarded": ("complete", "tenderUpdate"),
    "pool.failed": ("unsuccessful", "tenderUpdate"),
    "pool.cancelled": ("cancelled", "tenderCancellation"),
    "agreement.calloff_unfilled": ("unsuccessful", "tenderUpdate"),
}


def tender_ended(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def pool_opened(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def pool_auctioned(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


# ---------------------------------------------------------------- framework agreements


def solicitation_published(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def result_published(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def calloff_placed(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def calloff_ordered(b: Builder, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
    process = b.link("calloff", entry.subject_id)
    if process is None:
        return []
    tender = {"id": b.facts(process).get("number") or process.ocid, "status": "complete"}
    return [(process.ocid, ["tenderUpdate"], {"tender": tender}, None)]


def _link_of_process(self: Builder, order: OcdsLink) -> OcdsLink:
    """The process an order's link belongs to (a direct order is its own)."""
    for kind in ("auction", "pool", "calloff", "solicitation"):
        found = self.session.scalars(
            select(OcdsLink).where(OcdsLink.ocid == order.ocid, OcdsLink.kind == kind).limit(1)
        ).first()
        if found is not None:
            return found
    return order


Builder.link_of_process = _link_of_process  # type: ignore[attr-defined]


HANDLERS: dict[str, Callable[[Builder, LedgerEntry, dict[str, Any]], list[Change]]] = {
    "order.placed": order_placed,
    "order.awarded": order_awarded,
    "order.confirmed": order_status,
    "order.declined": order_status,
    "order.lapsed": order_status,
    "order.cancelled": order_status,
    "contract.created": contract_created,
    "contract.signed": contract_signed,
    "order.delivered": order_milestone,
    "order.accepted": order_milestone,
    "payment.succeeded": payment,
    "payment.refunded": payment,
    "order.closed": order_closed,
    "dispute.ruled": dispute_ruled,
    "order.reopened": order_reopened,
    "auction.published": auction_published,
    "auction.awarded": tender_ended,
    "auction.failed": tender_ended,
    "auction.cancelled": tender_ended,
    "pool.opened": pool_opened,
    "pool.auctioned": pool_auctioned,
    "pool.awarded": tender_ended,
    "pool.failed": tender_ended,
    "pool.cancelled": tender_ended,
    "agreement.solicitation_published": solicitation_published,
    "agreement.result_published": result_published,
    "agreement.calloff_placed": calloff_placed,
    "agreement.calloff_ordered": calloff_ordered,
    "agreement.calloff_unfilled": tender_ended,
}
ACTIONS = tuple(HANDLERS)
