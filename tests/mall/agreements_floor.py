"""A floor for the framework agreement tests (MALL-8): the IT categories, four suppliers enrolled
in IT equipment (the two demo suppliers and two made for the test), one more supplier enrolled in
nothing, and a clock the tests move."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core import clock
from core.accounts import service as accounts
from core.accounts.auth import SYSTEM
from core.accounts.demo import DEMO_PASSWORD
from core.accounts.models import Region
from supervision.ledger.models import LedgerEntry
from tests.catalog.conftest import enrol

#: A Tuesday morning in Hohhot (02:00 UTC is 10:00 Asia/Shanghai).
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
#: Within the sign-in session's life, so the signed-in clients stay signed in past it.
DEADLINE = T0 + timedelta(hours=4)
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_supplier(session, username: str, region_code: str = "150102") -> None:
    region = session.scalars(select(Region).where(Region.code == region_code)).one()
    code = "91" + region_code + "".join(secrets.choice(_CODE_CHARS) for _ in range(10))
    org = accounts.create_organisation(
        session,
        SYSTEM,
        {
            "kind": "supplier",
            "name_zh": f"框架协议测试供应商{username}",
            "credit_code": code,
            "region_id": region.id,
        },
    )
    accounts.create_user(
        session,
        SYSTEM,
        org.id,
        {
            "username": username,
            "display_name": "测试",
            "password": DEMO_PASSWORD,
            "roles": ["supplier", "org_admin"],
        },
    )


@pytest.fixture
def floor(app, login, cat, session):
    clock.freeze(T0)
    try:
        with app.app_context():
            for name in ("agree.north", "agree.west", "agree.idle"):
                new_supplier(session, name)
            session.commit()
        suppliers = [
            enrol(login, "supplier", [cat.it], cat.regions["150105"]),
            enrol(login, "supplier.office", [cat.it], cat.regions["150203"], size="large"),
            enrol(login, "agree.north", [cat.it], cat.regions["150102"]),
            enrol(login, "agree.west", [cat.it], cat.regions["150102"]),
        ]
        yield SimpleNamespace(
            cat=cat,
            suppliers=suppliers,
            idle=login("agree.idle"),
            operator=login("operator"),
            purchaser=login("purchaser"),
            hospital=login("purchaser.hospital"),
            supervisor=login("supervisor.hohhot"),
        )
    finally:
        clock.unfreeze()


def solicitation_body(floor, **over) -> dict:
    body = {
        "title": "2026—2027 年度呼和浩特市台式计算机、打印机框架协议采购",
        "region_id": floor.cat.regions["1501"],
        "kind": "closed",
        "evaluation": "price_priority",
        "call_off_methods": ["direct", "secondary_competition"],
        "response_deadline": DEADLINE.isoformat(),
        "items": [
            {
                "category_id": floor.cat.desktop,
                "required_params": {"cpu": "i5"},
                "unit": "台",
                "estimated_quantity": 200,
                "max_unit_price": "5000.00",
            },
            {
                "category_id": floor.cat.printer,
                "unit": "台",
                "estimated_quantity": 50,
                "max_unit_price": "2000.00",
            },
        ],
    }
    return body | over


def published(floor, api=None, **over) -> dict:
    api = api or floor.operator
    created = api.post("/api/agreements/solicitations", json=solicitation_body(floor, **over))
    assert created.status_code == 201, created.get_json()
    done = api.post(f"/api/agreements/solicitations/{created.get_json()['id']}/publish")
    assert done.status_code == 200, done.get_json()
    return done.get_json()


def response_body(solicitation: dict, prices: list[str], **over) -> dict:
    body = {
        "prices": [
            {"item_id": item["id"], "unit_price": price}
            for item, price in zip(solicitation["items"], prices, strict=True)
        ],
        "capacity": "每月可供货 100 台，48 小时内送达",
        "region_ids": [solicitation["region_id"]],
    }
    return body | over


def respond(api, solicitation: dict, prices: list[str], **over):
    return api.put(
        f"/api/agreements/solicitations/{solicitation['id']}/response",
        json=response_body(solicitation, prices, **over),
    )


def entries(session, solicitation_id: int, action: str | None = None) -> list[dict]:
    session.expire_all()
    query = select(LedgerEntry).where(
        LedgerEntry.subject_type == "agreement_solicitation",
        LedgerEntry.subject_id == str(solicitation_id),
    )
    if action:
        query = query.where(LedgerEntry.action == action)
    return [
        json.loads(e.payload) | {"_action": e.action, "_region_id": e.region_id}
        for e in session.scalars(query.order_by(LedgerEntry.seq))
    ]
