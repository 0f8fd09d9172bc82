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


#: Ledger actions and subjects as a supervisor reads them.
ACTIONS: dict[str, tuple[str, str]] = {
    "auth.signin": ("登录", "Signed in"),
    "auth.signin_failed": ("登录失败", "Sign-in failed"),
    "auth.signout": ("退出登录", "Signed out"),
    "auth.token_issued": ("签发令牌", "Token issued"),
    "auth.token_revoked": ("撤销令牌", "Token revoked"),
    "region.created": ("新增地区", "Region added"),
    "organisation.created": ("单位登记", "Organisation registered"),
    "organisation.updated": ("单位变更", "Organisation changed"),
    "organisation.key_rotated": ("更换签名密钥", "Signing key rotated"),
    "user.created": ("新增用户", "User added"),
    "user.updated": ("用户变更", "User changed"),
    "category.created": ("新增品目", "Category added"),
    "category.updated": ("品目变更", "Category changed"),
    "category.retired": ("停用品目", "Category retired"),
    "category.schema_published": ("发布参数标准", "Parameter schema published"),
    "standard_product.created": ("新增标准商品", "Standard product added"),
    "enrolment.applied": ("申请入驻", "Enrolment applied"),
    "enrolment.approved": ("入驻通过", "Enrolment approved"),
    "enrolment.rejected": ("入驻驳回", "Enrolment rejected"),
    "supplier.suspended": ("暂停供应商", "Supplier suspended"),
    "supplier.reinstated": ("恢复供应商", "Supplier reinstated"),
    "listing.created": ("新建商品", "Listing drafted"),
    "listing.updated": ("修改商品", "Listing changed"),
    "listing.submitted": ("提交审核", "Listing submitted"),
    "listing.approved": ("审核上架", "Listing approved"),
    "listing.rejected": ("审核驳回", "Listing rejected"),
    "listing.off_shelf": ("商品下架", "Listing off shelf"),
    "listing.lapsed": ("上架到期", "Listing lapsed"),
    "listing.renewed": ("上架续期", "Listing renewed"),
    "listing.price_changed": ("价格变动", "Price changed"),
    "listing.stock_changed": ("库存变动", "Stock changed"),
    "listing.image_added": ("上传图片", "Image added"),
    "listing.certificate_attached": ("关联认证证书", "Certificate attached"),
    "certificate.registered": ("登记认证证书", "Certificate registered"),
    "catalog.term_set": ("设置上架期限", "Listing term set"),
}
SUBJECTS: dict[str, tuple[str, str]] = {
    "user": ("用户", "User"),
    "organisation": ("单位", "Organisation"),
    "region": ("地区", "Region"),
    "api_token": ("令牌", "Token"),
    "category": ("品目", "Category"),
    "standard_product": ("标准商品", "Standard product"),
    "enrolment": ("入驻申请", "Enrolment"),
    "listing": ("商品", "Listing"),
    "certificate": ("证书", "Certificate"),
    "catalog_setting": ("商城设置", "Setting"),
}


def action_name(code: str) -> str:
    return pick(*ACTIONS[code]) if code in ACTIONS else code


def subject_name(code: str) -> str:
    return pick(*SUBJECTS[code]) if code in SUBJECTS else code
