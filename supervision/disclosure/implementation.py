"""The implementation of an order's contract: milestones (``order.delivered``,
``order.accepted``), transactions (``payment.succeeded``, ``payment.refunded``), amendments
(``dispute.ruled``, ``order.reopened``) and its end (``order.closed``)."""

from __future__ import annotations

from typing import Any

from supervision.disclosure.parts import Change, Parts, _dec, iso, value
from supervision.ledger.models import LedgerEntry

_MILESTONES = {
    "order.delivered": ("delivery", "交付 Delivered"),
    "order.accepted": ("approval", "验收 Accepted"),
}


def order_milestone(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def payment(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def order_closed(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def dispute_ruled(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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


def order_reopened(b: Parts, entry: LedgerEntry, p: dict[str, Any]) -> list[Change]:
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
