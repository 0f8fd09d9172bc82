"""站内通知 (MALL-12): each user's inbox of what concerns its organisation."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.db import db
from core.notifications import service
from core.notifications.schemas import InboxArgs, InboxSchema, MarkedSchema

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/notifications", description="站内通知 Notifications"
)


@blp.route("")
@blp.arguments(InboxArgs, location="query")
@blp.response(200, InboxSchema)
def inbox(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The signed-in user's notifications, newest first, with the number unread."""
    return service.inbox(db.session, require_actor(), args["unread"], args["limit"])


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, MarkedSchema)
def read_one(notification_id: int):  # type: ignore[no-untyped-def]
    """Mark one notification read."""
    return {"marked": service.mark_read(db.session, require_actor(), notification_id)}


@blp.route("/read", methods=["POST"])
@blp.response(200, MarkedSchema)
def read_all():  # type: ignore[no-untyped-def]
    """Mark all of the user's notifications read."""
    return {"marked": service.mark_read(db.session, require_actor())}
