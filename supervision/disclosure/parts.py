"""The building blocks of every OCDS release (``supervision.disclosure.releases``): the process's
ocid and the links between releases (``ocds_links``), the parties, values and dates.

Only organisations appear as parties (name and unified social credit code); no person, address,
phone, address of a request or device is ever read into a release.
"""

from __future__ import annotations

import json
from datetime import datetime
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


class Parts:
    """What releases are made of, remembering links between them in ``ocds_links``; the
    ``Builder`` of ``supervision.disclosure.releases`` turns ledger entries into releases with it."""

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

    def link_of_process(self, order: OcdsLink) -> OcdsLink:
        """The process an order's link belongs to (a direct order is its own)."""
        for kind in ("auction", "pool", "calloff", "solicitation"):
            found = self.session.scalars(
                select(OcdsLink).where(OcdsLink.ocid == order.ocid, OcdsLink.kind == kind).limit(1)
            ).first()
            if found is not None:
                return found
        return order


def _drop_none(section: dict[str, Any]) -> None:
    for key in [k for k, v in section.items() if v is None]:
        del section[key]


def _period(start: Any, end: Any) -> dict[str, Any]:
    out = {}
    if start:
        out["startDate"] = iso(datetime.fromisoformat(start) if isinstance(start, str) else start)
    if end:
        out["endDate"] = iso(datetime.fromisoformat(end) if isinstance(end, str) else end)
    return out
