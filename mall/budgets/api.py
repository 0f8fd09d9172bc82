"""Budget lines (MALL-3, 无预算不采购): a purchaser unit's funds, reserved by orders."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.api import page_of, paginate
from core.db import db
from mall.budgets import service
from mall.budgets.schemas import (
    BudgetLineQuerySchema,
    BudgetLineSchema,
    BudgetLineUpdateSchema,
    MovementSchema,
)

blp = Blueprint("budgets", __name__, url_prefix="/api/mall", description="预算指标 Budget (MALL-3)")

BudgetLinePage = page_of(BudgetLineSchema, "BudgetLinePage")


@blp.route("/budget-lines")
class BudgetLines(MethodView):
    @blp.arguments(BudgetLineQuerySchema, location="query")
    @blp.response(200, BudgetLinePage)
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Your unit's budget lines; any unit's for operators; your region's for supervisors."""
        return paginate(db.session, service.lines_query(require_actor(), args), args)

    @blp.arguments(BudgetLineSchema)
    @blp.response(201, BudgetLineSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Create a budget line (the unit's administrator, or an operator for any purchaser unit)."""
        return service.create_line(db.session, require_actor(), args)


@blp.route("/budget-lines/<int:line_id>")
class BudgetLineItem(MethodView):
    @blp.response(200, BudgetLineSchema)
    def get(self, line_id: int):  # type: ignore[no-untyped-def]
        return service.get_line(db.session, require_actor(), line_id)

    @blp.arguments(BudgetLineUpdateSchema)
    @blp.response(200, BudgetLineSchema)
    def patch(self, args: dict[str, Any], line_id: int):  # type: ignore[no-untyped-def]
        """Adjust the amount (not below what is reserved and consumed), the name, or close it."""
        return service.adjust_line(db.session, require_actor(), line_id, args)


@blp.route("/budget-lines/<int:line_id>/movements")
@blp.response(200, MovementSchema(many=True))
def movements(line_id: int):  # type: ignore[no-untyped-def]
    """Every reservation, release, consumption and adjustment of the line."""
    return service.movements(db.session, require_actor(), line_id)
