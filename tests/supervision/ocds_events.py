"""Ledger entries of every kind of procurement the disclosure reader publishes (SUP-5), written as
the mall writes them (payloads copied from the demo's ledger), by demo organisations, with personal
data (a delivery address, a contact's phone, the actor's address and device) planted beside them
that no release may carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation
from supervision.ledger import record

#: 10:00 in Shanghai on 2026-11-02
MORNING = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
PHONE = "13912345678"
ADDRESS = "呼和浩特市新城区测试路 88 号 3 单元"
IP = "203.0.113.77"
DEVICE = "dev-4f1c9a2b7e"
CONTACT = "张测试"
PERSONAL = (PHONE, ADDRESS, IP, DEVICE, CONTACT)


def orgs(session) -> dict[str, Organisation]:
    """Two purchasers, an operator and two suppliers of the demo."""
    found: dict[str, list[Organisation]] = {}
    for org in session.scalars(select(Organisation).order_by(Organisation.id)):
        found.setdefault(org.kind, []).append(org)
    return {
        "purchaser": found["purchaser"][0],
        "purchaser2": found["purchaser"][1],
        "operator": found["operator"][0],
        "supplier": found["supplier"][0],
        "supplier2": found["supplier"][1],
    }


class Ledger:
    """Writes the entries, one minute apart."""

    def __init__(self, session, o: dict[str, Organisation]):
        self.session, self.o, self.minute = session, o, 0

    def actor(self, key: str) -> Actor:
        org = self.o[key]
        return Actor(
            user_id=None,
            username=f"user.{key}",
            organisation_id=org.id,
            org_kind=org.kind,
            ip=IP,
            device_id=DEVICE,
        )

    def put(self, action: str, subject: tuple[str, int], payload: dict[str, Any], by: str | None):
        self.minute += 1
        clock.freeze(MORNING + timedelta(minutes=self.minute))
        actor = self.actor(by) if by else SYSTEM
        return record(
            self.session, actor, action, subject, payload, region_id=self.o["purchaser"].region_id
        )


def _line(title: str, price: str, quantity: int, unit: str = "台") -> dict[str, Any]:
    return {
        "category_id": 21,
        "category_kind": "goods",
        "standard_product_id": 14,
        "title_zh": title,
        "unit": unit,
        "unit_price": Decimal(price),
        "quantity": quantity,
        "line_total": Decimal(price) * quantity,
        "sme_suitable": True,
    }


def _order_payload(o, number: str, lines: list[dict[str, Any]], buyer: str, **extra: Any):
    total = sum((line["line_total"] for line in lines), Decimal(0))
    return {
        "number": number,
        "purchaser_id": o[buyer].id,
        "supplier_id": o["supplier"].id,
        "budget_line_id": 4,
        "items": lines,
        "total": total,
        # personal data an event might carry: never published
        "delivery_address": ADDRESS,
        "contact_name": CONTACT,
        "contact_phone": PHONE,
        **extra,
    }


def direct_order(ledger: Ledger, order_id: int = 9101, paid: bool = True) -> dict[str, Any]:
    """A direct purchase placed, confirmed, contracted and signed, delivered, accepted, paid and
    closed."""
    o = ledger.o
    number = f"ZC2026110200{order_id}"
    lines = [_line("富士通 A775 A4扫描仪 600dpi", "1450.00", 2)]
    ledger.put(
        "order.placed",
        ("order", order_id),
        _order_payload(o, number, lines, "purchaser"),
        "purchaser",
    )
    ledger.put("order.confirmed", ("order", order_id), {"status": "confirmed"}, "supplier")
    contract = {
        "number": f"HT2026110200{order_id}",
        "order_id": order_id,
        "purchaser_id": o["purchaser"].id,
        "supplier_id": o["supplier"].id,
        "sha256": "0" * 64,
        "total": "2900.00",
    }
    ledger.put("contract.created", ("contract", order_id), contract, "supplier")
    for party, by in (("supplier", "supplier"), ("purchaser", "purchaser")):
        ledger.put(
            "contract.signed",
            ("contract", order_id),
            {"order_id": order_id, "party": party, "organisation_id": o[by].id, "sha256": "0" * 64},
            by,
        )
    ledger.put(
        "order.delivered",
        ("order", order_id),
        {"status": "delivered", "by": "purchaser"},
        "purchaser",
    )
    ledger.put(
        "order.accepted",
        ("order", order_id),
        {
            "status": "accepted",
            "accepted_total": "2900.00",
            "partial": False,
            "notes": f"联系 {PHONE}",
        },
        "purchaser",
    )
    if paid:
        ledger.put(
            "payment.succeeded",
            ("payment", order_id + 5),
            {
                "order": order_id,
                "amount": Decimal("2900.00"),
                "status": "succeeded",
                "gateway_ref": "pi_1",
            },
            None,
        )
        ledger.put("order.paid", ("order", order_id), {"status": "paid", "amount": "2900.00"}, None)
        ledger.put("order.closed", ("order", order_id), {"status": "closed"}, None)
    return {"number": number, "contract": contract["number"]}


def auction(ledger: Ledger, auction_id: int = 9201, order_id: int = 9202) -> dict[str, Any]:
    """A reverse auction published, awarded as a confirmed order with its contract."""
    o = ledger.o
    number = "JJ20261102009201"
    terms = {
        "number": number,
        "title": "平板式计算机 11英寸/128GB/WLAN 20 台网上竞价",
        "title_en": "Reverse auction: Tablet × 20",
        "category_id": 17,
        "quantity": 20,
        "unit": "台",
        "ceiling": "2170.00",
        "starts_at": "2026-11-02T03:00:00.000000Z",
        "ends_at": "2026-11-02T03:30:00.000000Z",
        "delivery_address": ADDRESS,
        "status": "published",
    }
    ledger.put("auction.published", ("auction", auction_id), terms, "purchaser")
    lines = [_line(terms["title"], "1993.08", 20)]
    award = _order_payload(
        o, "ZC20261102009202", lines, "purchaser", source="auction", source_id=auction_id
    )
    ledger.put("order.awarded", ("order", order_id), award, None)
    contract = {"number": "HT20261102009202", "order_id": order_id, "total": "39861.60"}
    ledger.put("contract.created", ("contract", order_id), contract, None)
    ledger.put(
        "auction.awarded",
        ("auction", auction_id),
        {"status": "awarded", "order_id": order_id, "bidder_count": 2, "total": "39861.60"},
        None,
    )
    return {"number": number, "award": award["number"]}


def pool(ledger: Ledger, pool_id: int = 9301, auction_id: int = 9302) -> dict[str, Any]:
    """A volume purchase: opened by the operator, two purchasers' demand pooled into an auction
    whose award is split into one order per purchaser."""
    o = ledger.o
    number = "DL20261102009301"
    ledger.put(
        "pool.opened",
        ("pool", pool_id),
        {
            "status": "open",
            "organiser_id": o["operator"].id,
            "number": number,
            "title": "A4复印纸 80g 500张 带量采购",
            "unit": "包",
            "ceiling": "30.00",
            "auction_starts_at": "2026-11-03T02:00:00.000000Z",
            "auction_ends_at": "2026-11-03T02:30:00.000000Z",
        },
        "operator",
    )
    ledger.put(
        "auction.published",
        ("auction", auction_id),
        {"status": "published", "pool_id": pool_id, "number": "JJ20261102009302", "quantity": 300},
        None,
    )
    ledger.put(
        "pool.auctioned",
        ("pool", pool_id),
        {
            "status": "auctioned",
            "auction_id": auction_id,
            "quantity": 300,
            "starts_at": "2026-11-03T02:00:00.000000Z",
            "ends_at": "2026-11-03T02:30:00.000000Z",
        },
        None,
    )
    awards = []
    for order_id, buyer, quantity in ((9303, "purchaser", 100), (9304, "purchaser2", 200)):
        lines = [_line("A4复印纸 80g 500张", "27.50", quantity, "包")]
        payload = _order_payload(
            o, f"ZC2026110200{order_id}", lines, buyer, source="auction", source_id=auction_id
        )
        ledger.put("order.awarded", ("order", order_id), payload, None)
        awards.append(payload["number"])
    ledger.put("pool.awarded", ("pool", pool_id), {"status": "awarded", "bidder_count": 3}, None)
    return {"number": number, "awards": awards}


def framework(
    ledger: Ledger, solicitation_id: int = 9401, agreement_id: int = 9402
) -> dict[str, Any]:
    """A framework agreement solicited and concluded, and a call-off from it that became an order
    with its contract."""
    o = ledger.o
    number = "KJ20261102009401"
    ledger.put(
        "agreement.solicitation_published",
        ("agreement_solicitation", solicitation_id),
        {
            "status": "published",
            "number": number,
            "title": "台式计算机框架协议采购",
            "solicitor_id": o["operator"].id,
            "evaluation": "price",
            "term_starts": "2026-12-01",
            "term_ends": "2027-11-30",
            "response_deadline": "2026-11-20T02:00:00.000000Z",
            "items": [
                {
                    "item_id": 1,
                    "name_zh": "台式计算机",
                    "unit": "台",
                    "estimated_quantity": 200,
                    "max_unit_price": Decimal("5000.00"),
                }
            ],
        },
        "operator",
    )
    ledger.put(
        "agreement.result_published",
        ("agreement_solicitation", solicitation_id),
        {
            "status": "concluded",
            "agreement_id": agreement_id,
            "number": "XY20261102009402",
            "term_starts": "2026-12-01",
            "term_ends": "2027-11-30",
            "entrants": [
                {"rank": 1, "supplier_id": o["supplier"].id, "prices": {"1": "4400.00"}},
                {"rank": 2, "supplier_id": o["supplier2"].id, "prices": {"1": "4500.00"}},
            ],
        },
        "operator",
    )
    calloff_id, order_id = 9403, 9404
    ledger.put(
        "agreement.calloff_placed",
        ("agreement_calloff", calloff_id),
        {
            "status": "placed",
            "agreement_id": agreement_id,
            "number": "CO20261102009403",
            "method": "direct",
            "purchaser_id": o["purchaser"].id,
            "items": [{"item_id": 1, "quantity": 3}],
        },
        "purchaser",
    )
    lines = [_line("台式计算机", "4400.00", 3)]
    payload = _order_payload(
        o, "ZC20261102009404", lines, "purchaser", source="agreement", source_id=calloff_id
    )
    ledger.put("order.awarded", ("order", order_id), payload, None)
    ledger.put(
        "contract.created",
        ("contract", order_id),
        {"number": "HT20261102009404", "order_id": order_id, "total": "13200.00"},
        None,
    )
    ledger.put(
        "agreement.calloff_ordered",
        ("agreement_calloff", calloff_id),
        {"status": "ordered", "agreement_id": agreement_id, "order_id": order_id},
        None,
    )
    return {"framework": number, "calloff": "CO20261102009403", "award": payload["number"]}


def ruling(ledger: Ledger, order_id: int = 9501, dispute_id: int = 9502) -> dict[str, Any]:
    """A direct order paid, then a dispute ruled with a refund of everything paid: the contract
    is amended and terminated, and the refund goes back to the purchaser."""
    placed = direct_order(ledger, order_id, paid=False)
    ledger.put(
        "payment.succeeded",
        ("payment", 9503),
        {"order": order_id, "amount": Decimal("2900.00"), "status": "succeeded"},
        None,
    )
    ledger.put(
        "dispute.ruled",
        ("dispute", dispute_id),
        {
            "order_id": order_id,
            "status": "ruled",
            "outcome": "upheld",
            "refund_amount": "2900.00",
            "reasons": f"供应商未按约交付，联系人 {CONTACT} {PHONE}",
            "reopen": False,
        },
        "operator",
    )
    ledger.put(
        "payment.refunded",
        ("payment", 9503),
        {"order": order_id, "amount": "2900.00", "refund": 77, "refund_amount": Decimal("2900.00")},
        None,
    )
    return placed


def everything(session) -> dict[str, Any]:
    ledger = Ledger(session, orgs(session))
    out = {
        "direct": direct_order(ledger),
        "auction": auction(ledger),
        "pool": pool(ledger),
        "framework": framework(ledger),
        "ruling": ruling(ledger),
    }
    clock.unfreeze()
    return out
