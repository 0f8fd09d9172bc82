"""Send and read notifications. ``notify`` adds rows in the caller's transaction, so a message
about a change exists exactly when the change does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.errors import Forbidden, NotFound
from core.notifications.models import Notification


@dataclass(frozen=True)
class Message:
    kind: str
    title_zh: str
    title_en: str
    body_zh: str | None = None
    body_en: str | None = None
    link: str | None = None
    subject: tuple[str, object] | None = None


def notify(
    session: Session,
    organisation_ids: Iterable[int],
    message: Message,
    *,
    user_id: int | None = None,
    role: str | None = None,
) -> list[Notification]:
    """Address ``message`` to each organisation (once each; to one user or role when given)."""
    rows = []
    subject_type, subject_id = message.subject or (None, None)
    for org_id in dict.fromkeys(organisation_ids):
        row = Notification(
            organisation_id=org_id,
            user_id=user_id,
            role=role,
            kind=message.kind,
            title_zh=message.title_zh[:200],
            title_en=message.title_en[:200],
            body_zh=message.body_zh,
            body_en=message.body_en,
            link=message.link,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            created_at=clock.now(),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def _mine(actor: Actor):  # type: ignore[no-untyped-def]
    if actor.organisation_id is None or actor.user_id is None:
        raise Forbidden("Sign in as a user of an organisation.")
    return and_(
        Notification.organisation_id == actor.organisation_id,
        or_(Notification.user_id.is_(None), Notification.user_id == actor.user_id),
        or_(Notification.role.is_(None), Notification.role.in_(list(actor.roles))),
    )


def inbox(session: Session, actor: Actor, unread_only: bool = False, limit: int = 50) -> dict:
    """The actor's notifications, newest first, and how many are unread."""
    mine = _mine(actor)
    query = select(Notification).where(mine)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    items = list(
        session.scalars(query.order_by(Notification.id.desc()).limit(max(1, min(limit, 200))))
    )
    unread = session.scalar(
        select(func.count()).select_from(Notification).where(mine, Notification.read_at.is_(None))
    )
    return {"items": items, "unread": unread or 0}


def mark_read(session: Session, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one notification (or, with no id, all of the actor's) read; how many changed."""
    query = select(Notification).where(_mine(actor), Notification.read_at.is_(None))
    if notification_id is not None:
        row = session.get(Notification, notification_id)
        if row is None or row.organisation_id != actor.organisation_id:
            raise NotFound("No such notification.")
        query = query.where(Notification.id == notification_id)
    now = clock.now()
    rows = list(session.scalars(query))
    for row in rows:
        row.read_at = now
    session.flush()
    return len(rows)
