"""Page routes: sign-in, sign-out, the home page per role, language switch, vendored browser libraries."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response

from core import clock
from core.accounts import demo as accounts_demo
from core.accounts import service
from core.accounts.api import set_session_cookie
from core.accounts.auth import SESSION_COOKIE, csrf_token_for_form, current_actor
from core.accounts.models import Organisation, User
from core.accounts.roles import KIND_NAMES, ROLE_NAMES, OrgKind, Role
from core.db import db
from core.errors import DomainError
from frontend import (
    agreement_change_views,
    agreement_join_views,
    agreement_views,
    auction_views,
    buying_views,
    calloff_views,
    catalog_views,
    credit_views,
    dispute_views,
    error_text,
    halls_views,
    i18n,
    ledger_views,
    notice_views,
    pool_views,
    price_statistics_views,
    prices_views,
    public_views,
    registration_views,
    supervision_views,
    warning_views,
)
from frontend.i18n import action_name, lang, pick, subject_name
from frontend.listing_rules import listing_rules
from frontend.nav import nav_for
from supervision.ledger.service import verify

bp = Blueprint("frontend", __name__)

NODE_MODULES = Path(__file__).resolve().parent / "node_modules"
VENDORED = ("socket.io-client/dist/", "chart.js/dist/", "swagger-ui-dist/")


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    actor = current_actor()
    return {
        "pick": pick,
        "lang": lang(),
        "actor": actor,
        "nav": nav_for(actor.roles) if actor else [],
        "csrf_token": csrf_token_for_form,
        "local_time": i18n.when,
        "role_name": lambda r: pick(*ROLE_NAMES[Role(r)]),
        "kind_name": lambda k: pick(*KIND_NAMES[OrgKind(k)]),
        "action_name": action_name,
        "subject_name": subject_name,
        "listing_rules": listing_rules,
        "explain_error": lambda status, error: error_text.explain(
            status, error.get("code"), actor is not None, lang(), error.get("message_zh")
        ),
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
        (
            context["ledger_check"],
            context["ledger_checked_at"],
            context["ledger_walked_at"],
        ) = _recent_verification(session)
    if actor.has(Role.ORG_ADMIN):
        context["org_users"] = service.list_users(session, actor, org.id)
    if actor.has(Role.OPERATOR, Role.SUPERVISOR):
        context["organisations"] = session.scalars(
            service.organisation_query(actor, {}).limit(50)
        ).all()
    return render_template("home.html", **context)


_FULL_WALK_TTL = 60.0
_last_walk: dict[str, Any] = {}


def _recent_verification(session: Any) -> tuple[Any, Any, Any]:
    """The home page's verification covers every entry up to the latest at the moment the page is
    made: the whole chain is walked at most once a minute (walking every entry on each page view
    would cost more as the ledger grows), and on each view the entries appended since the last
    walk are checked on from its verified end. Returns the result, when it was made and when the
    whole chain was last walked. ``flask ledger verify`` and the API always walk the chain afresh."""
    now = time.monotonic()
    if not _last_walk or now - _last_walk["at"] > _FULL_WALK_TTL or not _last_walk["result"].ok:
        result = verify(session)
        _last_walk.update(at=now, result=result, when=clock.now())
        return result, _last_walk["when"], _last_walk["when"]
    walked = _last_walk["result"]
    result = verify(session, after=(walked.entries, walked.last_hash))
    if not result.ok:
        # Report a fault only as a walk of the whole chain finds it.
        _last_walk.clear()
        return _recent_verification(session)
    return result, clock.now(), _last_walk["when"]


#: The demo accounts the sign-in page names, one per part, when the demo data is loaded.
DEMO_SHOWN = ("purchaser", "supplier", "operator", "supervisor", "handler", "monitor")


def demo_accounts(session: Any) -> list[dict[str, Any]]:
    """The demo accounts present in this database (users of the demo organisations only, so a
    real user who happens to share a name is never shown)."""
    demo_orgs = [credit for _, _, _, _, credit, _ in accounts_demo.ORGS]
    users = session.scalars(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.username.in_(DEMO_SHOWN), Organisation.credit_code.in_(demo_orgs))
    ).all()
    order = {name: i for i, name in enumerate(DEMO_SHOWN)}
    return [
        {
            "username": u.username,
            "roles": [pick(*ROLE_NAMES[Role(r)]) for r in u.roles],
            "organisation": pick(u.organisation.name_zh, u.organisation.name_en),
        }
        for u in sorted(users, key=lambda u: order[u.username])
    ]


def _signin_page(error: str | None, username: str) -> str:
    accounts = demo_accounts(db.session)
    return render_template(
        "signin.html",
        error=error,
        username=username,
        demo_accounts=accounts,
        demo_password=accounts_demo.DEMO_PASSWORD if accounts else None,
    )


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    if request.method == "GET":
        if current_actor() is not None:
            return redirect(url_for("frontend.home"))
        return _signin_page(None, "")
    username = request.form.get("username", "")
    try:
        _, token = service.sign_in(
            db.session, username, request.form.get("password", ""), request.remote_addr or "?"
        )
    except DomainError as error:
        message = error.message if lang() == "en" else error.message_zh
        page = _signin_page(message, username)
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


HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def api_document() -> dict[str, Any]:
    """The whole OpenAPI document, exactly as ``/api/openapi.json`` serves it (every blueprint
    registered with the API)."""
    return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def api_sections(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's operations grouped by tag, in the document's order of tags."""
    tags = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in tags}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            text = (operation.get("description") or operation.get("summary") or "").strip()
            for tag in operation.get("tags") or ["default"]:
                sections.setdefault(tag, []).append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary") or text.split("\n", 1)[0],
                        "description": text,
                        "id": operation.get("operationId") or f"{method}-{path}",
                        "responses": sorted(operation.get("responses", {})),
                    }
                )
    return [
        {"name": name, "description": tags.get(name, ""), "operations": operations}
        for name, operations in sections.items()
        if operations
    ]


@bp.route("/api-docs")
def api_docs() -> Any:
    """接口文档: every path and operation of the OpenAPI document, readable without a script; the
    interactive explorer and the JSON document are linked from it."""
    document = api_document()
    sections = api_sections(document)
    return render_template(
        "api_docs.html",
        info=document.get("info", {}),
        version=document.get("openapi"),
        sections=sections,
        path_count=len(document.get("paths", {})),
        operation_count=sum(len(s["operations"]) for s in sections),
        explorer=url_for("api-docs.openapi_swagger_ui"),
        json_url=url_for("api-docs.openapi_json"),
    )


@bp.route("/favicon.ico")
def favicon() -> Any:
    """The site's icon, where browsers look for it without being told."""
    return send_from_directory(
        Path(__file__).resolve().parent / "static", "favicon.ico", max_age=86400
    )


@bp.route("/vendor/<path:filename>")
def vendor(filename: str) -> Any:
    """Browser libraries installed from the npm registry at set-up (frontend/package.json)."""
    if not filename.startswith(VENDORED) or ".." in filename:
        abort(404)
    return send_from_directory(NODE_MODULES, filename, max_age=3600)


def init_app(app: Flask) -> None:
    i18n.init_app(app)
    app.register_blueprint(bp)
    for module in (
        catalog_views,
        halls_views,
        prices_views,
        price_statistics_views,
        buying_views,
        auction_views,
        dispute_views,
        pool_views,
        agreement_views,
        agreement_join_views,
        calloff_views,
        agreement_change_views,
        registration_views,
        public_views,
        ledger_views,
        notice_views,
        warning_views,
        credit_views,
        supervision_views,
    ):
        app.register_blueprint(module.bp)
