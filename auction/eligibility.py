"""Who may bid (AUC-1 "eligible suppliers", AUC-3 same rules for every bidder, MALL-10).

One rule decides it everywhere: the refusal of a bid (贵公司未入驻该品目), the number of eligible
suppliers a purchaser sees before publishing, the supplier's list of auctions it may bid in, and
the room's plain explanation to a supplier that may not. (A framework agreement call-off's
secondary competition has its own set: its invited entrants, ``auction.invitations``.) The rule
is the catalog's (``catalog.enrolment.service.ineligible``): enrolled in the category or one above
it, not suspended, holding a valid designation in a designated service category (定点服务), and a
small or medium enterprise when the purchase is reserved for SMEs. Enrolment is valid in the whole region
(一地登记、全区通用), so every eligible supplier serves every delivery region: the region narrows
nothing, and a count names no supplier (bidders stay anonymous until the award).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from auction import invitations, rules
from auction.models import Auction, AuctionBidder
from catalog.categories.models import Category
from catalog.enrolment.models import SupplierCategory
from catalog.enrolment.service import ineligible
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind
from mall import policy

#: Why a supplier may not bid, as the bidder is told (English, Chinese).
REASONS: dict[str, tuple[str, str]] = {
    "not_enrolled": ("Your company is not enrolled in this category.", "贵公司未入驻该品目。"),
    "supplier_suspended": ("Your company is suspended.", "贵公司已被暂停交易资格。"),
    "not_designated": (
        "Your company holds no valid designation for this service category.",
        "贵公司未取得该定点服务品目的有效定点资格。",
    ),
    "credit_restricted": (
        "Your company is restricted on its credit record; its credit page says why and until when.",
        "贵公司因信用记录受限（一处失信，处处受约），原因和期限见信用记录页。",
    ),
    "sme_only": (
        "This auction is reserved for small and medium enterprises.",
        "本项目专门面向中小企业。",
    ),
    # A call-off's secondary competition (MALL-8, ``auction.invitations``).
    "not_invited": (
        "Only the framework agreement's entrants invited to this secondary competition bid.",
        "仅受邀的框架协议入围供应商可参与本次二次竞价。",
    ),
    "entrant_not_active": (
        "Your place in the framework agreement is suspended or terminated.",
        "贵单位在该框架协议中的入围资格已被暂停或终止。",
    ),
}


def message(code: str) -> tuple[str, str]:
    """The (English, Chinese) refusal for an eligibility code or a bidding rule's code."""
    return REASONS.get(code) or rules.REJECTIONS.get(code) or rules.REJECTIONS["not_eligible"]


def sme_reserved(category: Category, lot: Decimal, settings: policy.Settings | None = None) -> bool:
    """Whether a lot of ``lot`` CNY in ``category`` is reserved for SMEs (MALL-10): small lots in
    SME-suitable categories, by the policy's thresholds."""
    return bool(
        category.sme_suitable
        and policy.sme_reserved(category.kind, lot, settings or policy.settings())
    )


def problems(
    session: Session, supplier_ids: Iterable[int], path_ids: Sequence[int], sme_only: bool
) -> dict[int, str]:
    """The suppliers among ``supplier_ids`` that may not bid in an auction of the category whose
    path is ``path_ids`` (its ancestors' ids and its own), each with the code of ``REASONS`` it is
    refused with. One query, however many suppliers."""
    return ineligible(session, set(supplier_ids), path_ids, sme_only)


def reason(session: Session, supplier_id: int, category: Category, sme_only: bool) -> str | None:
    """Why the supplier may not bid in ``category`` (a code of ``REASONS``), or None."""
    return problems(session, {supplier_id}, category.path_ids, sme_only).get(supplier_id)


def eligible_count(session: Session, category: Category, sme_only: bool) -> int:
    """How many suppliers may bid in an auction of ``category`` now: the candidates enrolled in
    its path (active supplier units), less those the rule refuses."""
    candidates = set(
        session.scalars(
            select(SupplierCategory.supplier_id)
            .join(Organisation, Organisation.id == SupplierCategory.supplier_id)
            .where(
                SupplierCategory.category_id.in_(category.path_ids),
                Organisation.kind == OrgKind.SUPPLIER,
                Organisation.active.is_(True),
            )
            .distinct()
        )
    )
    if not candidates:
        return 0
    return len(candidates) - len(problems(session, candidates, category.path_ids, sme_only))


@dataclass(frozen=True)
class Eligibility:
    """What a purchaser sees before publishing: how many suppliers may bid, against the minimum."""

    category_id: int
    sme_only: bool
    count: int
    min_bidders: int

    @property
    def enough(self) -> bool:
        return self.count >= self.min_bidders


def supplier_reasons(
    session: Session, supplier_id: int, terms: Iterable[tuple[int, bool]]
) -> dict[tuple[int, bool], str | None]:
    """For each (category id, SME-only) of ``terms``, why the supplier may not bid in an auction
    with those terms, or None: what the supplier's list filters and labels its auctions by. One
    query per distinct category."""
    wanted = set(terms)
    categories = {
        c.id: c
        for c in session.scalars(
            select(Category).where(Category.id.in_({cid for cid, _ in wanted}))
        )
    }
    out: dict[tuple[int, bool], str | None] = {}
    plain: dict[int, str | None] = {}
    for category_id, sme_only in sorted(wanted):
        category = categories.get(category_id)
        if category is None:
            out[(category_id, sme_only)] = "not_enrolled"
            continue
        if category_id not in plain:
            plain[category_id] = reason(session, supplier_id, category, False)
        found = plain[category_id]
        if found is None and sme_only:
            found = reason(session, supplier_id, category, True)
        out[(category_id, sme_only)] = found
    return out


@dataclass(frozen=True)
class SupplierView:
    """What a supplier's list of auctions is filtered and labelled by."""

    #: the auctions it may bid in (or has bid in): a condition on ``Auction``
    biddable: ColumnElement[bool]
    #: why not, for each (category id, SME-only) of the published and closed auctions
    reasons: dict[tuple[int, bool], str | None]
    #: the call-off auctions (二次竞价) it is invited to
    invited: frozenset[int] = frozenset()

    def reason_for(self, auction: Auction) -> str | None:
        if auction.calloff_id is not None:
            return None if auction.id in self.invited else "not_invited"
        return self.reasons.get((auction.category_id, auction.sme_only))


def supplier_view(session: Session, supplier_id: int) -> SupplierView:
    """The supplier's list: the auctions it may bid in by the rule, and those it has bid in."""
    terms = {
        (row.category_id, row.sme_only)
        for row in session.execute(
            select(Auction.category_id, Auction.sme_only)
            .where(Auction.status != "draft")
            .distinct()
        )
    }
    reasons = supplier_reasons(session, supplier_id, terms)
    allowed = [
        and_(
            Auction.category_id == category_id,
            Auction.sme_only == sme_only,
            Auction.calloff_id.is_(None),
        )
        for (category_id, sme_only), why in sorted(reasons.items())
        if why is None
    ]
    bid_in = Auction.id.in_(
        select(AuctionBidder.auction_id).where(AuctionBidder.supplier_id == supplier_id)
    )
    invited = frozenset(session.scalars(invitations.invited_auctions(supplier_id)))
    allowed.append(Auction.id.in_(invitations.invited_auctions(supplier_id)))
    return SupplierView(
        biddable=or_(bid_in, *allowed),
        reasons=reasons,
        invited=invited,
    )
