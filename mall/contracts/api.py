"""Electronic contracts (MALL-4): read with hash and signature status, sign."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.db import db
from mall.contracts import service
from mall.contracts.schemas import ContractSchema

blp = Blueprint(
    "contracts", __name__, url_prefix="/api/mall", description="电子合同 Contracts (MALL-4)"
)


@blp.route("/contracts/<int:contract_id>")
@blp.response(200, ContractSchema)
def contract(contract_id: int):  # type: ignore[no-untyped-def]
    """The contract (its parties only), whether its content matches its hash here and on the
    ledger, and whether each signature verifies."""
    return service.view(db.session, service.get_contract(db.session, require_actor(), contract_id))


@blp.route("/contracts/<int:contract_id>/document")
@blp.response(200, content_type="application/json")
def document(contract_id: int):  # type: ignore[no-untyped-def]
    """The exact signed bytes, for verifying the hash and signatures independently."""
    row = service.get_contract(db.session, require_actor(), contract_id)
    return Response(row.content.encode("utf-8"), mimetype="application/json")


@blp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
@blp.response(200, ContractSchema)
def sign(contract_id: int):  # type: ignore[no-untyped-def]
    """签署: sign for my organisation, which must be one of the contract's parties."""
    return service.view(db.session, service.sign(db.session, require_actor(), contract_id))
