"""Contract use cases (MALL-4, 电子合同 / 无合同不支付).

Confirming an order writes its contract: every term as canonical JSON, whose SHA-256 goes on the
ledger. Each party signs those exact bytes with its organisation's key; only a user of that party's
organisation can. Reading a contract tells whether its content still matches its hash (here and on the
ledger) and whether each signature verifies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.enrolment.models import SupplierProfile
from core import canonical, signatures
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.errors import Conflict, Forbidden, NotFound
from mall.contracts.models import Contract, ContractSignature
from mall.locks import lock
from mall.orders import notices
from mall.orders.access import party_of
from mall.orders.models import Order
from supervision.ledger import record
from supervision.ledger.models import LedgerEntry

#: Orders in these statuses no longer need (or allow) signatures.
VOID_STATUSES = ("declined", "cancelled", "lapsed")

ACCEPTANCE_TERMS_ZH = (
    "采购人按本合同约定的品目、数量和质量组织履约验收并出具验收记录；可部分验收，"
    "按实际验收合格的数量结算；验收不通过的，采购人须书面说明理由，供应商整改后重新交付。"
)
ACCEPTANCE_TERMS_EN = (
    "The purchaser checks the delivery against the items, quantities and quality agreed here and "
    "records the acceptance; acceptance may be partial and is settled by the quantities accepted; a "
    "refusal states its reasons, and the supplier delivers again after putting things right."
)
PAYMENT_TERMS_ZH = (
    "无合同不支付、无验收不结项：本合同经双方电子签署且履约验收完成后，采购人按验收金额，"
    "通过政府采购支付渠道向供应商支付。"
)
PAYMENT_TERMS_EN = (
    "No payment without a contract, no closing without acceptance: once both parties have signed "
    "this contract electronically and acceptance is recorded, the purchaser pays the accepted "
    "amount to the supplier through the procurement payment channel."
)


def _party(org: Organisation, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "organisation_id": org.id,
        "name_zh": org.name_zh,
        "name_en": org.name_en,
        "credit_code": org.credit_code,
        "region": org.region.name_zh,
        **(extra or {}),
    }


def contract_number(order: Order) -> str:
    return "HT" + order.number.removeprefix("ZC")


TITLES = {
    "mall": {
        "title_zh": "政府采购合同（电子卖场网上直购）",
        "title_en": "Government procurement contract (e-mall direct purchase)",
    },
    "auction": {
        "title_zh": "政府采购合同（电子卖场网上竞价）",
        "title_en": "Government procurement contract (e-mall reverse auction)",
    },
    "agreement": {
        "title_zh": "政府采购合同（框架协议采购）",
        "title_en": "Government procurement contract (framework agreement call-off)",
    },
}


def terms(session: Session, order: Order) -> dict[str, Any]:
    """Every term of the order's contract."""
    profile = session.get(SupplierProfile, order.supplier_id)
    codes = dict(
        session.execute(
            select(Category.id, Category.code).where(
                Category.id.in_({item.category_id for item in order.items})
            )
        ).all()
    )
    line = order.budget_line
    return {
        "contract_no": contract_number(order),
        **TITLES[order.source],
        "order": {"id": order.id, "number": order.number, "placed_at": order.placed_at},
        **({"auction_id": order.source_id} if order.source == "auction" else {}),
        **({"calloff_id": order.source_id} if order.source == "agreement" else {}),
        "confirmed_at": order.confirmed_at,
        "purchaser": _party(order.purchaser),
        "supplier": _party(
            order.supplier, {"enterprise_size": profile.enterprise_size if profile else None}
        ),
        "items": [
            {
                "no": n,
                "listing_id": item.listing_id,
                "category_code": codes.get(item.category_id),
                "title_zh": item.title_zh,
                "title_en": item.title_en,
                "brand": item.brand,
                "model": item.model,
                "params": item.params,
                "unit_price": item.unit_price,
                "quantity": item.quantity,
                "line_total": item.line_total,
                # 定点服务: the service's date, place and details are terms too
                **({"service": item.service} if item.service else {}),
            }
            for n, item in enumerate(order.items, start=1)
        ],
        "total": order.total,
        "currency": "CNY",
        "funding": {"fiscal_year": line.fiscal_year, "fund_source": line.fund_source},
        "delivery": {
            "address": order.delivery_address,
            "contact_name": order.contact_name,
            "contact_phone": order.contact_phone,
            "within_days_of_confirmation": order.delivery_days,
        },
        "acceptance": {
            "within_days_of_delivery": order.acceptance_days,
            "terms_zh": ACCEPTANCE_TERMS_ZH,
            "terms_en": ACCEPTANCE_TERMS_EN,
        },
        "payment": {
            "within_days_of_acceptance": order.payment_days,
            "amount": "the accepted amount (验收金额)",
            "terms_zh": PAYMENT_TERMS_ZH,
            "terms_en": PAYMENT_TERMS_EN,
        },
        "law_zh": "本合同依据《中华人民共和国政府采购法》《中华人民共和国民法典》订立。",
        "purchaser_note": order.note,
    }


def create_for_order(
    session: Session, actor: Actor, order: Order, *, tell_purchaser: bool = True
) -> Contract:
    """Write the contract of a just-confirmed order and put its hash on the ledger; the purchaser
    is told it awaits its signature (unless the caller's own notice says so already)."""
    content = canonical.dumps(terms(session, order))
    contract = Contract(
        order_id=order.id,
        number=contract_number(order),
        content=content,
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
    )
    session.add(contract)
    session.flush()
    record(
        session,
        actor,
        "contract.created",
        ("contract", contract.id),
        {
            "order_id": order.id,
            "number": contract.number,
            "sha256": contract.sha256,
            "purchaser_id": order.purchaser_id,
            "supplier_id": order.supplier_id,
            "total": order.total,
        },
        region_id=order.region_id,
    )
    if tell_purchaser:
        notices.contract_awaits_signature(session, contract, order)
    return contract


def get_contract(session: Session, actor: Actor, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("No such contract.")
    if party_of(actor, contract.order) is None:
        raise Forbidden(
            "Only the contract's parties may see it.",
            code="other_organisation",
        )
    return contract


def content_intact(contract: Contract) -> bool:
    return hashlib.sha256(contract.content.encode("utf-8")).hexdigest() == contract.sha256


def ledger_sha256(session: Session, contract: Contract) -> str | None:
    """The hash the ledger recorded when the contract was created."""
    payload = session.scalar(
        select(LedgerEntry.payload).where(
            LedgerEntry.subject_type == "contract",
            LedgerEntry.subject_id == str(contract.id),
            LedgerEntry.action == "contract.created",
        )
    )
    return json.loads(payload)["sha256"] if payload else None


@dataclass(frozen=True)
class SignatureStatus:
    party: str
    organisation_id: int
    key_id: int
    signed_by: int
    signed_at: datetime
    verified: bool


def signature_status(session: Session, contract: Contract) -> list[SignatureStatus]:
    """Each signature, and whether it verifies over the content with a key of its party's
    organisation (as the order names it)."""
    order = contract.order
    document = contract.content.encode("utf-8")
    result = []
    for row in contract.signatures:
        org_id = order.purchaser_id if row.party == "purchaser" else order.supplier_id
        verified = signatures.verify(
            session, signatures.Signature(row.key_id, row.value), document, org_id
        )
        result.append(
            SignatureStatus(
                row.party, row.organisation_id, row.key_id, row.signed_by, row.signed_at, verified
            )
        )
    return result


def fully_signed(session: Session, contract: Contract) -> bool:
    """Both parties signed, and both signatures verify over content that matches its hash."""
    status = signature_status(session, contract)
    return (
        content_intact(contract)
        and {s.party for s in status if s.verified} == {"purchaser", "supplier"}
        and all(s.verified for s in status)
    )


def sign(session: Session, actor: Actor, contract_id: int) -> Contract:
    """签署: sign the contract for the actor's organisation, which must be one of its parties."""
    contract = get_contract(session, actor, contract_id)
    party = party_of(actor, contract.order)
    assert party is not None and actor.user_id is not None
    contract = lock(session, Contract, contract_id)
    assert contract is not None
    order = contract.order
    if order.status in VOID_STATUSES:
        raise Conflict(
            "The order was %(status)s; its contract is void.",
            code="contract_void",
            params={"status": order.status},
        )
    if any(row.party == party for row in contract.signatures):
        raise Conflict(
            "Your organisation has already signed this contract.",
            code="already_signed",
        )
    if not content_intact(contract):
        raise Conflict(
            "The contract's content does not match its hash; it cannot be signed.",
            code="contract_tampered",
        )
    signature = signatures.sign(session, actor.organisation_id, contract.content.encode("utf-8"))
    row = ContractSignature(
        contract_id=contract.id,
        party=party,
        organisation_id=actor.organisation_id,
        key_id=signature.key_id,
        value=signature.value,
        signed_by=actor.user_id,
    )
    contract.signatures.append(row)
    session.flush()
    record(
        session,
        actor,
        "contract.signed",
        ("contract", contract.id),
        {
            "order_id": order.id,
            "party": party,
            "organisation_id": actor.organisation_id,
            "key_id": signature.key_id,
            "signature": signature.value,
            "sha256": contract.sha256,
        },
        region_id=order.region_id,
    )
    if party == "supplier" and not any(s.party == "purchaser" for s in contract.signatures):
        notices.contract_awaits_signature(session, contract, order)
    return contract


def view(session: Session, contract: Contract) -> dict[str, Any]:
    """The contract with the state of its hash and signatures (合同及签章状态)."""
    try:
        parsed = json.loads(contract.content)
    except ValueError:
        parsed = None
    return {
        "id": contract.id,
        "number": contract.number,
        "order_id": contract.order_id,
        "created_at": contract.created_at,
        "content": contract.content,
        "terms": parsed if isinstance(parsed, dict) else None,
        "sha256": contract.sha256,
        "content_intact": content_intact(contract),
        "hash_on_ledger": ledger_sha256(session, contract) == contract.sha256,
        "signatures": signature_status(session, contract),
        "fully_signed": fully_signed(session, contract),
    }
