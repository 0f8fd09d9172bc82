"""监管查阅 (SUP-6): supervisors read the orders, contracts and payments of purchaser units in their
region and below. Reads only: every write stays with the parties' own endpoints, which refuse a
supervisor."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.api import page_of, paginate
from core.db import db
from mall.contracts import service as contracts
from mall.contracts.schemas import ContractSchema
from mall.payments.schemas import PayeePaymentListSchema
from mall.supervised import service
from mall.supervised.schemas import (
    ContractBriefSchema,
    SupervisedContractQuerySchema,
    SupervisedOrderQuerySchema,
    SupervisedOrderSchema,
    SupervisedPaymentQuerySchema,
    SupervisedPaymentSchema,
)

blp = Blueprint(
    "supervised",
    __name__,
    url_prefix="/api/mall/supervision",
    description="监管查阅 Orders, contracts and payments of a supervisor's region (SUP-6)",
)

OrderPage = page_of(SupervisedOrderSchema, "SupervisedOrderPage")
ContractPage = page_of(ContractBriefSchema, "SupervisedContractPage")
PaymentPage = page_of(SupervisedPaymentSchema, "SupervisedPaymentPage")


@blp.route("/orders")
@blp.arguments(SupervisedOrderQuerySchema, location="query")
@blp.response(200, OrderPage)
def orders(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Orders of purchaser units in my region and below, newest first."""
    return paginate(db.session, service.orders_query(db.session, require_actor(), args), args)


@blp.route("/orders/<int:order_id>")
@blp.response(200, SupervisedOrderSchema)
def order(order_id: int):  # type: ignore[no-untyped-def]
    return service.get_order(db.session, require_actor(), order_id)


@blp.route("/orders/<int:order_id>/payments")
@blp.response(200, PayeePaymentListSchema)
def order_payments(order_id: int):  # type: ignore[no-untyped-def]
    """The order's payments and their refunds, newest first."""
    return {"items": service.payments_of_order(db.session, require_actor(), order_id)}


@blp.route("/contracts")
@blp.arguments(SupervisedContractQuerySchema, location="query")
@blp.response(200, ContractPage)
def contracts_list(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Contracts of orders in my region and below, newest first."""
    return paginate(db.session, service.contracts_query(db.session, require_actor(), args), args)


@blp.route("/contracts/<int:contract_id>")
@blp.response(200, ContractSchema)
def contract(contract_id: int):  # type: ignore[no-untyped-def]
    """The contract, whether its content matches its hash here and on the ledger, and whether
    each signature verifies."""
    row = service.get_contract(db.session, require_actor(), contract_id)
    return contracts.view(db.session, row)


@blp.route("/contracts/<int:contract_id>/document")
@blp.response(200, content_type="application/json")
def document(contract_id: int):  # type: ignore[no-untyped-def]
    """The exact signed bytes, for verifying the hash and signatures independently."""
    row = service.get_contract(db.session, require_actor(), contract_id)
    return Response(row.content.encode("utf-8"), mimetype="application/json")


@blp.route("/payments")
@blp.arguments(SupervisedPaymentQuerySchema, location="query")
@blp.response(200, PaymentPage)
def payments(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Payments of orders in my region and below, newest first."""
    return paginate(db.session, service.payments_query(db.session, require_actor(), args), args)


@blp.route("/payments/<int:payment_id>")
@blp.response(200, SupervisedPaymentSchema)
def payment(payment_id: int):  # type: ignore[no-untyped-def]
    return service.get_payment(db.session, require_actor(), payment_id)
