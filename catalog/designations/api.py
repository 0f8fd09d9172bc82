"""定点服务资格 (MALL-2): the public list of designated suppliers; operators grant and revoke."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from catalog.designations import service
from catalog.designations.schemas import (
    DesignationQuerySchema,
    DesignationSchema,
    RevocationSchema,
)
from core.accounts.auth import require_actor
from core.api import page_of, paginate
from core.db import db

blp = Blueprint(
    "designations",
    __name__,
    url_prefix="/api/catalog",
    description="定点服务资格 Designated service suppliers (MALL-2)",
)

DesignationPage = page_of(DesignationSchema, "DesignationPage")


@blp.route("/designations")
class Designations(MethodView):
    @blp.arguments(DesignationQuerySchema, location="query")
    @blp.response(200, DesignationPage)
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """定点供应商名单: designations by supplier and category (anyone signed in)."""
        require_actor()
        return paginate(db.session, service.designations_query(args), args)

    @blp.arguments(DesignationSchema)
    @blp.response(201, DesignationSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Grant a supplier a designation in a designated service category until a date, or renew
        it (operators)."""
        return service.grant(
            db.session,
            require_actor(),
            args["supplier_id"],
            args["category_id"],
            args["valid_until"],
        )


@blp.route("/designations/<int:designation_id>/revocation", methods=["POST"])
@blp.arguments(RevocationSchema)
@blp.response(200, DesignationSchema)
def revoke(args: dict[str, Any], designation_id: int):  # type: ignore[no-untyped-def]
    """Revoke a designation, with a reason (operators)."""
    return service.revoke(db.session, require_actor(), designation_id, args["reason"])
