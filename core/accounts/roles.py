"""Organisation kinds and user roles, with their Chinese names, and which roles each kind may hold."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    PURCHASER = "purchaser"  # 采购人（预算单位）
    SUPPLIER = "supplier"  # 供应商
    OPERATOR = "operator"  # 运营机构
    SUPERVISOR = "supervisor"  # 财政部门（监管）
    DISPUTE_OFFICE = "dispute_office"  # 纠纷处理机构
    BANK = "bank"  # 银行 / 担保机构


class Role(StrEnum):
    ORG_ADMIN = "org_admin"  # 单位管理员
    PURCHASER = "purchaser"  # 采购人
    SUPPLIER = "supplier"  # 供应商
    OPERATOR = "operator"  # 运营审核
    SUPERVISOR = "supervisor"  # 财政监管
    PRICE_MONITOR = "price_monitor"  # 价格监测
    DISPUTE_HANDLER = "dispute_handler"  # 纠纷处理
    BANKER = "banker"  # 银行 / 担保


class RegionLevel(StrEnum):
    REGION = "region"  # 自治区
    CITY = "city"  # 盟市
    COUNTY = "county"  # 旗县区


KIND_NAMES = {
    OrgKind.PURCHASER: ("采购单位", "Purchaser unit"),
    OrgKind.SUPPLIER: ("供应商", "Supplier"),
    OrgKind.OPERATOR: ("运营机构", "Operator"),
    OrgKind.SUPERVISOR: ("财政部门", "Finance department (supervisor)"),
    OrgKind.DISPUTE_OFFICE: ("纠纷处理机构", "Dispute office"),
    OrgKind.BANK: ("银行 / 担保机构", "Bank / guarantor"),
}

ROLE_NAMES = {
    Role.ORG_ADMIN: ("单位管理员", "Organisation admin"),
    Role.PURCHASER: ("采购人", "Purchaser"),
    Role.SUPPLIER: ("供应商", "Supplier"),
    Role.OPERATOR: ("运营审核", "Operator"),
    Role.SUPERVISOR: ("财政监管", "Supervisor"),
    Role.PRICE_MONITOR: ("价格监测", "Price monitor"),
    Role.DISPUTE_HANDLER: ("纠纷处理", "Dispute handler"),
    Role.BANKER: ("银行 / 担保", "Bank / guarantor"),
}

LEVEL_NAMES = {
    RegionLevel.REGION: ("自治区", "Autonomous region"),
    RegionLevel.CITY: ("盟市", "League / city"),
    RegionLevel.COUNTY: ("旗县区", "Banner / county"),
}

ALLOWED_ROLES: dict[OrgKind, frozenset[Role]] = {
    OrgKind.PURCHASER: frozenset({Role.ORG_ADMIN, Role.PURCHASER}),
    OrgKind.SUPPLIER: frozenset({Role.ORG_ADMIN, Role.SUPPLIER}),
    OrgKind.OPERATOR: frozenset({Role.ORG_ADMIN, Role.OPERATOR, Role.PRICE_MONITOR}),
    OrgKind.SUPERVISOR: frozenset({Role.ORG_ADMIN, Role.SUPERVISOR, Role.PRICE_MONITOR}),
    OrgKind.DISPUTE_OFFICE: frozenset({Role.ORG_ADMIN, Role.DISPUTE_HANDLER}),
    OrgKind.BANK: frozenset({Role.ORG_ADMIN, Role.BANKER}),
}

LEVEL_CHILD = {RegionLevel.REGION: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.COUNTY}
