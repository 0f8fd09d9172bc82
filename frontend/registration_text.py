"""The supplier registration page's texts (供应商注册), Chinese first. ``frontend.i18n`` merges them
into its tables. Keys start with ``reg_`` so that they never shadow another page's text."""

from __future__ import annotations

REGISTRATION_TEXT: dict[str, tuple[str, str]] = {
    "reg_link": ("供应商注册", "Supplier registration"),
    "reg_link_lead": ("还没有账户？", "No account yet?"),
    "reg_title": ("供应商注册", "Supplier registration"),
    "reg_lead": (
        "一地登记、全区通用：在此登记一次，即可在全区参与网上商城交易。提交后立即开通单位管理员账户；"
        "入驻申请经运营机构审核通过后，方可发布商品和参与竞价。",
        "Register once, valid in the whole region. Your admin account works at once; you may "
        "list products and bid once an operator has approved your enrolment application.",
    ),
    "reg_org": ("单位信息", "Organisation"),
    "reg_name_zh": ("单位名称（中文）", "Name (Chinese)"),
    "reg_name_en": ("英文名称（选填）", "Name in English (optional)"),
    "reg_credit_code": ("统一社会信用代码", "Unified social credit code"),
    "reg_credit_code_hint": (
        "18 位，见营业执照；字母不区分大小写。",
        "18 characters, as on the business licence; letters in any case.",
    ),
    "reg_size": ("企业规模（自行声明）", "Enterprise size (declared)"),
    "reg_size_hint": (
        "依据《中小企业划型标准规定》声明，用于中小企业扶持政策。",
        "Declared under the SME classification rules; used for the SME policy.",
    ),
    "reg_region": ("所在地区", "Region"),
    "reg_choose": ("请选择", "Choose"),
    "reg_categories": ("申请入驻的品目（至少一项）", "Categories to enrol in (at least one)"),
    "reg_licence": ("营业执照", "Business licence"),
    "reg_licence_hint": (
        "PDF、PNG 或 JPEG，不超过 5 MB。如提交后有错误，请重新选择文件。",
        "PDF, PNG or JPEG, at most 5 MB. If the form comes back with an error, choose the file "
        "again.",
    ),
    "reg_contact": ("联系人", "Contact"),
    "reg_contact_name": ("联系人姓名", "Contact name"),
    "reg_contact_phone": ("联系电话", "Phone"),
    "reg_contact_email": ("电子邮箱（选填）", "E-mail (optional)"),
    "reg_account": ("单位管理员账户", "Admin account"),
    "reg_username": ("用户名", "Username"),
    "reg_username_hint": (
        "3–64 位小写字母、数字或 . _ -",
        "3–64 lower-case letters, digits, '.', '_' or '-'",
    ),
    "reg_password": ("密码", "Password"),
    "reg_password_hint": ("至少 %d 个字符。", "At least %d characters."),
    "reg_submit": ("提交注册", "Register"),
    "reg_failed": ("注册未成功，请按提示修改后重新提交。", "Not registered: see the notes below."),
    "reg_have_account": ("已有账户？", "Have an account?"),
    "reg_pending_title": ("入驻申请待审核", "Enrolment awaiting approval"),
    "reg_pending": (
        "贵单位已注册成功。入驻申请（%s 提交）正由运营机构审核，审核通过后即可发布商品、参与竞价。",
        "Your organisation is registered. Its enrolment application (sent %s) awaits an "
        "operator's approval; then you may list products and bid.",
    ),
    "reg_pending_link": ("查看入驻申请", "See the application"),
    "reg_licence_link": ("查看营业执照", "Business licence"),
}

REGISTRATION_ACTIONS: dict[str, tuple[str, str]] = {
    "org.registered": ("供应商注册", "Supplier registered"),
}
