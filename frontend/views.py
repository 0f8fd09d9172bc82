"""Page routes: sign-in, sign-out, the home page per role, language switch, vendored browser libraries."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response

from core import clock
from core.accounts import service
from core.accounts.api import set_session_cookie
from core.accounts.auth import SESSION_COOKIE, csrf_token_for_form, current_actor
from core.accounts.models import User
from core.accounts.roles import KIND_NAMES, ROLE_NAMES, OrgKind, Role
from core.db import db
from core.errors import DomainError
from frontend import (
    auction_views,
    buying_views,
    catalog_views,
    dispute_views,
    halls_views,
    pool_views,
    prices_views,
    registration_views,
)
from frontend.i18n import action_name, lang, pick, subject_name, t
from supervision.ledger.service import entries_query, verify

bp = Blueprint("frontend", __name__)

NODE_MODULES = Path(__file__).resolve().parent / "node_modules"
VENDORED = ("socket.io-client/dist/", "chart.js/dist/", "swagger-ui-dist/")

# What each role's navigation offers: (text key, endpoint or None while the capability is not built).
NAV: dict[str, list[str]] = {
    Role.PURCHASER: [
        "catalog",
        "halls",
        "cart",
        "orders",
        "auctions",
        "volume",
        "budget",
        "disputes",
        "notices",
    ],
    Role.SUPPLIER: ["listings", "enrolment", "auctions", "volume", "orders", "disputes", "notices"],
    Role.OPERATOR: ["review", "enrolment", "halls", "volume", "prices", "organisations"],
    Role.SUPERVISOR: ["ledger", "warnings", "auctions", "volume", "prices", "disputes"],
    Role.PRICE_MONITOR: ["prices", "catalog"],
    Role.DISPUTE_HANDLER: ["disputes", "notices"],
    Role.BANKER: ["financing"],
    Role.ORG_ADMIN: ["organisations"],
}
LINKS = {
    "ledger": "frontend.home",
    "organisations": "frontend.home",
    "catalog": "catalog_ui.search",
    "listings": "catalog_ui.supplier_console",
    "enrolment": "catalog_ui.enrolment_page",
    "review": "catalog_ui.review_queues",
    "halls": "halls_ui.index",
    "prices": "prices_ui.index",
    "cart": "buying_ui.cart_page",
    "orders": "buying_ui.orders",
    "budget": "buying_ui.budgets_page",
    "auctions": "auction_ui.index",
    "disputes": "dispute_ui.index",
    "notices": "dispute_ui.inbox",
    "volume": "pool_ui.index",
}


def nav_for(roles: frozenset[str]) -> list[dict[str, Any]]:
    seen: list[str] = []
    for role in Role:
        if role in roles:
            seen += [key for key in NAV[role] if key not in seen]
    return [
        {
            "key": key,
            "text": t(key),
            "href": url_for(LINKS[key]) + f"#{key}" if key in LINKS else None,
        }
        for key in seen
    ]


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    actor = current_actor()
    return {
        "t": t,
        "pick": pick,
        "lang": lang(),
        "actor": actor,
        "nav": nav_for(actor.roles) if actor else [],
        "csrf_token": csrf_token_for_form,
        "local_time": lambda at: clock.local(at).strftime("%Y-%m-%d %H:%M:%S"),
        "role_name": lambda r: pick(*ROLE_NAMES[Role(r)]),
        "kind_name": lambda k: pick(*KIND_NAMES[OrgKind(k)]),
        "action_name": action_name,
        "subject_name": subject_name,
    }


@bp.route("/")
def home() -> Any:
    actor = current_actor()
    if actor is None:
        return redirect(url_for("frontend.signin"))
    session = db.session
    user = session.get(User, actor.user_id)
    org = user.organisation
    context: dict[str, Any] = {
        "user": user,
        "org": org,
        "org_kind_name": pick(*KIND_NAMES[org.kind]),
        "region": org.region,
    }
    if actor.has(Role.SUPERVISOR):
        context["ledger_entries"] = session.scalars(
            entries_query(session, actor, {}).limit(15)
        ).all()
        context["ledger_check"], context["ledger_checked_at"] = _recent_verification(session)
    if actor.has(Role.ORG_ADMIN):
        context["org_users"] = service.list_users(session, actor, org.id)
    if actor.has(Role.OPERATOR, Role.SUPERVISOR):
        context["organisations"] = session.scalars(
            service.organisation_query(actor, {}).limit(50)
        ).all()
    return render_template("home.html", **context)


_VERIFY_TTL = 60.0
_last_verification: dict[str, Any] = {}


def _recent_verification(session: Any) -> tuple[Any, Any]:
    """The home page shows a whole-chain verification at most a minute old: walking every entry on
    each page view would cost more as the ledger grows. ``flask ledger verify`` and the API always
    walk the chain afresh."""
    now = time.monotonic()
    if not _last_verification or now - _last_verification["at"] > _VERIFY_TTL:
        _last_verification.update(at=now, result=verify(session), when=clock.now())
    return _last_verification["result"], _last_verification["when"]


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    if request.method == "GET":
        if current_actor() is not None:
            return redirect(url_for("frontend.home"))
        return render_template("signin.html", error=None, username="")
    username = request.form.get("username", "")
    try:
        _, token = service.sign_in(
            db.session, username, request.form.get("password", ""), request.remote_addr or "?"
        )
    except DomainError as error:
        message = error.message if lang() == "en" else error.message_zh
        page = render_template("signin.html", error=message, username=username)
        return Response(page, status=error.status, mimetype="text/html")
    response = redirect(url_for("frontend.home"))
    set_session_cookie(response, token)
    return response


@bp.route("/signout", methods=["POST"])
def signout() -> Any:
    actor = current_actor()
    if actor is not None and actor.session_id is not None:
        service.sign_out(db.session, actor)
    response = redirect(url_for("frontend.signin"))
    response.delete_cookie(SESSION_COOKIE)
    return response


@bp.route("/lang/<code>")
def set_lang(code: str) -> Any:
    if code not in ("zh", "en"):
        abort(404)
    target = request.referrer or url_for("frontend.home")
    if not target.startswith(request.host_url):
        target = url_for("frontend.home")
    response = redirect(target)
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@bp.route("/vendor/<path:filename>")
def vendor(filename: str) -> Any:
    """Browser libraries installed from the npm registry at set-up (frontend/package.json)."""
    if not filename.startswith(VENDORED) or ".." in filename:
        abort(404)
    return send_from_directory(NODE_MODULES, filename, max_age=3600)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(catalog_views.bp)
    app.register_blueprint(halls_views.bp)
    app.register_blueprint(prices_views.bp)
    app.register_blueprint(buying_views.bp)
    app.register_blueprint(auction_views.bp)
    app.register_blueprint(dispute_views.bp)
    app.register_blueprint(pool_views.bp)
    app.register_blueprint(registration_views.bp)
