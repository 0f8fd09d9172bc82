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
from core.notifications.service import Message, notify


def auction_published(session: Session, auction: Auction) -> int:
    """Tell the category's suppliers of a published auction; how many were told."""
    category = session.get(Category, auction.category_id)
    if category is None:
        return 0
    ids = suppliers_in(session, category, sme_only=auction.sme_only)
    starts = clock.local(auction.starts_at)
    notify(
        session,
        ids,
        Message(
            kind="auction.published",
            title_zh=f"新竞价项目：{auction.title}（{starts:%m-%d %H:%M} 开始）",
            title_en=f"New auction: {auction.title} (opens {starts:%m-%d %H:%M})",
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
    closes = clock.local(pool.closes_at)
    pool_id, title = pool.id, pool.title
    notify(
        session,
        ids,
        Message(
            kind="pool.opened",
            title_zh=f"新带量采购：{title}（需求征集至 {closes:%m-%d %H:%M}）",
            title_en=f"New volume purchase: {title} (demand until {closes:%m-%d %H:%M})",
            link=f"/pools/{pool_id}",
            subject=("pool", pool_id),
        ),
    )
    return len(ids)
