"""供应商注册 (MALL-6): the page where a supplier registers itself. A plain form posted to this
page (multipart, for the licence file; the anonymous double-submit CSRF token), checked by the same
service as ``POST /api/suppliers/registrations``; problems are shown next to their fields, and a
registered supplier lands on its home page signed in, where a notice says its enrolment awaits
approval. Also the licence link of the operators' review queue."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from limits import parse
from sqlalchemy import select
from werkzeug.wrappers import Response

from catalog.enrolment import registration
from catalog.enrolment.api import licence_upload
from catalog.enrolment.models import SIZES, EnrolmentApplication, SupplierProfile
from core.accounts.api import set_session_cookie
from core.accounts.auth import current_actor
from core.accounts.passwords import MIN_LENGTH
from core.accounts.roles import OrgKind
from core.db import db
from core.errors import DomainError, RateLimited
from frontend import catalog_display as show
from frontend.i18n import both, lang

log = logging.getLogger(__name__)

bp = Blueprint("registration_ui", __name__)

#: The form's fields, in the order of the page (where a problem of the whole form is shown first).
FIELDS = (
    "name_zh",
    "name_en",
    "credit_code",
    "enterprise_size",
    "region_id",
    "category_ids",
    "licence",
    "contact_name",
    "contact_phone",
    "contact_email",
    "username",
    "password",
)


def _number(raw: str) -> int | str:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else raw


def _form_data() -> dict[str, Any]:
    form = request.form
    data: dict[str, Any] = {name: form.get(name, "") for name in FIELDS if name != "licence"}
    data["region_id"] = _number(data["region_id"])
    data["category_ids"] = [_number(v) for v in form.getlist("category_ids")]
    return data


def _count_the_post() -> None:
    """A registration sent from the page counts, per address, against the allowance of anonymous
    API writes (``RATE_LIMIT_WRITES``, which covers ``POST /api/suppliers/registrations``); beyond
    it the page answers 429. A store that cannot be reached limits nothing."""
    config = current_app.config
    limiter = current_app.extensions.get("mall_limiter")
    if not config.get("RATE_LIMITS_ENABLED") or limiter is None:
        return
    item = parse(config["RATE_LIMIT_WRITES"])
    key = request.remote_addr or "?"
    try:
        allowed = limiter.limiter.hit(item, "registration-page", key)
        reset_at = limiter.limiter.get_window_stats(item, "registration-page", key).reset_time
    except Exception:
        log.exception("rate limit store unreachable; registrations not limited")
        return
    if not allowed:
        wait = max(1, math.ceil(reset_at - time.time()))
        message, message_zh = both(
            "Too many registrations from here; try again in %(wait)d s.", wait=wait
        )
        raise RateLimited(wait, message=message, message_zh=message_zh)


def _in_language(messages: list[str]) -> list[str]:
    """A detail message reads "中文 / English": the page's half of it."""
    out = []
    for message in messages:
        zh, sep, en = str(message).partition(" / ")
        out.append((en if lang() == "en" else zh) if sep else str(message))
    return out


def _page(
    values: dict[str, Any], errors: dict[str, list[str]], general: str | None, status: int
) -> Response:
    session = db.session
    categories = show.categories_by_id(session)
    leaves = sorted(show.leaf_ids(categories), key=lambda i: categories[i].code)
    regions = show.regions_by_id(session)
    chosen = {v for v in values.get("category_ids", []) if isinstance(v, int)}
    page = render_template(
        "registration/supplier.html",
        values=values,
        errors=errors,
        general=general,
        sizes=list(SIZES),
        regions=[(r, show.region_depth(r)) for r in regions.values()],
        leaves=[categories[i] for i in leaves],
        categories=categories,
        chosen=chosen,
        min_password=MIN_LENGTH,
    )
    return Response(page, status=status, mimetype="text/html")


@bp.route("/register/supplier", methods=["GET", "POST"])
def supplier() -> Any:
    """The registration form; on success the new admin is signed in and sent home."""
    if current_actor() is not None:
        return redirect(url_for("frontend.home"))
    if request.method == "GET":
        return _page({"enterprise_size": "small"}, {}, None, 200)
    values = _form_data()
    try:
        _count_the_post()
        done = registration.register(
            db.session, values, licence_upload(), request.remote_addr or "?"
        )
    except DomainError as error:
        details = error.details if isinstance(error.details, dict) else {}
        errors = {
            field: _in_language(list(messages) if isinstance(messages, list) else [messages])
            for field, messages in details.items()
            if field in FIELDS
        }
        general = error.message if lang() == "en" else error.message_zh
        return _page(values, errors, general, error.status)
    response = redirect(url_for("frontend.home"))
    set_session_cookie(response, done.token)
    return response


@bp.app_template_global()
def enrolment_notice() -> dict[str, Any] | None:
    """For a supplier not yet enrolled whose application is pending: the application (the home
    page shows that it awaits approval)."""
    actor = current_actor()
    if actor is None or actor.org_kind != OrgKind.SUPPLIER or actor.organisation_id is None:
        return None
    session = db.session
    if session.get(SupplierProfile, actor.organisation_id) is not None:
        return None
    application = session.scalars(
        select(EnrolmentApplication)
        .where(
            EnrolmentApplication.supplier_id == actor.organisation_id,
            EnrolmentApplication.status == "pending",
        )
        .order_by(EnrolmentApplication.id.desc())
    ).first()
    if application is None:
        return None
    return {"application": application, "href": url_for("catalog_ui.supplier_console")}


@bp.app_template_global()
def licence_link(supplier_id: int) -> str | None:
    """Where the viewer may download the licence a supplier registered with, if any."""
    if not registration.may_see_licence(current_actor(), supplier_id):
        return None
    if registration.registration_of(db.session, supplier_id) is None:
        return None
    return url_for("supplier_registration.licence", org_id=supplier_id)
