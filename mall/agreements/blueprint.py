"""The framework agreements' API blueprint, shared by the stage-one routes (``api``), the
call-off routes (``calloff_api``) and the routes of changes to an agreement (``change_api``)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "agreements",
    __name__,
    url_prefix="/api/agreements",
    description="框架协议采购 Framework agreements (MALL-8)",
)
