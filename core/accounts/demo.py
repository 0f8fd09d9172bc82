"""Demo regions, organisations of every kind and users for every role (Inner Mongolia)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import service
from core.accounts.auth import SYSTEM
from core.accounts.models import Organisation, Region, User
from core.accounts.roles import OrgKind, Role

DEMO_PASSWORD = "Demo@2026!"

REGIONS = [
    # code, zh, en, parent code
    ("15", "内蒙古自治区", "Inner Mongolia Autonomous Region", None),
    ("1501", "呼和浩特市", "Hohhot", "15"),
    ("150102", "新城区", "Xincheng District", "1501"),
    ("150105", "赛罕区", "Saihan District", "1501"),
    ("1502", "包头市", "Baotou", "15"),
    ("150203", "昆都仑区", "Kundulun District", "1502"),
    ("1525", "锡林郭勒盟", "Xilingol League", "15"),
    ("152502", "锡林浩特市", "Xilinhot", "1525"),
    ("152528", "镶黄旗", "Xianghuang Banner", "1525"),
]

# username, display name, organisation key, roles
ORGS = [
    # key, kind, zh, en, credit code, region code
    (
        "finance-region",
        OrgKind.SUPERVISOR,
        "内蒙古自治区财政厅",
        "Finance Department of Inner Mongolia",
        "11150000MB0000001X",
        "15",
    ),
    (
        "finance-hohhot",
        OrgKind.SUPERVISOR,
        "呼和浩特市财政局",
        "Hohhot Finance Bureau",
        "11150100MB0000002X",
        "1501",
    ),
    (
        "operator",
        OrgKind.OPERATOR,
        "政采商城运营中心",
        "E-Mall Operation Centre",
        "12150000MB0000003X",
        "15",
    ),
    (
        "dispute-hohhot",
        OrgKind.DISPUTE_OFFICE,
        "呼和浩特市政府采购纠纷处理办公室",
        "Hohhot Procurement Dispute Office",
        "11150100MB0000004X",
        "1501",
    ),
    (
        "dispute-baotou",
        OrgKind.DISPUTE_OFFICE,
        "包头市政府采购纠纷处理办公室",
        "Baotou Procurement Dispute Office",
        "11150200MB0000011X",
        "1502",
    ),
    (
        "dispute-region",
        OrgKind.DISPUTE_OFFICE,
        "内蒙古自治区政府采购纠纷处理办公室",
        "Inner Mongolia Procurement Dispute Office",
        "11150000MB0000012X",
        "15",
    ),
    (
        "school",
        OrgKind.PURCHASER,
        "呼和浩特市第一中学",
        "Hohhot No. 1 Middle School",
        "12150102MB0000005X",
        "150102",
    ),
    (
        "hospital",
        OrgKind.PURCHASER,
        "包头市中心医院",
        "Baotou Central Hospital",
        "12150203MB0000006X",
        "150203",
    ),
    (
        "banner-office",
        OrgKind.PURCHASER,
        "镶黄旗人民政府办公室",
        "Xianghuang Banner Government Office",
        "11152528MB0000007X",
        "152528",
    ),
    (
        "supplier-it",
        OrgKind.SUPPLIER,
        "内蒙古草原信息技术有限公司",
        "Grassland IT Co., Ltd.",
        "91150105MA0000008X",
        "150105",
    ),
    (
        "supplier-office",
        OrgKind.SUPPLIER,
        "包头市办公用品有限公司",
        "Baotou Office Supplies Co., Ltd.",
        "91150203MA0000009X",
        "150203",
    ),
    (
        "bank",
        OrgKind.BANK,
        "内蒙古银行呼和浩特分行",
        "Bank of Inner Mongolia, Hohhot Branch",
        "91150100MA0000010X",
        "1501",
    ),
]

USERS = [
    ("supervisor", "王监管", "finance-region", [Role.SUPERVISOR, Role.ORG_ADMIN]),
    ("supervisor.hohhot", "李监管", "finance-hohhot", [Role.SUPERVISOR]),
    ("finance.admin.hohhot", "孟管理", "finance-hohhot", [Role.ORG_ADMIN]),
    ("monitor", "赵价格", "finance-region", [Role.PRICE_MONITOR]),
    ("operator", "周运营", "operator", [Role.OPERATOR, Role.ORG_ADMIN]),
    ("handler", "吴纠纷", "dispute-hohhot", [Role.DISPUTE_HANDLER]),
    ("handler2", "钱调解", "dispute-hohhot", [Role.DISPUTE_HANDLER]),
    ("dispute.admin", "冯督办", "dispute-hohhot", [Role.ORG_ADMIN]),
    ("handler.baotou", "孙仲裁", "dispute-baotou", [Role.DISPUTE_HANDLER, Role.ORG_ADMIN]),
    ("handler.region", "何纠纷", "dispute-region", [Role.DISPUTE_HANDLER, Role.ORG_ADMIN]),
    ("purchaser", "张采购", "school", [Role.PURCHASER, Role.ORG_ADMIN]),
    ("purchaser.hospital", "刘采购", "hospital", [Role.PURCHASER, Role.ORG_ADMIN]),
    ("purchaser.banner", "巴特尔", "banner-office", [Role.PURCHASER, Role.ORG_ADMIN]),
    ("supplier", "陈供应", "supplier-it", [Role.SUPPLIER, Role.ORG_ADMIN]),
    ("supplier.office", "孙供应", "supplier-office", [Role.SUPPLIER, Role.ORG_ADMIN]),
    ("banker", "郑银行", "bank", [Role.BANKER, Role.ORG_ADMIN]),
]


def load(session: Session) -> list[str]:
    regions: dict[str, Region] = {r.code: r for r in session.scalars(select(Region))}
    for code, zh, en, parent in REGIONS:
        if code not in regions:
            parent_id = regions[parent].id if parent else None
            regions[code] = service.create_region(
                session,
                SYSTEM,
                {"code": code, "name_zh": zh, "name_en": en, "parent_id": parent_id},
            )
    orgs: dict[str, Organisation] = {}
    for key, kind, zh, en, credit, region in ORGS:
        org = session.scalars(
            select(Organisation).where(Organisation.credit_code == credit)
        ).first()
        if org is None:
            org = service.create_organisation(
                session,
                SYSTEM,
                {
                    "kind": kind,
                    "name_zh": zh,
                    "name_en": en,
                    "credit_code": credit,
                    "region_id": regions[region].id,
                },
            )
        orgs[key] = org
    lines = []
    for username, name, org_key, roles in USERS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            service.create_user(
                session,
                SYSTEM,
                orgs[org_key].id,
                {
                    "username": username,
                    "display_name": name,
                    "password": DEMO_PASSWORD,
                    "roles": [r.value for r in roles],
                },
            )
        lines.append(
            f"  {username:<20} {DEMO_PASSWORD}   {', '.join(r.value for r in roles):<28} {orgs[org_key].name_zh}"
        )
    return ["Demo users (username, password, roles, organisation):", *lines]
