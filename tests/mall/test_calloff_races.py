"""Rotation under real concurrency (MALL-8, 顺序轮候): threads on PostgreSQL, each in its own
committed unit of work. Call-offs placed at the same moment never take the same turn: the agreement's
row lock makes them take the turn pointer one after another.

The rows these tests commit belong to organisations and a category made for the run, so no other
test sees them.
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from catalog.categories import service as categories
from core import clock
from core.accounts.auth import SYSTEM
from core.db import db
from mall.agreements import placing
from mall.agreements.calloff_models import CallOffOffer
from mall.agreements.models import (
    Agreement,
    AgreementEntrant,
    AgreementResponse,
    EntrantPrice,
    Solicitation,
    SolicitationItem,
)
from mall.budgets import service as budgets
from tests.mall.conftest import DELIVERY
from tests.mall.test_races import _org_with_user, _race
from tests.mall.test_races import pytestmark as _postgres_only

pytestmark = _postgres_only


def _agreement(app, entrants: int):
    """An agreement in force with ``entrants`` active entrants, written row by row (stage one has
    its own tests), and a purchaser of its region with a budget line."""
    run = secrets.token_hex(4)
    with app.app_context(), db.unit_of_work() as session:
        purchaser = _org_with_user(session, "purchaser", ["purchaser", "org_admin"], run)
        suppliers = [
            _org_with_user(session, "supplier", ["supplier"], run) for _ in range(entrants)
        ]
        code = "R" + run.upper()
        category = categories.create_category(
            session,
            SYSTEM,
            {"code": code, "name_zh": "轮候", "name_en": "Rotation", "kind": "goods"},
        )
        line = budgets.create_line(
            session,
            purchaser,
            {
                "fiscal_year": budgets.fiscal_year_now(),
                "fund_source": "general",
                "code": f"LH-{run}",
                "name": "并发轮候",
                "amount": Decimal("1000000.00"),
            },
        )
        now = clock.now()
        today = clock.local(now).date()
        terms = {
            "solicitor_id": purchaser.organisation_id,
            "region_id": purchaser.region_id,
            "title": f"并发轮候 {run}",
            "kind": "closed",
            "call_off_methods": ["rotation"],
            "term_starts": today - timedelta(days=1),
            "term_ends": today + timedelta(days=300),
        }
        solicitation = Solicitation(
            created_by=purchaser.user_id,
            status="concluded",
            evaluation="price_priority",
            criteria=[],
            elimination_percent=20,
            response_deadline=now - timedelta(days=2),
            **terms,
        )
        session.add(solicitation)
        session.flush()
        item = SolicitationItem(
            solicitation_id=solicitation.id,
            position=1,
            category_id=category.id,
            required_params={},
            unit="台",
            estimated_quantity=100,
            max_unit_price=Decimal("1000.00"),
        )
        session.add(item)
        agreement = Agreement(
            solicitation_id=solicitation.id, status="active", published_at=now, **terms
        )
        session.add(agreement)
        session.flush()
        for rank, supplier in enumerate(suppliers, start=1):
            response = AgreementResponse(
                solicitation_id=solicitation.id,
                supplier_id=supplier.organisation_id,
                submitted_by=supplier.user_id,
                status="selected",
                capacity="100",
                region_ids=[purchaser.region_id],
                total=Decimal("90000.00"),
                salt=secrets.token_hex(16),
                content_hash="0" * 64,
                rank=rank,
                submitted_at=now - timedelta(days=3),
            )
            session.add(response)
            session.flush()
            session.add(
                AgreementEntrant(
                    agreement_id=agreement.id,
                    supplier_id=supplier.organisation_id,
                    response_id=response.id,
                    rank=rank,
                    status="active",
                    region_ids=[purchaser.region_id],
                    prices=[EntrantPrice(item_id=item.id, unit_price=Decimal("900.00"))],
                )
            )
        session.flush()
        body = {
            "method": "rotation",
            "items": [{"item_id": item.id, "quantity": 2}],
            "budget_line_id": line.id,
            **DELIVERY,
        }
        return agreement.id, purchaser, body


def test_simultaneous_call_offs_never_take_the_same_turn(app):
    agreement_id, purchaser, body = _agreement(app, 3)
    for _ in range(2):
        placed: list = [None] * 3

        def place(i, session, placed=placed):
            placed[i] = placing.place(session, purchaser, agreement_id, body).id

        assert _race(app, 3, place) == [None] * 3
        with app.app_context(), db.unit_of_work() as session:
            turns = session.scalars(
                select(CallOffOffer.entrant_id).where(CallOffOffer.calloff_id.in_(placed))
            ).all()
            assert len(turns) == 3 and len(set(turns)) == 3
            ranks = session.scalars(
                select(AgreementEntrant.rank).where(AgreementEntrant.id.in_(turns))
            ).all()
            assert sorted(ranks) == [1, 2, 3]
            assert session.get(Agreement, agreement_id).rotation_rank == 3
