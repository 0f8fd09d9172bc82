"""Alembic environment. Runs on SQLite (batch mode) and PostgreSQL.

A caller may hand over an open connection in ``config.attributes["connection"]`` (the tests do).
"""

from __future__ import annotations

from alembic import context

import catalog.categories.models
import catalog.certificates.models
import catalog.designations.models
import catalog.enrolment.models
import catalog.halls.models
import catalog.listings.models  # noqa: F401
import core.accounts.models
import core.notifications.models  # noqa: F401
import mall.agreements.calloff_models
import mall.agreements.change_models
import mall.agreements.models
import mall.budgets.models
import mall.contracts.models
import mall.disputes.models
import mall.orders.models
import mall.payments.models
import mall.payments.sandbox_models
import mall.ratings.models  # noqa: F401
import supervision.credit.restrictions
import supervision.disclosure.models
import supervision.ledger.models
import supervision.prices.models
import supervision.readers
import supervision.warnings.models  # noqa: F401
from core.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
