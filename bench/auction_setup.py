"""Prepare a database for the auction benchmark: bidders with API tokens, enrolled in one category,
and published auctions that are open now. Prints a JSON description for the load generator.

    python -m bench.auction_setup --database-url URL --bidders 100 --auctions 1 > setup.json
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def prepare(
    database_url: str, bidders: int, auctions: int, per_auction: int, minutes: int
) -> dict[str, Any]:
    from auction import service as auctions_service
    from catalog.categories import service as categories
    from catalog.enrolment import service as enrolment
    from core import clock
    from core.accounts import demo as accounts_demo
    from core.accounts import service as accounts
    from core.accounts.auth import SYSTEM, Actor, actor_for
    from core.accounts.demo import DEMO_PASSWORD
    from core.accounts.models import Region, User
    from core.accounts.roles import Role
    from core.db import db
    from mall.app import create_app
    from mall.budgets import service as budgets

    app = create_app({"DATABASE_URL": database_url, "SEARCH_INDEX_PATH": None})
    operator = Actor(user_id=None, username="bench", roles=frozenset({Role.OPERATOR}))
    out: dict[str, Any] = {"bidders": [], "auctions": []}
    with app.app_context():
        with db.unit_of_work() as session:
            accounts_demo.load(session)
        with db.unit_of_work() as session:
            region = session.scalars(select(Region).where(Region.code == "150102")).one()
            run = secrets.token_hex(3)
            root = categories.create_category(
                session,
                operator,
                {
                    "code": f"B{run}",
                    "name_zh": "压测货物",
                    "name_en": "Bench goods",
                    "kind": "goods",
                },
            )
            leaf = categories.create_category(
                session,
                operator,
                {
                    "code": f"B{run}01",
                    "name_zh": "压测台式机",
                    "name_en": "Bench desktops",
                    "kind": "goods",
                    "parent_id": root.id,
                },
            )
            category_id, region_id = leaf.id, region.id
        for n in range(bidders):
            with db.unit_of_work() as session:
                credit = "91150102" + "".join(secrets.choice(_CODE_CHARS) for _ in range(10))
                org = accounts.create_organisation(
                    session,
                    SYSTEM,
                    {
                        "kind": "supplier",
                        "name_zh": f"压测供应商{run}{n:03d}",
                        "credit_code": credit,
                        "region_id": region_id,
                    },
                )
                user = accounts.create_user(
                    session,
                    SYSTEM,
                    org.id,
                    {
                        "username": f"bench.{run}.{n:03d}",
                        "display_name": f"压测{n}",
                        "password": DEMO_PASSWORD,
                        "roles": [Role.SUPPLIER],
                    },
                )
                session.flush()
                actor = actor_for(session.get(User, user.id), "bench")
                application = enrolment.apply(
                    session,
                    actor,
                    {
                        "licence_no": credit,
                        "enterprise_size": "small",
                        "region_id": region_id,
                        "category_ids": [category_id],
                    },
                )
                enrolment.decide(session, operator, application.id, True, None)
                _, token = accounts.issue_token(session, actor, "bench", 1)
                out["bidders"].append({"org_id": org.id, "token": token})
        with db.unit_of_work() as session:
            user = session.scalars(select(User).where(User.username == "purchaser")).one()
            purchaser = actor_for(user, "bench")
            line = budgets.create_line(
                session,
                purchaser,
                {
                    "fiscal_year": budgets.fiscal_year_now(),
                    "fund_source": "general",
                    "code": f"BENCH-{run}",
                    "name": "压测预算",
                    "amount": Decimal("999999999.00"),
                },
            )
            _, out["watcher_token"] = accounts.issue_token(session, purchaser, "bench", 1)
            now = clock.now()
            for a in range(auctions):
                auction = auctions_service.create(
                    session,
                    purchaser,
                    {
                        "title": f"压测竞价 {a + 1}",
                        "category_id": category_id,
                        "quantity": 1,
                        "unit": "台",
                        "delivery_region_id": region_id,
                        "delivery_address": "呼和浩特市新城区",
                        "contact_name": "压测",
                        "contact_phone": "0471-6900000",
                        "delivery_date": (now + timedelta(days=30)).date(),
                        "budget_line_id": line.id,
                        "ceiling": Decimal("3000000.00"),
                        "starts_at": now,
                        "ends_at": now + timedelta(minutes=minutes),
                        "decrement_mode": "absolute",
                        "decrement_value": Decimal("0.01"),
                        "must_beat": "own",
                        "visibility": "best",
                        "min_bidders": 1,
                        "max_extensions": 0,
                    },
                )
                auctions_service.publish(session, purchaser, auction.id)
                first = (a * per_auction) % max(bidders, 1)
                out["auctions"].append(
                    {
                        "id": auction.id,
                        "ceiling": "3000000.00",
                        "bidders": [
                            (first + k) % bidders for k in range(min(per_auction, bidders))
                        ],
                    }
                )
    db.engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--bidders", type=int, default=100)
    parser.add_argument("--auctions", type=int, default=1)
    parser.add_argument("--per-auction", type=int, default=100)
    parser.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args(argv)
    json.dump(
        prepare(args.database_url, args.bidders, args.auctions, args.per_auction, args.minutes),
        sys.stdout,
    )


if __name__ == "__main__":
    main()
