"""What an error page says: a sentence for the code (or, failing that, the status) in Chinese and
English, and the ways on from there. The JSON API keeps its own error body; only pages use this."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from core.api import HTTP_MESSAGES_ZH
from core.errors import DomainError
from core.messages import translate

#: A sentence per machine-readable code the pages meet most.
BY_CODE: dict[str, LazyString] = {
    "not_found": _l(
        "The page or record you are looking for does not exist; it may have been removed, "
        "or the link is wrong."
    ),
    "unauthenticated": _l("Please sign in to open this page."),
    "signed_out": _l("You were signed out; please sign in again."),
    "forbidden": _l("Your account may not open this page."),
    "other_organisation": _l("This record belongs to another organisation; you may not see it."),
    "other_region": _l("This record belongs to a region you do not supervise."),
    "supervisor_only": _l("This page is for supervisors only."),
    "purchaser_only": _l("This page is for purchasers of a purchasing organisation only."),
    "supplier_only": _l("This page is for suppliers only."),
    "operator_only": _l("This page is for the mall's operators only."),
    "monitor_only": _l("This page is for price monitors only."),
    "organiser_only": _l("This page is for the organiser only."),
    "role_required": _l("Your account does not have the role this page needs."),
    "wrong_role": _l("Your account does not have the role this needs."),
    "method_not_allowed": _l("This address cannot be used that way."),
    "rate_limited": _l("Too many requests; please try again later."),
    "server_error": _l(
        "Something went wrong on our side and it has been logged. Please try again later."
    ),
}

#: Failing a code of its own, a sentence per status.
BY_STATUS: dict[int, LazyString] = {
    400: _l("The request cannot be processed; go back and try again."),
    401: BY_CODE["unauthenticated"],
    403: BY_CODE["forbidden"],
    404: BY_CODE["not_found"],
    405: BY_CODE["method_not_allowed"],
    409: _l("This conflicts with the current state; reload and try again."),
    413: _l("What was sent is too large."),
    422: _l("Some of what was sent is invalid; go back and fix it."),
    429: BY_CODE["rate_limited"],
    500: BY_CODE["server_error"],
}

TITLES: dict[int, LazyString] = {
    401: _l("Sign-in needed"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    429: _l("Please wait"),
    500: _l("Something went wrong"),
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
    + [translate(cls.message, "zh") for cls in (DomainError, *DomainError.__subclasses__())]
)


def explain(
    status: int, code: str | None, signed_in: bool, lang: str, message_zh: str | None = None
) -> dict[str, Any]:
    """The page's title, its sentence, whether the error's own message says more, and the ways
    on (home, sign in, back)."""
    sentence = BY_CODE.get(code or "") or BY_STATUS.get(status) or BY_STATUS[400]
    title = TITLES.get(status) or (_l("Not done") if status < 500 else TITLES[500])
    links = []
    back = _same_site_referrer()
    if back:
        links.append({"href": back, "text": str(_l("Back to the previous page")), "key": "back"})
    if not signed_in or status == 401:
        links.append(
            {"href": url_for("frontend.signin"), "text": str(_l("Sign in")), "key": "signin"}
        )
    links.append(
        {
            "href": url_for("frontend.home"),
            "text": str(_l("Go to the home page")),
            "key": "home",
        }
    )
    return {
        "title": str(title),
        "sentence": str(sentence),
        # the error's own message says more than the sentence for the status
        "specific": status < 500 and bool(message_zh) and message_zh not in GENERIC_ZH,
        "links": links,
    }
