"""The application factory: configuration, extensions, every package's blueprints and commands."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import load_config
from core.db import db
from mall.extensions import socketio


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from the
    X-Forwarded-For/-Proto/-Host values those proxies added; with 0, trust none of them."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the mall. ``config`` overrides values read from the environment (tests use it)."""
    app = Flask(
        __name__,
        instance_relative_config=False,
        template_folder="../frontend/templates",
        static_folder="../frontend/static",
    )
    settings = load_config()
    settings.update(config or {})
    app.config.update(settings)
    app.instance_path = app.config["INSTANCE_PATH"]
    app.config.setdefault("MAX_CONTENT_LENGTH", 20 * 1024 * 1024)
    trust_proxies(app)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    # The ledger registers itself as core's audit recorder on import.
    import supervision.ledger  # noqa: F401
    from auction import api as auction_api
    from auction import calloffs as auction_calloffs
    from auction import demo as auction_demo
    from auction.cli import auction_cli
    from auction.pools import api as pools_api
    from catalog import demo as catalog_demo
    from catalog.categories import api as categories_api
    from catalog.cli import catalog_cli, search_cli
    from catalog.designations import api as designations_api
    from catalog.enrolment import api as enrolment_api
    from catalog.halls import api as halls_api
    from catalog.listings import api as listings_api
    from catalog.prices import api as prices_api
    from catalog.prices import service as prices_service
    from catalog.search import api as search_api
    from catalog.search import make_backend
    from core import demo, headers
    from core.accounts import api as accounts_api
    from core.accounts import auth
    from core.accounts import demo as accounts_demo
    from core.api import init_api
    from core.cli import db_cli, demo_cli, users_cli
    from core.limits import init_app as init_limits
    from core.notifications import api as notifications_api
    from frontend import views as frontend_views
    from mall import demo as mall_demo
    from mall import demo_agreements as mall_demo_agreements
    from mall import demo_orders as mall_demo_orders
    from mall import demo_warnings as mall_demo_warnings
    from mall.agreements import api as agreements_api  # noqa: F401 (its routes)
    from mall.agreements import (
        calloff_api,  # noqa: F401 (its routes)
        change_api,  # noqa: F401 (its routes)
        join_api,  # noqa: F401 (its routes)
    )
    from mall.agreements.blueprint import blp as agreements_blp
    from mall.agreements.calloff_checks import register_method as register_calloff_method
    from mall.budgets import api as budgets_api
    from mall.cli import mall_cli
    from mall.contracts import api as contracts_api
    from mall.disputes import api as disputes_api
    from mall.orders import api as orders_api
    from mall.orders import paid as orders_paid
    from mall.payments import api as payments_api
    from mall.payments import sandbox as payments_sandbox
    from mall.ratings import api as ratings_api
    from mall.supervised import api as supervised_api
    from supervision.credit import api as credit_api
    from supervision.disclosure import api as ocds_api
    from supervision.disclosure.cli import ocds_cli
    from supervision.ledger import api as ledger_api
    from supervision.ledger import public_api as ledger_public_api
    from supervision.ledger.cli import ledger_cli
    from supervision.prices import api as price_statistics_api
    from supervision.prices.cli import prices_cli
    from supervision.warnings import api as warnings_api
    from supervision.warnings.cli import warnings_cli
    from supervision.warnings.penalties import register_effect as register_warning_effect
    from supervision.warnings.queries import register_namer as register_warning_namer

    db.init_app(app)
    auth.init_app(app)
    init_limits(app)  # rate limits: API writes, tokens, bids (core/limits.py)
    headers.init_app(app)
    api = init_api(app)
    api.register_blueprint(accounts_api.blp)
    api.register_blueprint(ledger_api.blp)
    api.register_blueprint(ledger_public_api.blp)
    api.register_blueprint(ocds_api.blp)
    for module in (categories_api, enrolment_api, designations_api, listings_api):
        api.register_blueprint(module.blp)
    api.register_blueprint(enrolment_api.registration_blp)
    frontend_views.init_app(app)
    app.extensions["search"] = make_backend(
        app.config["ELASTICSEARCH_URL"], app.config["SEARCH_INDEX_PATH"]
    )
    api.register_blueprint(search_api.blp)
    api.register_blueprint(halls_api.blp)
    api.register_blueprint(prices_api.blp)
    for blueprint in (budgets_api.blp, orders_api.blp, orders_api.supplier_blp, contracts_api.blp):
        api.register_blueprint(blueprint)
    api.register_blueprint(payments_api.blp)
    api.register_blueprint(supervised_api.blp)
    api.register_blueprint(auction_api.blp)
    api.register_blueprint(pools_api.blp)
    if not app.config["PAYMENT_GATEWAY_URL"]:
        app.register_blueprint(payments_sandbox.bp)
    api.register_blueprint(ratings_api.blp)
    api.register_blueprint(credit_api.blp)
    api.register_blueprint(price_statistics_api.blp)
    api.register_blueprint(warnings_api.blp)
    api.register_blueprint(notifications_api.blp)
    api.register_blueprint(disputes_api.blp)
    api.register_blueprint(agreements_blp)

    socketio.init_app(
        app,
        async_mode="gevent",
        message_queue=app.config["REDIS_URL"],
        manage_session=False,
    )

    from mall.sockets import init_sockets

    init_sockets(socketio)
    from auction.sockets import init_sockets as init_auction_sockets

    init_auction_sockets()

    prices_service.register_paid_source(orders_paid.paid_for)
    # 二次竞价 is a reverse auction: the auction package serves the call-off method (MALL-8).
    register_calloff_method("secondary_competition", auction_calloffs.place)
    # A warning closed with a suspension suspends through the catalog's enrolment (SUP-2, SUP-4).
    register_warning_effect("suspension_days", _suspend_for_warning)
    # Warnings name what their facts refer to: categories, listings, orders, agreements.
    for fact, namer in _WARNING_NAMERS.items():
        register_warning_namer(fact, namer)
    demo.register(10, "accounts", accounts_demo.load)
    demo.register(20, "catalog", catalog_demo.load)
    demo.register(30, "buying", mall_demo.load)
    demo.register(40, "orders", mall_demo_orders.load)
    demo.register(50, "auctions", auction_demo.load)
    demo.register(60, "agreements", mall_demo_agreements.load)
    # Payments and the cases of the warning desk, then the warning engine once (SUP-2).
    demo.register(70, "warnings", mall_demo_warnings.load)
    demo.register_finish(10, "warnings", mall_demo_warnings.raise_warnings)
    for group in (
        db_cli,
        demo_cli,
        users_cli,
        ledger_cli,
        catalog_cli,
        search_cli,
        mall_cli,
        auction_cli,
        prices_cli,
        warnings_cli,
        ocds_cli,
    ):
        app.cli.add_command(group)
    return app


def _suspend_for_warning(
    session: Any, actor: Any, org_id: int, days: int, reason: str, warning_id: int
) -> Any:
    """A supplier suspended for ``days`` days by a warning's penalty."""
    from datetime import timedelta

    from catalog.enrolment.suspensions import impose_suspension
    from core import clock

    ends_at = clock.now() + timedelta(days=days)
    return impose_suspension(session, actor, org_id, reason, ends_at, warning_id=warning_id)


def _named(model_path: str, zh: str | None, en: str | None, attr: str | None = None) -> Any:
    """A warning namer: the row of ``model_path`` (module:Class) with id ``value``, by its
    Chinese and English names (or by ``attr``)."""

    def namer(session: Any, value: Any, lang: str) -> str | None:
        from importlib import import_module

        module, name = model_path.split(":")
        row = session.get(getattr(import_module(module), name), int(value))
        if row is None:
            return None
        if attr is not None:
            return str(getattr(row, attr))
        return (getattr(row, en) or getattr(row, zh)) if lang == "en" else getattr(row, zh)

    return namer


_WARNING_NAMERS = {
    "category_id": _named("catalog.categories.models:Category", "name_zh", "name_en"),
    "listing_id": _named("catalog.listings.models:Listing", "title_zh", "title_en"),
    "order_id": _named("mall.orders.models:Order", None, None, "number"),
    "agreement_id": _named("mall.agreements.models:Agreement", None, None, "number"),
}
