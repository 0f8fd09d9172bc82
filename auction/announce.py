"""信息订阅 (MALL-12, AUC-1): suppliers enrolled in a category are told, in their notifications, when
an auction or a volume purchase in it is published. Enrolment is the subscription; suspended
suppliers are not told, and only SMEs are when the auction is reserved for them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from auction.models import Auction
from auction.pools.models import Pool
from catalog.categories.models import Category
from catalog.enrolment.service import suppliers_in
from core import clock
from core.messages import en_zh
from core.notifications.service import Message, notify


def auction_published(session: Session, auction: Auction) -> int:
    """Tell the category's suppliers of a published auction; how many were told."""
    category = session.get(Category, auction.category_id)
    if category is None:
        return 0
    ids = suppliers_in(session, category, sme_only=auction.sme_only)
    title_en, title_zh = en_zh(
        "New auction: %(title)s (opens %(starts)s)",
        title=auction.title,
        starts=f"{clock.local(auction.starts_at):%m-%d %H:%M}",
    )
    notify(
        session,
        ids,
        Message(
            kind="auction.published",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/auctions/{auction.id}",
            subject=("auction", auction.id),
        ),
    )
    return len(ids)


def pool_opened(session: Session, pool: Pool) -> int:
    """Tell the category's suppliers of a new volume purchase (its auction follows the window)."""
    category = session.get(Category, pool.category_id)
    if category is None:
        return 0
    ids = suppliers_in(session, category)
    pool_id = pool.id
    title_en, title_zh = en_zh(
        "New volume purchase: %(title)s (demand until %(closes)s)",
        title=pool.title,
        closes=f"{clock.local(pool.closes_at):%m-%d %H:%M}",
    )
    notify(
        session,
        ids,
        Message(
            kind="pool.opened",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/pools/{pool_id}",
            subject=("pool", pool_id),
        ),
    )
    return len(ids)
