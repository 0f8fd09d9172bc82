"""The volume-purchase pages' texts (带量采购: the list, the form, the pool page), Chinese first.
``frontend.i18n`` merges them into its tables; keys start with ``pool_``."""

from __future__ import annotations

POOL_TEXT: dict[str, tuple[str, str]] = {
    "pool_title": ("带量采购", "Volume purchases"),
    "pool_lead": (
        "多家采购单位在征集期内报送同一标准商品的需求，截止后合并为一个标的进行网上竞价，"
        "成交后按各单位需求分别生成订单和合同。",
        "Purchaser units add demand for one standard product during the window; at its close the "
        "pooled lot goes to a reverse auction, and the award becomes one order and contract per "
        "unit.",
    ),
    "pool_lead_supplier": (
        "这里列出贵公司可以参与的带量采购项目（已入驻品目、未被暂停交易资格，面向中小企业的项目须为"
        "中小企业）；征集截止后进入网上竞价，报价为单价。",
        "These are the volume purchases your company may take part in (a category it is enrolled "
        "in, not suspended, and an SME where the lot is reserved for SMEs); after the window they "
        "go to a reverse auction on the unit price.",
    ),
    # the supplier's list and the pool page: who may take part (the auctions' one rule)
    "pool_hidden_some": (
        "另有 %d 个带量采购项目贵公司不能参与，未列出。",
        "%d more volume purchases are not listed: your company may not take part in them.",
    ),
    "pool_show_all": ("显示全部并说明原因", "Show them all, with the reason"),
    "pool_show_biddable": ("只看可参与的", "Only those I may take part in"),
    "pool_enrol_more": ("申请入驻更多品目", "Enrol in more categories"),
    "pool_cannot": ("不能参与", "Cannot take part"),
    "pool_why_title": ("贵公司不能参与本项目", "Your company cannot take part in this purchase"),
    "pool_why_then": (
        "本项目征集截止后转为网上竞价，贵公司不能申报供货能力或报价。",
        "When the window closes this purchase goes to a reverse auction, in which your company "
        "may not declare capacity or bid.",
    ),
    "pool_why_enrol": ("申请入驻品目", "Apply to enrol in categories"),
    # the organiser's form: how many may take part
    "pool_f_eligible_pick": (
        "选择品目或标准商品后显示符合条件的供应商家数。",
        "Choose a category or standard product to see how many suppliers may take part.",
    ),
    "pool_eligible_line": (
        "符合条件的供应商：%s 家（最少有效报价供应商 %s 家）",
        "Eligible suppliers: %s (minimum bidders: %s)",
    ),
    "pool_eligible_short": (
        "符合条件的供应商只有 %s 家，少于最少有效报价供应商 %s 家：照此发起，竞价很可能流标。"
        "可调整品目、标准商品或最少有效报价供应商数。",
        "Only %s supplier(s) may take part, fewer than the minimum of %s: opened like this, the "
        "auction will most likely fail. Change the category, the standard product or the "
        "minimum.",
    ),
    "pool_eligible_page_short": (
        "符合条件的供应商只有 %s 家，少于最少有效报价供应商 %s 家：竞价很可能流标。"
        "可在征集截止前撤销本项目，调整后重新发起。",
        "Only %s supplier(s) may take part, fewer than the minimum of %s: the auction will most "
        "likely fail. Before the window closes you may withdraw this purchase and open it again "
        "on other terms.",
    ),
    "pool_eligible_none": (
        "该品目目前没有符合条件的供应商，征集截止后无人能够报价。",
        "No supplier may take part in this category now: nobody could bid once the window closes.",
    ),
    "pool_eligible_hint": (
        "已入驻该品目、未被暂停交易资格；合并后的标的若面向中小企业，还须为中小企业。"
        "只显示家数，不显示名称。",
        "Enrolled in the category and not suspended; if the pooled lot turns out to be reserved "
        "for SMEs, an SME too. Only the number is shown, never the names.",
    ),
    "pool_new": ("发起带量采购", "New volume purchase"),
    "pool_none": ("暂无带量采购项目。", "No volume purchases."),
    "pool_total": ("共 %d 个项目", "%d volume purchases"),
    "pool_all": ("全部", "All"),
    "pool_mine": ("本单位参与的", "My unit's"),
    "pool_status_open": ("需求征集中", "Collecting demand"),
    "pool_status_closed": ("征集截止", "Window closed"),
    "pool_status_auctioned": ("竞价中", "In auction"),
    "pool_status_awarded": ("已成交", "Awarded"),
    "pool_status_failed": ("流标", "Failed"),
    "pool_status_cancelled": ("已撤销", "Withdrawn"),
    "pool_number": ("项目编号", "Number"),
    "pool_pooled": ("汇总数量", "Pooled quantity"),
    "pool_units": ("参与单位", "Purchaser units"),
    "pool_units_n": ("%d 家", "%d"),
    "pool_closes": ("征集截止", "Window closes"),
    "pool_opens": ("征集开始", "Window opens"),
    "pool_view": ("查看", "View"),
    "pool_organiser": ("发起单位", "Organiser"),
    "pool_max_winners": ("成交供应商数", "Winners"),
    "pool_max_winners_n": (
        "最多 %d 家（各按申报的供货能力）",
        "Up to %d (each to its declared capacity)",
    ),
    "pool_one_winner": ("1 家，供应全部数量", "1, supplying everything"),
    "pool_auction": ("竞价", "Auction"),
    "pool_auction_time": ("竞价时间", "Auction time"),
    "pool_auction_open": ("进入竞价室", "Open the auction room"),
    "pool_failed": ("本项目流标", "This volume purchase failed"),
    "pool_cancelled": ("本项目已撤销", "This volume purchase was withdrawn"),
    # the pool page
    "pool_summary": ("需求汇总", "Pooled demand"),
    "pool_my_demand": ("本单位需求", "My unit's demand"),
    "pool_add_demand": ("报送需求", "Add demand"),
    "pool_add_hint": (
        "报送后按最高限价冻结本单位预算指标（数量 × 最高限价）；成交后按成交价转入订单，差额自动释放。",
        "Adding demand holds quantity × ceiling on your budget line; at the award the orders take "
        "the winning price and the rest is released.",
    ),
    "pool_quantity": ("需求数量", "Quantity"),
    "pool_held": ("冻结预算", "Funds held"),
    "pool_budget_line": ("预算指标", "Budget line"),
    "pool_available": ("可用", "available"),
    "pool_no_budget": (
        "本单位 %d 年度没有可用的预算指标。",
        "Your unit has no budget line for %d.",
    ),
    "pool_withdraw": ("撤回需求", "Withdraw demand"),
    "pool_withdraw_hint": (
        "征集截止前可撤回，冻结的预算随即释放。",
        "Until the window closes; the funds are released at once.",
    ),
    "pool_submit": ("提交需求", "Submit demand"),
    "pool_demand_status_active": ("已报送", "Added"),
    "pool_demand_status_withdrawn": ("已撤回", "Withdrawn"),
    "pool_demand_status_awarded": ("已成交", "Awarded"),
    "pool_demand_status_released": ("未成交，预算已释放", "Not awarded; funds released"),
    "pool_demands": ("各单位需求", "Demands"),
    "pool_unit": ("采购单位", "Purchaser unit"),
    "pool_delivery": ("交货地址", "Delivery"),
    "pool_status": ("状态", "Status"),
    "pool_shares": ("成交分配", "The award's shares"),
    "pool_rank": ("名次", "Rank"),
    "pool_supplier": ("供应商", "Supplier"),
    "pool_unit_price": ("成交单价", "Unit price"),
    "pool_amount": ("金额", "Amount"),
    "pool_order": ("订单", "Order"),
    "pool_window_closed": ("需求征集已截止。", "The demand window is closed."),
    "pool_window_not_open": ("需求征集尚未开始。", "The demand window has not opened yet."),
    "pool_only_purchasers": (
        "采购单位的采购人可报送需求。",
        "Purchasers of a purchaser unit add demand.",
    ),
    "pool_cancel": ("撤销项目", "Withdraw the volume purchase"),
    "pool_cancel_hint": (
        "征集截止前可撤销，所有单位冻结的预算随即释放。",
        "Until the window closes; every unit's funds are released.",
    ),
    "pool_cancel_reason": ("撤销原因", "Reason"),
    "pool_cancel_effect": (
        "撤销后：%d 个采购单位报送的需求全部释放，冻结的预算共 %s 立即退回各单位预算指标；"
        "项目不再生成竞价，供应商不能参与。撤销不可恢复，原因记入监管留痕。",
        "Withdrawing releases the demand of %d purchaser unit(s): the %s they hold goes back to "
        "their budget lines at once; no auction follows and no supplier can bid. This cannot be "
        "undone; the reason goes on the ledger.",
    ),
    "pool_cancel_confirm": (
        "我已了解上述影响，确认撤销",
        "I understand the effect above: withdraw it",
    ),
    "pool_cancel_confirm_needed": (
        "请先确认已了解撤销的影响。",
        "Confirm that you understand the effect first.",
    ),
    "pool_failed_no_demand": (
        "需求征集期内没有采购单位报送需求。",
        "No purchaser unit added demand in the window.",
    ),
    "pool_added": ("需求已报送，预算已冻结。", "Demand added; the funds are held."),
    "pool_withdrawn": ("需求已撤回，预算已释放。", "Demand withdrawn; the funds are released."),
    "pool_cancelled_done": ("项目已撤销。", "The volume purchase was withdrawn."),
    "pool_opened_done": (
        "带量采购已发起，开始征集需求。",
        "The volume purchase is open for demand.",
    ),
    "pool_time_note": ("时间均为北京时间。", "Times are Beijing time."),
    # capacity, in the auction room
    "pool_capacity": ("供货能力（%s）", "Capacity (%s)"),
    "pool_capacity_hint": (
        "本项目最多 %d 家成交，按报价由低到高依次分配，每家不超过申报的供货能力；"
        "未申报视为可供应全部数量。报价后只能调高。",
        "Up to %d winners, served in price order, each up to its declared capacity; no "
        "declaration means the whole quantity. After bidding it can only be raised.",
    ),
    "pool_capacity_save": ("申报", "Declare"),
    "pool_capacity_now": ("已申报：%d", "Declared: %d"),
    "pool_capacity_saved": ("供货能力已申报。", "Capacity declared."),
    "pool_of_auction": ("带量采购项目 %s", "Volume purchase %s"),
    # the form
    "pool_form_title": ("发起带量采购", "Open a volume purchase"),
    "pool_form_lead": (
        "设定标的、最高限价、需求征集期和竞价规则；征集截止后系统自动按汇总数量发起网上竞价。",
        "Set the product, the ceiling, the demand window and the auction's rules; at the close "
        "the system starts the auction for the pooled quantity by itself.",
    ),
    "pool_sec_item": ("采购标的", "What is bought"),
    "pool_sec_window": ("需求征集与竞价时间", "Window and auction time"),
    "pool_sec_rules": ("竞价规则", "Auction rules"),
    "pool_sec_contact": ("交货与联系人", "Delivery and contact"),
    "pool_f_title": ("项目名称", "Title"),
    "pool_f_category": ("品目", "Category"),
    "pool_f_product": ("标准商品", "Standard product"),
    "pool_f_no_product": ("不指定", "None"),
    "pool_f_unit": ("计量单位", "Unit"),
    "pool_f_ceiling": ("最高限价（单价，元）", "Ceiling (unit price, CNY)"),
    "pool_f_show_ceiling": ("向供应商公开最高限价", "Show the ceiling to suppliers"),
    "pool_f_closes_at": ("需求征集截止", "Demand window closes"),
    "pool_f_gap": ("截止后多少分钟开始竞价", "Auction starts … minutes after the close"),
    "pool_f_duration": ("竞价时长（分钟）", "Auction length (minutes)"),
    "pool_f_decrement_mode": ("降价幅度方式", "Decrement"),
    "pool_f_absolute": ("固定金额（元）", "Fixed amount (CNY)"),
    "pool_f_percent": ("百分比（0.5%–3%）", "Percentage (0.5–3 %)"),
    "pool_f_decrement_value": ("最小降价幅度", "Minimum decrement"),
    "pool_f_must_beat": ("报价须低于", "A bid must beat"),
    "pool_f_visibility": ("信息公开方式", "What bidders see"),
    "pool_f_min_bidders": ("最少有效报价供应商", "Minimum bidders"),
    "pool_f_max_winners": ("成交供应商数（最多）", "Winners (at most)"),
    "pool_f_delivery_date": ("交货日期", "Delivery date"),
    "pool_f_contact_name": ("联系人", "Contact"),
    "pool_f_contact_phone": ("联系电话", "Phone"),
    "pool_f_region": ("交货地区", "Delivery region"),
    "pool_f_address": ("交货地址", "Delivery address"),
    "pool_f_choose": ("请选择", "Choose"),
    "pool_f_save": ("发起", "Open"),
    "pool_f_cancel": ("取消", "Cancel"),
    "pool_f_errors": ("请修改标出的内容。", "Please correct the fields marked."),
}

#: Ledger actions and subjects of volume purchases as a supervisor reads them.
POOL_ACTIONS: dict[str, tuple[str, str]] = {
    "pool.opened": ("发起带量采购", "Volume purchase opened"),
    "pool.demand_added": ("报送带量采购需求", "Demand added"),
    "pool.demand_withdrawn": ("撤回带量采购需求", "Demand withdrawn"),
    "pool.cancelled": ("撤销带量采购", "Volume purchase withdrawn"),
    "pool.closed": ("需求征集截止", "Demand window closed"),
    "pool.auctioned": ("带量采购转入竞价", "Pooled lot sent to auction"),
    "pool.capacity_declared": ("申报供货能力", "Capacity declared"),
    "pool.awarded": ("带量采购成交分配", "Volume purchase awarded"),
    "pool.failed": ("带量采购流标", "Volume purchase failed"),
}
POOL_SUBJECTS: dict[str, tuple[str, str]] = {
    "pool": ("带量采购项目", "Volume purchase"),
}
