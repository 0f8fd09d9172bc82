"""What an error page says: a sentence for the code (or, failing that, the status) in Chinese and
English, and the ways on from there. The JSON API keeps its own error body; only pages use this."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request, url_for

from core.api import HTTP_MESSAGES_ZH
from core.errors import DomainError

#: A sentence per machine-readable code the pages meet most.
BY_CODE: dict[str, tuple[str, str]] = {
    "not_found": (
        "您要找的页面或记录不存在，可能已被删除，或链接有误。",
        "The page or record you are looking for does not exist; it may have been removed, or "
        "the link is wrong.",
    ),
    "unauthenticated": (
        "请先登录，再打开此页面。",
        "Please sign in to open this page.",
    ),
    "signed_out": ("您已退出登录，请重新登录。", "You were signed out; please sign in again."),
    "forbidden": (
        "您的账号没有打开此页面的权限。",
        "Your account may not open this page.",
    ),
    "other_organisation": (
        "此记录属于其他单位，您无权查看。",
        "This record belongs to another organisation; you may not see it.",
    ),
    "purchaser_only": (
        "此页面仅供采购单位的采购人使用。",
        "This page is for purchasers of a purchasing organisation only.",
    ),
    "supplier_only": (
        "此页面仅供供应商使用。",
        "This page is for suppliers only.",
    ),
    "operator_only": (
        "此页面仅供商城运营人员使用。",
        "This page is for the mall's operators only.",
    ),
    "monitor_only": ("此页面仅供价格监测人员使用。", "This page is for price monitors only."),
    "organiser_only": ("此页面仅供组织方使用。", "This page is for the organiser only."),
    "role_required": (
        "您的账号没有所需的角色。",
        "Your account does not have the role this page needs.",
    ),
    "wrong_role": ("您的账号没有所需的角色。", "Your account does not have the role this needs."),
    "method_not_allowed": (
        "此地址不支持这种访问方式。",
        "This address cannot be used that way.",
    ),
    "rate_limited": ("请求过于频繁，请稍后再试。", "Too many requests; please try again later."),
    "server_error": (
        "服务器出现了问题，我们已记录下来。请稍后再试。",
        "Something went wrong on our side and it has been logged. Please try again later.",
    ),
}

#: Failing a code of its own, a sentence per status.
BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("请求无法处理，请返回重试。", "The request cannot be processed; go back and try again."),
    401: BY_CODE["unauthenticated"],
    403: BY_CODE["forbidden"],
    404: BY_CODE["not_found"],
    405: BY_CODE["method_not_allowed"],
    409: (
        "该操作与当前状态冲突，请刷新后再试。",
        "This conflicts with the current state; reload and try again.",
    ),
    413: ("上传的内容过大。", "What was sent is too large."),
    422: (
        "部分内容不符合要求，请返回修改。",
        "Some of what was sent is invalid; go back and fix it.",
    ),
    429: BY_CODE["rate_limited"],
    500: BY_CODE["server_error"],
}

TITLES: dict[int, tuple[str, str]] = {
    401: ("需要登录", "Sign-in needed"),
    403: ("无权访问", "Not allowed"),
    404: ("页面不存在", "Page not found"),
    429: ("请稍候", "Please wait"),
    500: ("出错了", "Something went wrong"),
}


def _same_site_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    here, there = urlsplit(request.host_url), urlsplit(referrer)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc) or referrer == request.url:
        return None
    return referrer


#: Messages that say no more than the status (the errors' defaults): not repeated under the sentence.
GENERIC_ZH = frozenset(
    [*HTTP_MESSAGES_ZH.values()]
    + [cls.message_zh for cls in (DomainError, *DomainError.__subclasses__())]
)


def explain(
    status: int, code: str | None, signed_in: bool, lang: str, message_zh: str | None = None
) -> dict[str, Any]:
    """The page's title, its sentence, whether the error's own message says more, and the ways
    on (home, sign in, back)."""
    i = 1 if lang == "en" else 0
    sentence = BY_CODE.get(code or "") or BY_STATUS.get(status) or BY_STATUS[400]
    title = TITLES.get(status) or (("请求未完成", "Not done") if status < 500 else TITLES[500])
    links = []
    back = _same_site_referrer()
    if back:
        links.append(
            {"href": back, "text": ("返回上一页", "Back to the previous page")[i], "key": "back"}
        )
    if not signed_in or status == 401:
        links.append(
            {"href": url_for("frontend.signin"), "text": ("登录", "Sign in")[i], "key": "signin"}
        )
    links.append(
        {
            "href": url_for("frontend.home"),
            "text": ("回到首页", "Go to the home page")[i],
            "key": "home",
        }
    )
    return {
        "title": title[i],
        "sentence": sentence[i],
        # the error's own message says more than the sentence for the status
        "specific": status < 500 and bool(message_zh) and message_zh not in GENERIC_ZH,
        "links": links,
    }
