"""Signing a framework agreement (签订框架协议, MALL-8).

Publishing the result writes the agreement's terms — the solicitation's terms and items, the term,
the call-off methods, the entrants with their agreed unit prices — as canonical JSON, and puts its
SHA-256 on the ledger with the result. The solicitor (征集人) and each entrant (入围供应商) then sign
those exact bytes with their organisation's Ed25519 key (``core.signatures``), each signature on the
ledger in the same transaction. Anyone who may see the agreement sees who signed and whether each
signature verifies over the content.

What an unsigned party means, as in a real 框架协议: the agreement binds the solicitor and each
entrant that signed it with the solicitor. So an entrant takes call-offs only once both it and the
solicitor signed — until then it cannot be chosen directly and rotation passes its turn by
(``calloff_checks.standing`` says ``unsigned``) — and the agreement takes no call-off at all until
the solicitor and at least one entrant signed (``agreement_unsigned``). Agreements published before
signing existed have no content and need no signatures.

A supplier that joined an open agreement after the result (``joining``) does not sign the content —
which names only the entrants selected at the result — but its accession document, which names the
content's hash; that signature, once it verifies, stands for its signature of the agreement.
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
from core import canonical, signatures
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.errors import Conflict, Forbidden
from mall.agreements.access import is_solicitor, is_supplier
from mall.agreements.models import (
    Agreement,
    AgreementAccession,
    AgreementEntrant,
    AgreementSignature,
)
from mall.locks import lock
from supervision.ledger import record
from supervision.ledger.models import LedgerEntry

LAW_ZH = "本协议依据《政府采购框架协议采购方式管理暂行办法》（财政部令第110号）订立。"


def _party(org: Organisation) -> dict[str, Any]:
    return {
        "organisation_id": org.id,
        "name_zh": org.name_zh,
        "name_en": org.name_en,
        "credit_code": org.credit_code,
    }


def terms(session: Session, agreement: Agreement) -> dict[str, Any]:
    """Every term of the agreement, as its parties sign it."""
    solicitation = agreement.solicitation
    codes = dict(
        session.execute(
            select(Category.id, Category.code).where(
                Category.id.in_({item.category_id for item in solicitation.items})
            )
        ).all()
    )
    region = session.get(Region, agreement.region_id)
    solicitor = session.get(Organisation, agreement.solicitor_id)
    assert region is not None and solicitor is not None
    return {
        "agreement_no": agreement.number,
        "title": agreement.title,
        "solicitation_no": solicitation.number,
        "solicitor": _party(solicitor),
        "region": {"id": region.id, "code": region.code, "name_zh": region.name_zh},
        "kind": agreement.kind,
        "evaluation": solicitation.evaluation,
        "call_off_methods": list(agreement.call_off_methods),
        "term": {"starts": agreement.term_starts, "ends": agreement.term_ends},
        "published_at": agreement.published_at,
        "items": [
            {
                "item_id": item.id,
                "no": item.position,
                "category_code": codes.get(item.category_id),
                "standard_product_id": item.standard_product_id,
                "required_params": item.required_params,
                "unit": item.unit,
                "estimated_quantity": item.estimated_quantity,
                "max_unit_price": item.max_unit_price,
            }
            for item in solicitation.items
        ],
        "entrants": [
            {
                "entrant_id": e.id,
                "rank": e.rank,
                "supplier": _party(session.get(Organisation, e.supplier_id)),  # type: ignore[arg-type]
                "region_ids": sorted(e.region_ids),
                "prices": [{"item_id": p.item_id, "unit_price": p.unit_price} for p in e.prices],
            }
            for e in agreement.entrants
        ],
        "currency": "CNY",
        "law_zh": LAW_ZH,
    }


def seal(session: Session, agreement: Agreement) -> None:
    """Write the agreement's content and its hash (the result's publication puts it on the
    ledger). The content never changes afterwards."""
    agreement.content = canonical.dumps(terms(session, agreement))
    agreement.sha256 = hashlib.sha256(agreement.content.encode("utf-8")).hexdigest()


def content_intact(agreement: Agreement) -> bool:
    if agreement.content is None:
        return False
    return hashlib.sha256(agreement.content.encode("utf-8")).hexdigest() == agreement.sha256


def ledger_sha256(session: Session, agreement: Agreement) -> str | None:
    """The hash the ledger recorded when the result was published."""
    payload = session.scalar(
        select(LedgerEntry.payload).where(
            LedgerEntry.subject_type == "agreement_solicitation",
            LedgerEntry.subject_id == str(agreement.solicitation_id),
            LedgerEntry.action == "agreement.result_published",
        )
    )
    return json.loads(payload).get("sha256") if payload else None


def _expected_org(agreement: Agreement, row: AgreementSignature) -> int | None:
    if row.party == "solicitor":
        return agreement.solicitor_id
    entrant = next((e for e in agreement.entrants if e.id == row.entrant_id), None)
    return entrant.supplier_id if entrant else None


@dataclass(frozen=True)
class SignatureStatus:
    party: str
    organisation_id: int
    entrant_id: int | None
    key_id: int
    signed_by: int
    signed_at: datetime
    verified: bool


def signature_status(session: Session, agreement: Agreement) -> list[SignatureStatus]:
    """Each signature, and whether it verifies over the content with a key of the organisation
    the agreement names for that party."""
    if agreement.content is None:
        return []
    document = agreement.content.encode("utf-8")
    intact = content_intact(agreement)
    result = []
    for row in agreement.signatures:
        expected = _expected_org(agreement, row)
        verified = (
            intact
            and expected == row.organisation_id
            and signatures.verify(
                session, signatures.Signature(row.key_id, row.value), document, expected
            )
        )
        result.append(
            SignatureStatus(
                row.party,
                row.organisation_id,
                row.entrant_id,
                row.key_id,
                row.signed_by,
                row.signed_at,
                verified,
            )
        )
    return result


def signers(session: Session, agreement: Agreement) -> set[int] | None:
    """The organisations whose signatures verify; None when the agreement needs none (published
    before signing existed)."""
    if agreement.content is None:
        return None
    return {s.organisation_id for s in signature_status(session, agreement) if s.verified}


def accession_verified(
    session: Session, agreement: Agreement, accession: AgreementAccession
) -> bool:
    """Whether a joiner's accession document is intact, names this agreement's content hash, and
    its signature verifies with a key of the joining supplier."""
    document = accession.content.encode("utf-8")
    return (
        hashlib.sha256(document).hexdigest() == accession.sha256
        and accession.agreement_sha256 == agreement.sha256
        and (agreement.content is None or content_intact(agreement))
        and json.loads(accession.content).get("agreement", {}).get("sha256") == agreement.sha256
        and signatures.verify(
            session,
            signatures.Signature(accession.key_id, accession.signature),
            document,
            accession.supplier_id,
        )
    )


def entrant_signed(
    session: Session, agreement: Agreement, entrant: AgreementEntrant, signed: set[int]
) -> bool:
    """The entrant signed the agreement: its content, or — having joined — its accession."""
    if entrant.accession is not None:
        return accession_verified(session, agreement, entrant.accession)
    return entrant.supplier_id in signed


def entrant_bound(session: Session, entrant: AgreementEntrant) -> bool:
    """Whether the entrant and the solicitor both signed: the entrant may take call-offs."""
    agreement = session.get(Agreement, entrant.agreement_id)
    assert agreement is not None
    signed = signers(session, agreement)
    return signed is None or (
        agreement.solicitor_id in signed and entrant_signed(session, agreement, entrant, signed)
    )


def in_force(session: Session, agreement: Agreement) -> bool:
    """The solicitor and at least one entrant signed (or the agreement needs no signatures)."""
    signed = signers(session, agreement)
    if signed is None:
        return True
    return agreement.solicitor_id in signed and any(
        entrant_signed(session, agreement, e, signed) for e in agreement.entrants
    )


def party_of(actor: Actor, agreement: Agreement) -> tuple[str, AgreementEntrant | None] | None:
    """As which party the actor signs: the solicitor, or an entrant (with its row)."""
    if is_solicitor(actor, agreement):
        return "solicitor", None
    if is_supplier(actor):
        entrant = next(
            (e for e in agreement.entrants if e.supplier_id == actor.organisation_id), None
        )
        if entrant is not None:
            return "entrant", entrant
    return None


def awaiting(actor: Actor, agreement: Agreement) -> bool:
    """Whether the actor's organisation is a party that has not signed yet."""
    party = party_of(actor, agreement)
    return (
        agreement.content is not None
        and party is not None
        and (party[1] is None or (party[1].status != "terminated" and party[1].accession is None))
        and not any(s.organisation_id == actor.organisation_id for s in agreement.signatures)
    )


def sign(session: Session, actor: Actor, agreement: Agreement) -> Agreement:
    """签署: sign the agreement for the actor's organisation, the solicitor or an entrant. The
    caller has checked the actor may see the agreement."""
    party = party_of(actor, agreement)
    if party is None:
        raise Forbidden(
            "Only the solicitor and the entrants sign the framework agreement.",
            code="not_a_party",
        )
    assert actor.user_id is not None and actor.organisation_id is not None
    locked = lock(session, Agreement, agreement.id)
    assert locked is not None
    session.refresh(locked, ["signatures"])
    kind, entrant = party
    if locked.content is None:
        raise Conflict(
            "This framework agreement was published before agreements were signed.",
            code="not_signable",
        )
    if any(s.organisation_id == actor.organisation_id for s in locked.signatures):
        raise Conflict(
            "Your organisation has already signed this framework agreement.",
            code="already_signed",
        )
    if entrant is not None and entrant.accession is not None:
        raise Conflict(
            "Your company signed its accession when it joined; it does not sign the agreement's "
            "original content.",
            code="joined_by_accession",
        )
    if entrant is not None and entrant.status == "terminated":
        raise Conflict(
            "Your place in this framework agreement is terminated.",
            code="entrant_not_active",
        )
    if not content_intact(locked):
        raise Conflict(
            "The agreement's content does not match its hash; it cannot be signed.",
            code="agreement_tampered",
        )
    signature = signatures.sign(session, actor.organisation_id, locked.content.encode("utf-8"))
    locked.signatures.append(
        AgreementSignature(
            party=kind,
            organisation_id=actor.organisation_id,
            entrant_id=entrant.id if entrant else None,
            key_id=signature.key_id,
            value=signature.value,
            signed_by=actor.user_id,
        )
    )
    session.flush()
    record(
        session,
        actor,
        "agreement.signed",
        ("agreement", locked.id),
        {
            "solicitation_id": locked.solicitation_id,
            "number": locked.number,
            "party": kind,
            "organisation_id": actor.organisation_id,
            **({"entrant_id": entrant.id, "rank": entrant.rank} if entrant else {}),
            "key_id": signature.key_id,
            "signature": signature.value,
            "sha256": locked.sha256,
        },
        region_id=locked.region_id,
    )
    return locked


def view(session: Session, agreement: Agreement) -> dict[str, Any]:
    """The agreement's content, its hash here and on the ledger, and each party's signature:
    the solicitor first, then the entrants in rank order, ``signed``/``verified`` false where a
    party has not signed."""
    status = {s.organisation_id: s for s in signature_status(session, agreement)}
    parties = [("solicitor", agreement.solicitor_id, None)] + [
        ("entrant", e.supplier_id, e.id) for e in agreement.entrants
    ]
    rows = []
    joined = {e.id: e.accession for e in agreement.entrants if e.accession is not None}
    for party, org_id, entrant_id in parties:
        found = status.get(org_id)
        accession = joined.get(entrant_id) if entrant_id else None
        if accession is not None:
            # a joiner's signature is its accession's
            found = SignatureStatus(
                party,
                org_id,
                entrant_id,
                accession.key_id,
                accession.created_by,
                accession.created_at,
                accession_verified(session, agreement, accession),
            )
        rows.append(
            {
                "party": party,
                "organisation_id": org_id,
                "entrant_id": entrant_id,
                "signed": found is not None,
                "verified": bool(found and found.verified),
                "key_id": found.key_id if found else None,
                "signed_by": found.signed_by if found else None,
                "signed_at": found.signed_at if found else None,
                "accession_id": accession.id if accession else None,
            }
        )
    return {
        "agreement_id": agreement.id,
        "number": agreement.number,
        "content": agreement.content,
        "sha256": agreement.sha256,
        "content_intact": content_intact(agreement),
        "hash_on_ledger": agreement.sha256 is not None
        and ledger_sha256(session, agreement) == agreement.sha256,
        "parties": rows,
        "in_force": in_force(session, agreement),
    }
