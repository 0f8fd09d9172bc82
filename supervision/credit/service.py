"""The public credit record of an organisation (SUP-4, 信用记录), computed from the ratings on the ledger.

Every rating a party of a closed order gives is a ``rating.given`` ledger entry about the rated
organisation, so the record is read from the ledger alone: averages per criterion and overall, how many
ratings there are, and the latest ones with their comments. The rater is named only by its kind
(采购单位 / 供应商): neither the user nor the organisation that rated appears.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation
from core.errors import NotFound
from core.messages import translate
from supervision.credit import restrictions
from supervision.credit.criteria import (
    CRITERIA,
    CRITERION_NAMES,
    MAX_SCORE,
    MIN_SCORE,
    RATER_KINDS,
    mean,
    overall,
)
from supervision.ledger.models import LedgerEntry
from supervision.ledger.service import record

RATING_GIVEN = "rating.given"
PENALTY = "credit.penalty"
SUBJECT = "organisation"
RECENT = 10
MAX_PENALTY_POINTS = 100


def record_penalty(
    session: Session, actor: Actor, org_id: int, points: int, reason: str, **extra: Any
) -> LedgerEntry:
    """信用扣分: a penalty on an organisation's credit record, decided by a caller that may impose
    it (a dispute ruling); the record reads it back from the ledger."""
    if not 1 <= points <= MAX_PENALTY_POINTS:
        raise ValueError("penalty points out of range")
    return record(
        session,
        actor,
        PENALTY,
        (SUBJECT, org_id),
        {"points": points, "reason": reason, **extra},
    )


def penalties_of(session: Session, org_id: int) -> list[dict[str, Any]]:
    """Every penalty on the organisation's record, newest first."""
    rows = session.execute(
        select(LedgerEntry.at, LedgerEntry.payload)
        .where(
            LedgerEntry.subject_type == SUBJECT,
            LedgerEntry.subject_id == str(org_id),
            LedgerEntry.action == PENALTY,
        )
        .order_by(LedgerEntry.seq.desc())
    ).all()
    out = []
    for row in rows:
        payload = json.loads(row.payload)
        points = payload.get("points")
        if isinstance(points, int) and not isinstance(points, bool) and points > 0:
            out.append(
                {
                    "at": row.at,
                    "points": points,
                    "reason": payload.get("reason"),
                    "dispute_id": payload.get("dispute_id"),
                    "warning_id": payload.get("warning_id"),
                }
            )
    return out


def _scores(payload: dict[str, Any]) -> dict[str, int]:
    """The well-formed scores of a rating's payload (criteria known for its side, 1..5)."""
    known = {code for code, _, _ in CRITERIA.get(payload.get("side"), ())}
    raw = payload.get("scores")
    if not isinstance(raw, dict):
        return {}
    return {
        code: score
        for code, score in raw.items()
        if code in known
        and isinstance(score, int)
        and not isinstance(score, bool)
        and MIN_SCORE <= score <= MAX_SCORE
    }


def ratings_of(session: Session, org_id: int) -> list[tuple[datetime, dict[str, Any]]]:
    """(time, payload) of every rating given about the organisation, newest first."""
    rows = session.execute(
        select(LedgerEntry.at, LedgerEntry.payload)
        .where(
            LedgerEntry.subject_type == SUBJECT,
            LedgerEntry.subject_id == str(org_id),
            LedgerEntry.action == RATING_GIVEN,
        )
        .order_by(LedgerEntry.seq.desc())
    ).all()
    return [(row.at, json.loads(row.payload)) for row in rows]


def credit_record(session: Session, org_id: int) -> dict[str, Any]:
    """信用记录: criteria averages and the overall average (Decimal, two places), the number of
    ratings, and the latest ``RECENT`` ratings with comments."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    by_criterion: dict[str, list[Fraction]] = {}
    overalls: list[Fraction] = []
    recent: list[dict[str, Any]] = []
    for at, payload in ratings_of(session, org_id):
        scores = _scores(payload)
        if not scores:
            continue
        for code, score in scores.items():
            by_criterion.setdefault(code, []).append(Fraction(score))
        overalls.append(Fraction(sum(scores.values()), len(scores)))
        if len(recent) < RECENT:
            kind_zh, kind_en = RATER_KINDS[payload["side"]]
            recent.append(
                {
                    "at": at,
                    "rater_kind": payload["side"],
                    "rater_kind_zh": kind_zh,
                    "rater_kind_en": kind_en,
                    "scores": scores,
                    "overall": overall(scores),
                    "comment": payload.get("comment"),
                }
            )
    penalties = penalties_of(session, org_id)
    order = [code for criteria in CRITERIA.values() for code, _, _ in criteria]
    criteria = [
        {
            "code": code,
            "name_zh": CRITERION_NAMES[code][0],
            "name_en": CRITERION_NAMES[code][1],
            "average": mean(by_criterion[code]),
            "count": len(by_criterion[code]),
        }
        for code in order
        if code in by_criterion
    ]
    return {
        "organisation": {
            "id": org.id,
            "name_zh": org.name_zh,
            "name_en": org.name_en,
            "kind": org.kind,
        },
        "count": len(overalls),
        "overall": mean(overalls),
        "criteria": criteria,
        "recent": recent,
        "penalty_points": sum(p["points"] for p in penalties),
        "penalties": penalties[:RECENT],
        **_restrictions(session, org_id),
    }


def _restrictions(session: Session, org_id: int) -> dict[str, Any]:
    from core import clock

    now = clock.now()
    rows = restrictions.history(session, org_id)
    active = [row.ends_at for row in rows if row.starts_at <= now < row.ends_at]
    return {
        "restrictions": [
            {
                "source": row.source,
                "reason": row.reason,
                "warning_id": row.warning_id,
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "active": row.starts_at <= now < row.ends_at,
            }
            for row in rows
        ],
        "restricted_until": max(active) if active else None,
    }


def summary(session: Session, org_id: int) -> dict[str, Decimal | int | None]:
    """The overall average and the number of ratings: what a product page shows next to the
    supplier's name."""
    full = credit_record(session, org_id)
    return {
        "overall": full["overall"],
        "count": full["count"],
        "penalty_points": full["penalty_points"],
    }


def restrict_if_low(
    session: Session, org_id: int, actor: Actor = SYSTEM
) -> restrictions.CreditRestriction | None:
    """The score rule, run after each rating about ``org_id``: restrict it when its overall
    score fell below the line over enough ratings and no score restriction runs."""
    full = credit_record(session, org_id)
    below, minimum = (
        restrictions.setting("CREDIT_RESTRICT_BELOW"),
        restrictions.setting("CREDIT_RESTRICT_MIN_RATINGS"),
    )
    if full["overall"] is None or full["count"] < minimum or full["overall"] >= below:
        return None
    if any(
        row.source == "score" and row.ends_at > clock.now()
        for row in restrictions.history(session, org_id)
    ):
        return None
    params = {"score": full["overall"], "line": below, "count": full["count"]}
    reason = " / ".join(translate(restrictions.SCORE_REASON, lang, params) for lang in ("zh", "en"))
    return restrictions.impose(
        session, actor, org_id, restrictions.setting("CREDIT_RESTRICT_DAYS"), reason, source="score"
    )
