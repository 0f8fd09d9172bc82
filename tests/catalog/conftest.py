"""A small catalog for the catalog tests: goods > IT equipment > desktop computers / printers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from catalog.categories import service as categories
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, Region

DESKTOP_PARAMS = [
    {
        "code": "cpu",
        "name_zh": "处理器",
        "name_en": "CPU",
        "type": "enum",
        "options": ["i5", "i7", "Kunpeng 920"],
        "required": True,
    },
    {
        "code": "memory_gb",
        "name_zh": "内存",
        "name_en": "Memory",
        "type": "number",
        "unit": "GB",
        "min": "4",
        "max": "256",
        "required": True,
    },
    {
        "code": "ssd_gb",
        "name_zh": "固态硬盘",
        "name_en": "SSD",
        "type": "number",
        "unit": "GB",
        "min": "128",
    },
    {"code": "touch", "name_zh": "触摸屏", "name_en": "Touch screen", "type": "boolean"},
    {
        "code": "ports",
        "name_zh": "接口",
        "name_en": "Ports",
        "type": "multi_enum",
        "options": ["USB-C", "HDMI", "VGA"],
    },
    {"code": "os", "name_zh": "操作系统", "name_en": "Operating system", "type": "text"},
]
PRINTER_PARAMS = [
    {
        "code": "ppm",
        "name_zh": "打印速度",
        "name_en": "Speed",
        "type": "number",
        "unit": "ppm",
        "min": "1",
        "max": "200",
        "required": True,
    },
]


@pytest.fixture
def cat(session):
    goods = categories.create_category(
        session, SYSTEM, {"code": "A", "name_zh": "货物", "name_en": "Goods", "kind": "goods"}
    )
    it = categories.create_category(
        session,
        SYSTEM,
        {
            "code": "A02",
            "name_zh": "信息技术设备",
            "name_en": "IT equipment",
            "kind": "goods",
            "parent_id": goods.id,
        },
    )
    desktop = categories.create_category(
        session,
        SYSTEM,
        {
            "code": "A0201",
            "name_zh": "台式计算机",
            "name_en": "Desktop computers",
            "kind": "goods",
            "parent_id": it.id,
            "sme_suitable": True,
        },
    )
    printer = categories.create_category(
        session,
        SYSTEM,
        {
            "code": "A0202",
            "name_zh": "激光打印机",
            "name_en": "Laser printers",
            "kind": "goods",
            "parent_id": it.id,
            "energy_cert_mandatory": True,
        },
    )
    categories.set_schema(session, SYSTEM, desktop.id, DESKTOP_PARAMS)
    categories.set_schema(session, SYSTEM, printer.id, PRINTER_PARAMS)
    session.commit()  # releases the savepoint; the test's outer transaction still rolls back
    regions = {r.code: r.id for r in session.scalars(select(Region))}
    orgs = {o.credit_code: o.id for o in session.scalars(select(Organisation))}
    return SimpleNamespace(
        goods=goods.id,
        it=it.id,
        desktop=desktop.id,
        printer=printer.id,
        regions=regions,
        supplier_it=orgs["91150105MA0000008X"],
        supplier_office=orgs["91150203MA0000009X"],
    )


def enrol(
    login,
    supplier: str,
    category_ids: list[int],
    region_id: int,
    size: str = "small",
    licence: str | None = None,
):
    """Apply as ``supplier`` and have the operator approve; returns the supplier's Api."""
    api = login(supplier)
    me = api.get("/api/auth/me").get_json()
    licence = licence or me["organisation"]["credit_code"]
    applied = api.post(
        "/api/catalog/enrolments",
        json={
            "licence_no": licence,
            "enterprise_size": size,
            "region_id": region_id,
            "category_ids": category_ids,
        },
    )
    assert applied.status_code == 201, applied.get_json()
    decided = login("operator").post(
        f"/api/catalog/enrolments/{applied.get_json()['id']}/decision", json={"approve": True}
    )
    assert decided.status_code == 200, decided.get_json()
    return api


def desktop_body(cat, **over):
    body = {
        "category_id": cat.desktop,
        "title_zh": "联想启天台式计算机 M437",
        "title_en": "Lenovo Qitian desktop M437",
        "brand": "联想",
        "model": "M437",
        "params": {"cpu": "i5", "memory_gb": 16, "ssd_gb": "512", "ports": ["HDMI", "USB-C"]},
        "price": "4999.00",
        "stock": 20,
        "region_ids": [cat.regions["1501"]],
    }
    body.update(over)
    return body
