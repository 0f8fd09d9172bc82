"""Acceptance attachments (MALL-5, 履约验收): the purchaser adds files — a signed acceptance report, photos
of what arrived — to an order once it is delivered. Type checked by content (PDF, PNG, JPEG), size
limited, stored content-addressed after the commit; each file's hash goes on the ledger."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from core.messages import en_zh
from core.uploads import DOCUMENTS, admit, store_after_commit
from core.uploads import sniff as sniff_upload
from mall.orders.access import expect, get_order
from mall.orders.models import Order, OrderAttachment
from mall.orders.service import record_order

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 10


def upload_dir() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "uploads" / "orders"


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG file; None otherwise."""
    return sniff_upload(data, DOCUMENTS)


def add(session: Session, actor: Actor, order_id: int, name: str, data: bytes) -> OrderAttachment:
    """Attach a file to a delivered (or accepted, or refused) order, as its purchaser."""
    order = get_order(session, actor, order_id, side="purchaser", for_update=True)
    expect(
        order,
        "delivered",
        "accepted",
        "acceptance_refused",
        doing=en_zh("given acceptance attachments"),
    )

    def wrong_size() -> ValidationFailed:
        return ValidationFailed(
            "A file of 1 byte to %(mb)s MB.",
            code="bad_file_size",
            params={"mb": MAX_BYTES // 1024 // 1024},
            details={"file": [f"{len(data)} bytes"]},
        )

    if not data:
        raise wrong_size()
    upload = admit(
        data,
        DOCUMENTS,
        MAX_BYTES,
        wrong_size=wrong_size,
        wrong_type=lambda: ValidationFailed(
            "Only PDF, PNG or JPEG files.",
            code="bad_file_type",
            details={"file": ["not a PDF, PNG or JPEG file"]},
        ),
    )
    if len(order.attachments) >= MAX_FILES:
        raise Conflict(
            "At most %(n)s attachments.",
            code="too_many_attachments",
            params={"n": MAX_FILES},
        )
    attachment = OrderAttachment(
        order_id=order.id,
        filename=upload.filename,
        original_name=(name or "attachment")[:200],
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor.user_id,
    )
    order.attachments.append(attachment)
    session.flush()
    record_order(
        session,
        actor,
        "order.attachment_added",
        order,
        attachment_id=attachment.id,
        name=attachment.original_name,
        sha256=upload.sha256,
        size=upload.size,
    )
    store_after_commit(session, upload_dir() / attachment.filename, data)
    return attachment


def get(session: Session, actor: Actor, order_id: int, attachment_id: int) -> OrderAttachment:
    """An attachment of an order, for either party."""
    order: Order = get_order(session, actor, order_id)
    for attachment in order.attachments:
        if attachment.id == attachment_id:
            return attachment
    raise NotFound("No such attachment.")
