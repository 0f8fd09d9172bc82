"""Chinese first, English available (X-3). The language comes from the ``lang`` cookie."""

from __future__ import annotations

from flask import request

from frontend.auction_text import AUCTION_ACTIONS, AUCTION_JS_KEYS, AUCTION_SUBJECTS, AUCTION_TEXT
from frontend.buying_text import BUYING_ACTIONS, BUYING_JS_KEYS, BUYING_SUBJECTS, BUYING_TEXT
from frontend.dispute_text import (
    DISPUTE_ACTIONS,
    DISPUTE_JS_KEYS,
    DISPUTE_SUBJECTS,
    DISPUTE_TEXT,
)
from frontend.pool_text import POOL_ACTIONS, POOL_SUBJECTS, POOL_TEXT
from frontend.registration_text import REGISTRATION_ACTIONS, REGISTRATION_TEXT

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
    "error": ("出错了", "Something went wrong"),
    "back_home": ("返回首页", "Back to home"),
    # catalog pages
    "search": ("搜索", "Search"),
    "search_placeholder": ("搜索商品、品牌、型号", "Search products, brands, models"),
    "search_unavailable": (
        "搜索服务暂不可用，请稍后再试。",
        "Search is unavailable; try again later.",
    ),
    "filters": ("筛选", "Filters"),
    "apply_filters": ("应用筛选", "Apply filters"),
    "filters_ignored": ("以下筛选条件无效，已忽略", "These filters were invalid and ignored"),
    "clear_filters": ("清除筛选", "Clear filters"),
    "remove": ("移除", "Remove"),
    "category": ("品目", "Category"),
    "categories": ("品目", "Categories"),
    "all_categories": ("全部品目", "All categories"),
    "brand": ("品牌", "Brand"),
    "model": ("型号", "Model"),
    "price": ("价格", "Price"),
    "price_min": ("最低价", "Min"),
    "price_max": ("最高价", "Max"),
    "range_from": ("最小", "From"),
    "range_to": ("最大", "To"),
    "policy": ("政策", "Policy"),
    "sme": ("中小企业", "SME"),
    "sme_title": (
        "供应商声明为中型、小型或微型企业",
        "The supplier declared a medium, small or micro size",
    ),
    "sme_only": ("仅中小企业", "SMEs only"),
    "green": ("绿色", "Green"),
    "green_title": (
        "持有效的节能或环境标志产品认证",
        "Holds a valid energy-saving or eco-label certificate",
    ),
    "green_only": ("仅绿色产品", "Green products only"),
    "deliver_to": ("配送地区", "Delivers to"),
    "any_region": ("不限地区", "Any region"),
    "param_hint": (
        "选择品目后可按标准参数筛选。",
        "Choose a category to filter by its parameters.",
    ),
    "found": ("共", "Found"),
    "items": ("件商品", "products"),
    "sort": ("排序", "Sort"),
    "sort_relevance": ("综合排序", "Relevance"),
    "sort_price_asc": ("价格从低到高", "Price: low to high"),
    "sort_price_desc": ("价格从高到低", "Price: high to low"),
    "sort_sales": ("销量优先", "Best selling"),
    "no_results": (
        "没有找到符合条件的商品，请换个关键词或减少筛选条件。",
        "No products match; try other words or fewer filters.",
    ),
    "pages": ("分页", "Pages"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "compare": ("商品对比", "Compare"),
    "compare_add": ("加入对比", "Add to compare"),
    "compare_added": ("已加入对比", "In comparison"),
    "compare_open": ("开始对比", "Compare now"),
    "compare_clear": ("清空", "Clear"),
    "compare_max": ("最多对比 4 件商品。", "Compare at most 4 products."),
    "compare_empty": ("还没有选择要对比的商品。", "No products chosen to compare yet."),
    "compare_hint": (
        "参数按标准参数编码对齐，取值不同的行已标出。",
        "Parameters are aligned by their code; rows that differ are marked.",
    ),
    "compare_missing": (
        "以下商品已下架或无权查看",
        "These listings are off the shelf or not visible to you",
    ),
    "stock": ("库存", "Stock"),
    "out_of_stock": ("缺货", "Out of stock"),
    "sales": ("销量", "Sales"),
    "on_shelf_until": ("上架至", "On shelf until"),
    "parameters": ("标准参数", "Standard parameters"),
    "supplier": ("供应商", "Supplier"),
    "credit_score": ("信用评价 %s / 5（%d 条）", "Credit rating %s / 5 (%d ratings)"),
    "credit_none": ("暂无信用评价", "No ratings yet"),
    "certificates": ("认证证书", "Certificates"),
    "no_certificates": ("无节能或环境标志产品认证。", "No energy-saving or eco-label certificate."),
    "valid": ("有效", "Valid"),
    "expired": ("已过期", "Expired"),
    "price_history": ("价格走势", "Price history"),
    "previous_price": ("调整前", "Before"),
    "first_price": ("首次定价", "First price"),
    "price_up": ("涨价", "Price up"),
    "now": ("现在", "Now"),
    "price_down": ("降价", "Price down"),
    "review_note": ("审核意见", "Review note"),
    "supplier_console": ("供应商工作台", "Supplier console"),
    "enrolment_status": ("入驻状态", "Enrolment"),
    "enrolled": ("已入驻", "Enrolled"),
    "not_enrolled": ("未入驻", "Not enrolled"),
    "suspended_until": ("已被暂停至", "Suspended until"),
    "enrolled_categories": ("已入驻品目", "Enrolled categories"),
    "my_applications": ("我的入驻申请", "My applications"),
    "status": ("状态", "Status"),
    "reason": ("理由", "Reason"),
    "apply_title": ("申请入驻 / 增加品目", "Apply to enrol or add categories"),
    "application_pending": (
        "已有待审核的入驻申请，审核后可再次申请。",
        "An application is waiting for review; apply again once it is decided.",
    ),
    "licence_no": ("统一社会信用代码", "Unified social credit code"),
    "enterprise_size": ("企业规模", "Enterprise size"),
    "apply_categories": ("申请品目", "Categories to apply for"),
    "apply_submit": ("提交入驻申请", "Send application"),
    "no_listings": ("还没有商品。", "No listings yet."),
    "action_submit": ("提交审核", "Submit for review"),
    "action_renew": ("续期", "Renew"),
    "action_off_shelf": ("下架", "Take off shelf"),
    "upload_image": ("上传图片", "Upload image"),
    "images": ("图片", "Images"),
    "save": ("保存", "Save"),
    "new_listing": ("发布商品", "New listing"),
    "enrol_first": ("入驻品目后即可发布商品。", "Enrol in a category to list products."),
    "choose_category": ("请选择末级品目", "Choose a category"),
    "title_zh": ("商品名称（中文）", "Title (Chinese)"),
    "title_en": ("商品名称（英文，可选）", "Title (English, optional)"),
    "sku": ("SKU（可选）", "SKU (optional)"),
    "barcode": ("商品条码（可选）", "Barcode (optional)"),
    "submit_now": ("保存后立即提交审核", "Submit for review once saved"),
    "save_listing": ("保存商品", "Save listing"),
    "review_queues": ("审核工作台", "Review queues"),
    "enrolment_queue": ("待审核入驻申请", "Enrolment applications"),
    "listing_queue": ("待审核商品", "Listings to review"),
    "applied_at": ("申请时间", "Applied"),
    "submitted_at": ("提交时间", "Submitted"),
    "first_application": ("首次申请", "First application"),
    "was": ("原为", "was"),
    "approve": ("通过", "Approve"),
    "reject": ("驳回", "Reject"),
    "reject_reason": ("驳回理由（驳回时必填）", "Reason (needed to reject)"),
    "needs_certificate": (
        "强制节能品目：尚无有效节能产品认证，无法通过。",
        "Mandatory energy-saving category: no valid certificate, it cannot be approved.",
    ),
    "queue_empty": ("暂无待审核事项。", "Nothing to review."),
    # messages of the pages' scripts
    "request_failed": ("请求失败。", "The request failed."),
    "network_error": ("网络连接失败，请重试。", "Network error; try again."),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "pick_category": ("请至少选择一个品目。", "Choose at least one category."),
    "pick_region": ("请至少选择一个配送地区。", "Choose at least one delivery region."),
    "bad_amount": (
        "金额格式不正确（最多两位小数）。",
        "Not an amount (at most two decimal places).",
    ),
    "bad_stock": ("库存须为非负整数。", "Stock must be a whole number."),
    "nothing_changed": ("没有修改。", "Nothing changed."),
    "saved": ("已保存", "Saved"),
    "uploading": ("正在上传…", "Uploading…"),
    "image_added": ("图片已上传", "Image added"),
    "application_sent": (
        "入驻申请已提交，等待运营审核。",
        "Application sent; the operator will review it.",
    ),
    "listing_saved": ("商品已保存为草稿", "Listing saved as a draft"),
    "listing_submitted": ("商品已提交审核", "Listing submitted for review"),
    "done_submit": ("已提交审核", "Submitted for review"),
    "done_renew": ("已续期", "Renewed"),
    "done_off_shelf": ("已下架", "Taken off the shelf"),
    "reason_required": ("驳回须填写理由。", "A rejection needs a reason."),
    "approved_done": ("已通过", "Approved"),
    "rejected_done": ("已驳回", "Rejected"),
    # halls
    "halls": ("专馆", "Halls"),
    "halls_title": ("主题馆 / 行业馆", "Theme and industry halls"),
    "halls_lead": (
        "按政策主题和行业汇集的商品专区。",
        "Products gathered by policy theme and by industry.",
    ),
    "halls_link": ("逛主题馆 / 行业馆", "Browse theme and industry halls"),
    "no_halls": ("暂无专馆。", "No halls yet."),
    "hall_retired": ("已停用", "Retired"),
    "hall_empty": ("本馆暂无在架商品。", "No products on the shelf in this hall yet."),
    "keyword": ("关键词", "Keyword"),
    "picked": ("精选", "Picked"),
    "picked_title": ("运营人员选入本馆的商品", "Placed in this hall by the operator"),
    "picks_title": ("精选商品", "Hand-picked listings"),
    "picks_hint": (
        "选入的在架商品排在本馆最前，按选入顺序排列。商品编号见商品卡片上的 # 号或商品页地址。",
        "Picked listings on the shelf come first in the hall, in the order picked. A listing's id "
        "is on its card after # and in its page's address.",
    ),
    "listing_id": ("商品编号", "Listing id"),
    "pick_add": ("选入本馆", "Pick into hall"),
    "pick_not_shown": ("不在架，暂不展示", "Not on the shelf, so not shown"),
    "hall_new": ("新建专馆", "New hall"),
    "hall_slug": ("地址（英文）", "Address (slug)"),
    "hall_slug_hint": (
        "小写字母、数字和 -，例如 edu-equipment",
        "Lower-case letters, digits and -, e.g. edu-equipment",
    ),
    "hall_kind": ("类型", "Kind"),
    "hall_name_zh": ("名称（中文）", "Name (Chinese)"),
    "hall_name_en": ("名称（英文，可选）", "Name (English, optional)"),
    "hall_description_zh": ("简介（中文）", "Description (Chinese)"),
    "hall_description_en": ("简介（英文，可选）", "Description (English, optional)"),
    "hall_rule": ("收录规则", "Rule"),
    "hall_rule_hint": (
        "符合全部条件的在架商品自动收录；都不填则只展示精选商品。",
        "On-shelf listings matching every condition are included; "
        "with none, the hall shows its picks only.",
    ),
    "hall_rule_broken": (
        "本馆的收录规则有误，暂时无法展示商品，请联系运营机构。",
        "This hall's rule is invalid, so its products cannot be shown; contact the operator.",
    ),
    "hall_position": ("排序", "Position"),
    "hall_create": ("创建专馆", "Create hall"),
    # price monitoring
    "prices_lead": (
        "检索商品价格，查看标准商品和品目的在架价格分布，下载 CSV。",
        "Search prices, see the spread of on-shelf prices per standard product and category, "
        "download CSV.",
    ),
    "price_search": ("价格检索", "Price search"),
    "price_search_hint": (
        "输入关键词或选择品目后检索。",
        "Enter keywords or choose a category to search.",
    ),
    "product": ("商品", "Product"),
    "current_price": ("现价", "Price"),
    "price_change": ("最近调价", "Last change"),
    "price_chart": ("走势", "Chart"),
    "standard_products": ("标准商品价格分布", "Standard product spreads"),
    "no_standard_products": (
        "暂无标准商品。运营机构定义标准商品后，可在此查看其在架价格分布。",
        "No standard products yet. Once the operator defines some, their price spreads show here.",
    ),
    "category_spread": ("品目价格分布", "Category spreads"),
    "choose_category_spread": ("选择品目", "Choose a category"),
    "show_spread": ("查看分布", "Show spread"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "spread_at": ("统计时间", "As of"),
    "spread_basis": ("按当前在架商品价格统计", "current prices of on-shelf listings"),
    "spread_empty": ("暂无在架商品。", "No listings on the shelf."),
    "stat_count": ("商品数", "Listings"),
    "stat_min": ("最低价", "Min"),
    "stat_q1": ("下四分位 Q1", "Q1"),
    "stat_median": ("中位数", "Median"),
    "stat_q3": ("上四分位 Q3", "Q3"),
    "stat_max": ("最高价", "Max"),
    "boxplot_label": ("价格箱线图", "Price box plot"),
    "boxplot_caption": (
        "箱体为 Q1–Q3，竖线为中位数，圆点为各商品价格",
        "Box Q1–Q3, line at the median, a dot per listing",
    ),
    "price_curve": ("近半年价格走势（按周）", "Price over the last six months (weekly)"),
    "curve_summary": (
        "中位数 %s %s → %s %s（%s）",
        "median %s %s → %s %s (%s)",
    ),
    "curve_table": ("逐周价格数据", "Week-by-week figures"),
    "curve_week": ("日期", "Date"),
    "paid_table": (
        "成交价格（已验收的订单和竞价成交）",
        "What was paid (accepted orders and awards)",
    ),
    "paid_none": ("近半年没有成交。", "Nothing was bought in the last six months."),
    "paid_unit_price": ("成交单价", "Unit price paid"),
    "paid_quantity": ("数量", "Quantity"),
    "paid_source": ("来源", "Source"),
    "paid_order": ("直购订单", "Direct purchase"),
    "paid_award": ("竞价成交", "Award"),
    "price_position": ("价格位置", "Standing"),
    "position_outlier_high": ("异常偏高", "Far above"),
    "position_outlier_low": ("异常偏低", "Far below"),
    "position_high": ("高于 Q3", "Above Q3"),
    "position_low": ("低于 Q1", "Below Q1"),
    "position_middle": ("居中", "Middle"),
    "updated_at": ("更新时间", "Updated"),
    "rows_capped": (
        "仅显示价格最低的 %d 件，共 %d 件；完整数据请下载 CSV。",
        "Showing the %d lowest of %d; download the CSV for all.",
    ),
    # messages of the halls script
    "fill_required": ("请填写必填项。", "Fill in the required fields."),
    "bad_position": ("排序须为非负整数。", "The position must be a whole number."),
    "bad_listing_id": ("请输入商品编号（数字）。", "Enter a listing id (digits)."),
    "hall_created": ("专馆已创建", "Hall created"),
    "pick_added": ("已选入本馆", "Picked into the hall"),
    "pick_removed": ("已移出本馆", "Removed from the hall"),
}
TEXT.update(BUYING_TEXT)
TEXT.update(AUCTION_TEXT)
TEXT.update(DISPUTE_TEXT)
TEXT.update(POOL_TEXT)
TEXT.update(REGISTRATION_TEXT)


#: The texts the pages' scripts need (handed over by ``js_text``).
JS_KEYS = (
    "request_failed",
    "network_error",
    "yes",
    "no",
    "price",
    "choose_category",
    "pick_category",
    "pick_region",
    "bad_amount",
    "bad_stock",
    "nothing_changed",
    "saved",
    "uploading",
    "image_added",
    "application_sent",
    "listing_saved",
    "listing_submitted",
    "done_submit",
    "done_renew",
    "done_off_shelf",
    "reason_required",
    "approved_done",
    "rejected_done",
    "compare_add",
    "compare_added",
    "compare_max",
    "listing_id",
    "fill_required",
    "bad_position",
    "bad_listing_id",
    "hall_created",
    "pick_added",
    "pick_removed",
)
JS_KEYS += BUYING_JS_KEYS
JS_KEYS += AUCTION_JS_KEYS
JS_KEYS += DISPUTE_JS_KEYS


def lang() -> str:
    value = request.cookies.get("lang", "zh")
    return value if value in LANGS else "zh"


def t(key: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return en if lang() == "en" else zh


def pick(zh: str, en: str | None) -> str:
    """The Chinese or English form of something entered in both; in English, what was entered
    only in Chinese is shown as entered."""
    return (en or zh) if lang() == "en" else zh


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
    "hall.created": ("新建专馆", "Hall created"),
    "hall.updated": ("专馆变更", "Hall changed"),
    "hall.listing_picked": ("选入专馆", "Listing picked into hall"),
    "hall.listing_unpicked": ("移出专馆", "Listing removed from hall"),
    "rating.given": ("信用评价", "Rating given"),
    "designation.granted": ("授予定点资格", "Designation granted"),
    "designation.revoked": ("撤销定点资格", "Designation revoked"),
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
    "hall": ("专馆", "Hall"),
}
ACTIONS.update(BUYING_ACTIONS)
SUBJECTS.update(BUYING_SUBJECTS)
ACTIONS.update(AUCTION_ACTIONS)
SUBJECTS.update(AUCTION_SUBJECTS)
ACTIONS.update(DISPUTE_ACTIONS)
SUBJECTS.update(DISPUTE_SUBJECTS)
ACTIONS.update(POOL_ACTIONS)
SUBJECTS.update(POOL_SUBJECTS)
ACTIONS.update(REGISTRATION_ACTIONS)


def action_name(code: str) -> str:
    return pick(*ACTIONS[code]) if code in ACTIONS else code


def subject_name(code: str) -> str:
    return pick(*SUBJECTS[code]) if code in SUBJECTS else code


def js_text() -> dict[str, str]:
    return {key: t(key) for key in JS_KEYS}
