"""Direct purchase (MALL-1): cart and checkout, the purchaser's and the supplier's order views and
actions, acceptance (MALL-5), and the buying rules (MALL-7, MALL-10)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.api import page_of, paginate
from core.db import db
from core.downloads import send_upload
from core.errors import DomainError
from mall import policy
from mall.orders import acceptance, attachments, cart, checkout, service
from mall.orders.access import get_order, orders_query
from mall.orders.schemas import (
    AcceptSchema,
    AttachmentSchema,
    AttachmentUploadSchema,
    CartAddSchema,
    CartQuantitySchema,
    CartSchema,
    CheckoutSchema,
    NoteSchema,
    OrderQuerySchema,
    OrderReasonSchema,
    PayabilitySchema,
    PolicySchema,
    PurchaserOrderSchema,
    RefuseAcceptanceSchema,
    ShipSchema,
    SupplierOrderSchema,
)

blp = Blueprint(
    "orders",
    __name__,
    url_prefix="/api/mall",
    description="网上直购 Cart and orders (MALL-1, MALL-5)",
)
supplier_blp = Blueprint(
    "supplier_orders",
    __name__,
    url_prefix="/api/mall/supplier",
    description="供应商订单 Orders to a supplier (MALL-1)",
)
blp.record_once(lambda state: policy.check_config(state.app))

PurchaserOrderPage = page_of(PurchaserOrderSchema, "PurchaserOrderPage")
SupplierOrderPage = page_of(SupplierOrderSchema, "SupplierOrderPage")


@blp.route("/policy")
@blp.response(200, PolicySchema)
def rules():  # type: ignore[no-untyped-def]
    """成交原则与采购限额: the purchase limit, the SME reservation and the award principle."""
    require_actor()
    return policy.describe()


# ---------------------------------------------------------------- cart (purchasers)


@blp.route("/cart")
@blp.response(200, CartSchema)
def view_cart():  # type: ignore[no-untyped-def]
    """My cart, grouped by supplier, at today's prices."""
    return cart.view(db.session, require_actor())


@blp.route("/cart/items", methods=["POST"])
@blp.arguments(CartAddSchema)
@blp.response(201, CartSchema)
def add_to_cart(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Put an on-shelf listing in the cart (adds to the quantity already there)."""
    return cart.add(db.session, require_actor(), args["listing_id"], args["quantity"])


@blp.route("/cart/items/<int:item_id>")
class CartItem(MethodView):
    @blp.arguments(CartQuantitySchema)
    @blp.response(200, CartSchema)
    def patch(self, args: dict[str, Any], item_id: int):  # type: ignore[no-untyped-def]
        """Change an item's quantity."""
        return cart.set_quantity(db.session, require_actor(), item_id, args["quantity"])

    @blp.response(200, CartSchema)
    def delete(self, item_id: int):  # type: ignore[no-untyped-def]
        """Take an item out of the cart."""
        return cart.remove(db.session, require_actor(), item_id)


@blp.route("/checkout", methods=["POST"])
@blp.arguments(CheckoutSchema)
@blp.response(201, PurchaserOrderSchema(many=True))
def place_orders(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """下单: one order per supplier at frozen prices; stock and budget funds are reserved. A
    checkout refused for its budget, the e-mall's limit or the SME reservation changes nothing,
    and its refusal goes on the ledger (``order.refused``) in a unit of work of its own."""
    actor = require_actor()
    try:
        return checkout.checkout(db.session, actor, args)
    except DomainError as error:
        refusal = checkout.refusal_of(error)
        if refusal is not None:
            db.session.rollback()
            with db.unit_of_work() as session:
                checkout.record_refusal(session, actor, refusal)
        raise


# ---------------------------------------------------------------- the purchaser's orders


@blp.route("/orders")
@blp.arguments(OrderQuerySchema, location="query")
@blp.response(200, PurchaserOrderPage)
def purchaser_orders(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """My unit's orders, newest first."""
    return paginate(db.session, orders_query(require_actor(), "purchaser", args), args)


@blp.route("/orders/<int:order_id>")
@blp.response(200, PurchaserOrderSchema)
def purchaser_order(order_id: int):  # type: ignore[no-untyped-def]
    return get_order(db.session, require_actor(), order_id, side="purchaser")


@blp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@blp.arguments(OrderReasonSchema)
@blp.response(200, PurchaserOrderSchema)
def purchaser_cancel(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """Cancel a placed order; after confirmation, ask to cancel or agree to the supplier's request."""
    return service.cancel(db.session, require_actor(), order_id, "purchaser", args["reason"])


@blp.route("/orders/<int:order_id>/cancellation/refuse", methods=["POST"])
@blp.response(200, PurchaserOrderSchema)
def purchaser_refuse_cancellation(order_id: int):  # type: ignore[no-untyped-def]
    """Withdraw my cancellation request, or refuse the supplier's."""
    return service.refuse_cancellation(db.session, require_actor(), order_id, "purchaser")


@blp.route("/orders/<int:order_id>/receipt", methods=["POST"])
@blp.response(200, PurchaserOrderSchema)
def receipt(order_id: int):  # type: ignore[no-untyped-def]
    """签收: confirm that a shipped order arrived."""
    return service.mark_delivered(db.session, require_actor(), order_id, "purchaser")


@blp.route("/orders/<int:order_id>/acceptance", methods=["POST"])
@blp.arguments(AcceptSchema)
@blp.response(200, PurchaserOrderSchema)
def accept(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """验收: accept a delivered order, wholly or in part, with notes."""
    return acceptance.accept(db.session, require_actor(), order_id, args["items"], args["notes"])


@blp.route("/orders/<int:order_id>/acceptance-refusal", methods=["POST"])
@blp.arguments(RefuseAcceptanceSchema)
@blp.response(200, PurchaserOrderSchema)
def refuse_acceptance(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """验收不通过: refuse a delivered order, with reasons."""
    return acceptance.refuse(db.session, require_actor(), order_id, args["reasons"], args["notes"])


@blp.route("/orders/<int:order_id>/attachments", methods=["POST"])
@blp.arguments(AttachmentUploadSchema, location="files")
@blp.response(201, AttachmentSchema)
def add_attachment(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """验收附件: add a PDF, PNG or JPEG of at most 5 MB to a delivered order (its purchaser)."""
    upload = args["file"]
    return attachments.add(
        db.session, require_actor(), order_id, upload.filename or "attachment", upload.read()
    )


@blp.route("/orders/<int:order_id>/attachments/<int:attachment_id>")
@blp.response(200, content_type="application/octet-stream")
def attachment(order_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Download an attachment (either party of the order)."""
    row = attachments.get(db.session, require_actor(), order_id, attachment_id)
    return send_upload(attachments.upload_dir(), row.filename, row.content_type, row.original_name)


@blp.route("/orders/<int:order_id>/payability")
@blp.response(200, PayabilitySchema)
def payability(order_id: int):  # type: ignore[no-untyped-def]
    """Whether the order may be paid (signed contract and acceptance), and what is missing."""
    return service.payability(get_order(db.session, require_actor(), order_id))


# ---------------------------------------------------------------- the supplier's orders


@supplier_blp.route("/orders")
@supplier_blp.arguments(OrderQuerySchema, location="query")
@supplier_blp.response(200, SupplierOrderPage)
def supplier_orders(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Orders to my company, newest first."""
    return paginate(db.session, orders_query(require_actor(), "supplier", args), args)


@supplier_blp.route("/orders/<int:order_id>")
@supplier_blp.response(200, SupplierOrderSchema)
def supplier_order(order_id: int):  # type: ignore[no-untyped-def]
    return get_order(db.session, require_actor(), order_id, side="supplier")


@supplier_blp.route("/orders/<int:order_id>/confirm", methods=["POST"])
@supplier_blp.response(200, SupplierOrderSchema)
def confirm(order_id: int):  # type: ignore[no-untyped-def]
    """接单: confirm the order before its deadline; this writes the contract."""
    return service.confirm(db.session, require_actor(), order_id)


@supplier_blp.route("/orders/<int:order_id>/decline", methods=["POST"])
@supplier_blp.arguments(OrderReasonSchema)
@supplier_blp.response(200, SupplierOrderSchema)
def decline(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """拒单: decline a placed order, with a reason."""
    return service.decline(db.session, require_actor(), order_id, args["reason"])


@supplier_blp.route("/orders/<int:order_id>/ship", methods=["POST"])
@supplier_blp.arguments(ShipSchema)
@supplier_blp.response(200, SupplierOrderSchema)
def ship(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """发货: ship a confirmed order with the logistics company and tracking number."""
    return service.ship(
        db.session, require_actor(), order_id, args["logistics_company"], args["tracking_no"]
    )


@supplier_blp.route("/orders/<int:order_id>/delivered", methods=["POST"])
@supplier_blp.response(200, SupplierOrderSchema)
def delivered(order_id: int):  # type: ignore[no-untyped-def]
    """送达: record that a shipped order was delivered."""
    return service.mark_delivered(db.session, require_actor(), order_id, "supplier")


@supplier_blp.route("/orders/<int:order_id>/redeliver", methods=["POST"])
@supplier_blp.arguments(NoteSchema)
@supplier_blp.response(200, SupplierOrderSchema)
def redeliver(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """重新交付: deliver again after a refused acceptance."""
    return service.redeliver(db.session, require_actor(), order_id, args["note"])


@supplier_blp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@supplier_blp.arguments(OrderReasonSchema)
@supplier_blp.response(200, SupplierOrderSchema)
def supplier_cancel(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """Ask to cancel a confirmed order, or agree to the purchaser's request."""
    return service.cancel(db.session, require_actor(), order_id, "supplier", args["reason"])


@supplier_blp.route("/orders/<int:order_id>/cancellation/refuse", methods=["POST"])
@supplier_blp.response(200, SupplierOrderSchema)
def supplier_refuse_cancellation(order_id: int):  # type: ignore[no-untyped-def]
    """Withdraw my cancellation request, or refuse the purchaser's."""
    return service.refuse_cancellation(db.session, require_actor(), order_id, "supplier")
