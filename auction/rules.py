"""The rules of a reverse auction (AUC-1, AUC-3, MALL-7), as pure functions of its terms.

Bids are unit prices in CNY (``Decimal``, two places); the lot's total is the unit price times the
quantity. Every bidder is held to the same rules: a bid is accepted only while the auction is open,
at or below the ceiling, and lower than the reference price (the best price, or the bidder's own
previous bid, as the auction says) by at least the minimum decrement. A bid in the last moments
extends the end (anti-sniping), a bounded number of times. Offers rank by their evaluated price
(评审价格, MALL-7): the price less the deduction ``mall.policy`` gives the bidder (small and micro
enterprises outside reserved purchases); without a deduction that is the price itself. "The best
price" is the lowest evaluated price; the lowest evaluated price wins, at its offered price; equal
evaluated prices go to the earlier bid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from core.money import cny
from mall import policy

#: A percentage decrement must lie within these bounds (0.5 % – 3 %).
PERCENT_MIN = Decimal("0.5")
PERCENT_MAX = Decimal("3")
CENT = Decimal("0.01")

#: 大幅降价确认 (the fat-finger guard): a bid that lies more than this share below the price the
#: bidder is shown — the best price, or its own last bid where the best is not shown, or the
#: ceiling before any bid when the ceiling is shown — is sent only after the bidder confirms it
#: in a second step. 10 %: a real price war moves by the minimum decrement (0.5 %–3 % or a fixed
#: step), so a drop of more than a tenth in one bid is far more often a slipped digit
#: (4500 typed as 450) than a plan, and a bid cannot be withdrawn. The server accepts any bid
#: the rules allow; the guard only asks before sending.
BID_GUARD_SHARE = Decimal("0.10")

#: Rejection codes, with the message a bidder is shown (English, Chinese).
REJECTIONS: dict[str, tuple[str, str]] = {
    "not_open": ("The auction has not opened yet.", "竞价尚未开始。"),
    "closed": ("The auction is closed.", "竞价已结束。"),
    "not_eligible": ("Your company may not bid in this auction.", "贵公司不具备本次竞价资格。"),
    "bad_price": (
        "A bid is a price above zero with at most two decimals.",
        "报价须为大于零、最多两位小数的金额。",
    ),
    "above_ceiling": ("The bid is above the ceiling price.", "报价高于最高限价。"),
    "above_own_ceiling": (
        "The bid is above your own ceiling: your agreed unit prices × the quantities called off.",
        "报价高于贵单位的最高限价（贵单位协议单价 × 采购数量之和）。",
    ),
    "decrement": (
        "The bid must be at least the minimum decrement below the price to beat.",
        "报价须比应低于的价格至少低一个最小降价幅度。",
    ),
}


@dataclass(frozen=True)
class Terms:
    """What the rules need to know of an auction."""

    starts_at: datetime
    ends_at: datetime
    ceiling: Decimal
    decrement_mode: str  # "absolute" | "percent"
    decrement_value: Decimal  # CNY, or percent of the price to beat
    must_beat: str  # "best" | "own"
    snipe_window: timedelta
    extension: timedelta
    max_extensions: int
    extensions_used: int = 0


@dataclass(frozen=True)
class Offer:
    """An accepted bid, as ranking sees it: its price, and the deduction its bidder's prices are
    evaluated with (价格扣除, in basis points)."""

    bid_id: int
    supplier_id: int
    price: Decimal
    placed_at: datetime
    deduction_bp: int = 0

    @property
    def evaluated(self) -> Decimal:
        """The evaluated price (评审价格) the offer ranks by; the award is at ``price``."""
        return policy.apply_deduction(self.price, policy.from_basis_points(self.deduction_bp))


def check_decrement_terms(mode: str, value: Decimal) -> str | None:
    """Why the decrement terms are unusable, or None."""
    if mode == "absolute":
        return None if value > 0 and value == value.quantize(CENT) else "absolute decrement > 0.00"
    if mode == "percent":
        if PERCENT_MIN <= value <= PERCENT_MAX:
            return None
        return f"percentage decrement between {PERCENT_MIN} and {PERCENT_MAX}"
    return "mode is absolute or percent"


def decrement(terms: Terms, reference: Decimal) -> Decimal:
    """The minimum amount a bid must lie below ``reference``. A percentage is rounded up to the
    cent, so it is never less than the stated share."""
    if terms.decrement_mode == "absolute":
        return terms.decrement_value
    step = (reference * terms.decrement_value / 100).quantize(CENT, rounding=ROUND_CEILING)
    return max(step, CENT)


def reference_price(terms: Terms, best: Decimal | None, own: Decimal | None) -> Decimal | None:
    """The price a new bid must beat: the best price so far, or the bidder's own last bid (the
    ceiling bounds both, and a first bid only needs to be at or below the ceiling)."""
    return best if terms.must_beat == "best" else own


def highest_allowed(
    terms: Terms, best: Decimal | None, own: Decimal | None, deduction_bp: int = 0
) -> Decimal:
    """The highest price the bidder may offer now (what the bid box suggests). ``best`` is the
    best evaluated price; a bidder whose prices are ranked with a deduction (``deduction_bp``) may
    ask as much as brings its evaluated price a decrement below it (MALL-7)."""
    reference = reference_price(terms, best, own)
    if reference is None:
        return terms.ceiling
    target = reference - decrement(terms, reference)
    if terms.must_beat == "best":
        target = policy.highest_price_for(target, policy.from_basis_points(deduction_bp))
    return min(terms.ceiling, target)


def guard_reference(
    best: Decimal | None, own: Decimal | None, ceiling: Decimal | None
) -> Decimal | None:
    """The price a bid is compared with by the fat-finger guard: the best price the bidder sees,
    else its own last bid, else the ceiling if it is shown; None when it sees none of them."""
    for price in (best, own, ceiling):
        if price is not None:
            return price
    return None


def needs_confirmation(price: Decimal, reference: Decimal | None) -> bool:
    """Whether a bid of ``price`` drops more than ``BID_GUARD_SHARE`` below ``reference``."""
    if reference is None or reference <= 0:
        return False
    return reference - price > reference * BID_GUARD_SHARE


def phase(terms: Terms, now: datetime) -> str:
    """``before``, ``open`` or ``after``: the end is exclusive."""
    if now < terms.starts_at:
        return "before"
    if now >= terms.ends_at:
        return "after"
    return "open"


def rejection(
    terms: Terms,
    price: Decimal,
    now: datetime,
    best: Decimal | None,
    own: Decimal | None,
    deduction_bp: int = 0,
) -> str | None:
    """Why a bid of ``price`` at ``now`` is refused (a code of ``REJECTIONS``), or None."""
    current = phase(terms, now)
    if current == "before":
        return "not_open"
    if current == "after":
        return "closed"
    if not price.is_finite() or price <= 0 or price != price.quantize(CENT):
        return "bad_price"
    if price > terms.ceiling:
        return "above_ceiling"
    if price > highest_allowed(terms, best, own, deduction_bp):
        return "decrement"
    return None


def extended_end(terms: Terms, now: datetime) -> datetime | None:
    """The new end if an accepted bid at ``now`` falls in the anti-sniping window and extensions
    are left, else None. The end moves to ``now + extension`` (never earlier than it was)."""
    if terms.extensions_used >= terms.max_extensions or terms.extension <= timedelta(0):
        return None
    if terms.ends_at - now > terms.snipe_window:
        return None
    return max(terms.ends_at, now + terms.extension)


def ranking(offers: Iterable[Offer]) -> list[Offer]:
    """Each supplier's best offer, lowest evaluated price first (MALL-7: the price after the
    deduction the rules give its bidder); equal evaluated prices by the earlier bid."""
    best: dict[int, Offer] = {}
    for offer in offers:
        held = best.get(offer.supplier_id)
        if held is None or (offer.evaluated, offer.placed_at, offer.bid_id) < (
            held.evaluated,
            held.placed_at,
            held.bid_id,
        ):
            best[offer.supplier_id] = offer
    return sorted(best.values(), key=lambda o: (o.evaluated, o.placed_at, o.bid_id))


def rank_of(ranked: Sequence[Offer], supplier_id: int) -> int | None:
    """The supplier's place (1 = best), or None if it has not bid."""
    for place, offer in enumerate(ranked, start=1):
        if offer.supplier_id == supplier_id:
            return place
    return None


def too_few_bidders(ranked: Sequence[Offer], min_bidders: int) -> str | None:
    """Why the auction fails for want of bidders (流标), or None when enough of them bid."""
    if len(ranked) >= min_bidders:
        return None
    return f"有效报价供应商 {len(ranked)} 家，少于最低要求的 {min_bidders} 家，流标。"


def lot_total(price: Decimal, quantity: int) -> Decimal:
    return cny(price * quantity)
