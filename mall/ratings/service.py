"""信用互评 (SUP-4): once an order is closed, each party rates the other once.

The purchaser rates the supplier, and the supplier the purchaser, on their side's criteria
(``supervision.credit.criteria``), each scored 1–5, with an optional comment. A rating is final. It is
recorded on the ledger as ``rating.given`` about the rated organisation, and the public credit record
(``supervision.credit``) is computed from those entries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, ValidationFailed
from core.messages import en_zh
from mall.orders.access import expect, get_order, party_of
from mall.orders.models import Order
from mall.ratings.models import Rating
from supervision.credit import service as credit
from supervision.credit.criteria import MAX_SCORE, MIN_SCORE, codes
from supervision.credit.service import RATING_GIVEN, SUBJECT
from supervision.ledger import record

MAX_COMMENT = 500


def _checked_scores(side: str, scores: Any) -> dict[str, int]:
    """Every criterion of the side, each a whole number 1..5, and nothing else."""
    if not isinstance(scores, dict):
        raise ValidationFailed(
            "Scores must map each criterion to a score.",
            details={"scores": ["an object of criterion: score"]},
        )
    expected = codes(side)
    errors: dict[str, list[str]] = {}
    for code in expected:
        score = scores.get(code)
        if code not in scores:
            errors[f"scores.{code}"] = ["required"]
        elif isinstance(score, bool) or not isinstance(score, int):
            errors[f"scores.{code}"] = [f"a whole number {MIN_SCORE}..{MAX_SCORE}"]
        elif not MIN_SCORE <= score <= MAX_SCORE:
            errors[f"scores.{code}"] = [f"{MIN_SCORE}..{MAX_SCORE}"]
    for code in scores:
        if code not in expected:
            errors[f"scores.{code}"] = [f"not a criterion; the criteria are {', '.join(expected)}"]
    if errors:
        raise ValidationFailed(
            "Score each criterion from %(low)s to %(high)s.",
            params={"low": MIN_SCORE, "high": MAX_SCORE},
            details=errors,
        )
    return {code: scores[code] for code in expected}


def _checked_comment(comment: Any) -> str | None:
    if comment is not None and not isinstance(comment, str):
        raise ValidationFailed(details={"comment": ["text"]})
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            "The comment is longer than %(n)s characters.",
            params={"n": MAX_COMMENT},
            details={"comment": [f"at most {MAX_COMMENT} characters"]},
        )
    return comment


def rate(session: Session, actor: Actor, order_id: int, data: dict[str, Any]) -> Rating:
    """评价: the actor's side of a closed order rates the other side, once."""
    order = get_order(session, actor, order_id, for_update=True)
    side = party_of(actor, order)
    assert side is not None  # get_order admits parties only
    expect(order, "closed", doing=en_zh("rated"))
    done = session.scalar(select(Rating.id).where(Rating.order_id == order.id, Rating.side == side))
    if done is not None:
        raise Conflict(
            "Your side has already rated this order.",
            code="already_rated",
            details={"rating_id": done},
        )
    scores = _checked_scores(side, data.get("scores"))
    comment = _checked_comment(data.get("comment"))
    rater, rated = (
        (order.purchaser_id, order.supplier_id)
        if side == "purchaser"
        else (order.supplier_id, order.purchaser_id)
    )
    rating = Rating(
        order_id=order.id,
        rater_org_id=rater,
        rated_org_id=rated,
        side=side,
        scores=scores,
        comment=comment,
        rated_by=actor.user_id,
        created_at=clock.now(),
    )
    session.add(rating)
    session.flush()
    record(
        session,
        actor,
        RATING_GIVEN,
        (SUBJECT, rated),
        {
            "rating_id": rating.id,
            "order_id": order.id,
            "side": side,
            "rater_org_id": rater,
            "rated_org_id": rated,
            "scores": scores,
            "overall": rating.overall,
            "comment": comment,
        },
        region_id=order.region_id,
    )
    # 一处失信，处处受约: a score left below the line restricts the rated party (SUP-4).
    credit.restrict_if_low(session, rated)
    return rating


def ratings_for_order(session: Session, actor: Actor, order_id: int) -> list[Rating]:
    """The order's ratings (none, one or both sides'), for its parties."""
    order: Order = get_order(session, actor, order_id)
    return list(
        session.scalars(select(Rating).where(Rating.order_id == order.id).order_by(Rating.id))
    )
