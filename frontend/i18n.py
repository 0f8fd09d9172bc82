"""Chinese first, English available (X-3). The language comes from the ``lang`` cookie."""

from __future__ import annotations

from flask import request

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "site": ("政采商城", "Gov Procurement E-Mall"),
    "site_sub": ("内蒙古自治区政府采购电子卖场", "Inner Mongolia government procurement e-mall"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "home": ("首页", "Home"),
    "language": ("English", "中文"),
    "welcome": ("欢迎，", "Welcome, "),
    "org": ("单位", "Organisation"),
    "region": ("地区", "Region"),
    "roles": ("角色", "Roles"),
    "catalog": ("商品目录", "Catalog"),
    "orders": ("订单", "Orders"),
    "auctions": ("电子反拍", "Reverse auctions"),
    "volume": ("带量采购", "Volume purchases"),
    "budget": ("预算", "Budget"),
    "listings": ("我的商品", "My listings"),
    "enrolment": ("供应商入驻", "Enrolment"),
    "review": ("上架审核", "Listing review"),
    "ledger": ("监管账本", "Supervision ledger"),
    "warnings": ("预警", "Warnings"),
    "prices": ("价格监测", "Price monitoring"),
    "disputes": ("纠纷处理", "Disputes"),
    "financing": ("政采贷", "Financing"),
    "organisations": ("单位管理", "Organisations"),
    "tokens": ("API 令牌", "API tokens"),
    "api_docs": ("接口文档", "API docs"),
    "ledger_recent": ("最近的账本记录", "Recent ledger entries"),
    "ledger_ok": ("账本校验通过", "Ledger verified"),
    "ledger_broken": ("账本校验失败", "Ledger verification failed"),
    "entries": ("条记录", "entries"),
    "time": ("时间", "Time"),
    "actor": ("操作人", "Actor"),
    "action": ("操作", "Action"),
    "subject": ("对象", "Subject"),
    "my_org_users": ("本单位用户", "Users of my organisation"),
    "coming": ("本功能即将开放", "Coming in a later release"),
    "home_purchaser": (
        "搜索商品直接购买，或发起电子反拍、参与带量采购。",
        "Search the catalog and buy, or run a reverse auction or join a volume purchase.",
    ),
    "home_supplier": (
        "管理入驻品目和上架商品，参与电子反拍竞价。",
        "Manage enrolment and listings, and bid in reverse auctions.",
    ),
    "home_operator": (
        "审核供应商入驻和商品上架，维护品目与单位。",
        "Review enrolments and listings, maintain categories and organisations.",
    ),
    "home_supervisor": (
        "查看辖区内的监管账本、预警与价格。",
        "Watch the ledger, warnings and prices of your region and below.",
    ),
    "home_price_monitor": (
        "检索商品价格并查看价格走势。",
        "Search prices and chart their history.",
    ),
    "home_dispute_handler": ("处理辖区内的订单纠纷。", "Handle order disputes of your region."),
    "home_banker": (
        "经供应商授权查阅合同数据，办理政采贷与电子保函。",
        "Read contract data with the supplier's consent for financing and guarantees.",
    ),
    "home_org_admin": ("管理本单位的用户与角色。", "Manage your organisation's users and roles."),
    "signin_title": ("用户登录", "Sign in"),
    "signin_hint": (
        "演示账号见 flask demo load 的输出。",
        "Demo accounts: see the output of flask demo load.",
    ),
    "error": ("出错了", "Something went wrong"),
    "back_home": ("返回首页", "Back to home"),
}


def lang() -> str:
    value = request.cookies.get("lang", "zh")
    return value if value in LANGS else "zh"


def t(key: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang() == "en" else zh


def pick(zh: str, en: str) -> str:
    return en if lang() == "en" else zh
