"""Opening, evaluation and selection (开启、评审、入围, MALL-8). After the deadline the solicitor
opens the responses — their full content goes on the ledger beside the hashes recorded at
submission — and evaluates them: price priority (价格优先) ranks by Σ unit price × estimated
quantity, lowest first; quality priority (质量优先) by the weighted score the solicitor gives each
response on each criterion (0–100), highest first, the lower total breaking ties. Selection then
eliminates the lowest-ranked share of the responders — at least one — and refuses a closed
agreement left with fewer than three entrants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict
from core.messages import N_, en_zh, translate
from mall.agreements.access import locked, record_step, require_solicitor
from mall.agreements.models import AgreementResponse, Solicitation
from mall.agreements.responses import content
from mall.agreements.solicitation import invalid
from supervision.ledger import Entry, record_many

#: A closed agreement (封闭式) needs at least this many entrants.
MIN_CLOSED_ENTRANTS = 3

#: The kinds of agreement as the refusals name them (English, Chinese).
KIND_NAMES = {"closed": N_("a closed agreement"), "open": N_("an open agreement")}


def require_status(solicitation: Solicitation, status: str, doing: tuple[str, str]) -> None:
    if solicitation.status != status:
        message = N_("The solicitation is %(status)s: it cannot be %(doing)s now.")
        raise Conflict(
            translate(message, "en", {"status": solicitation.status, "doing": doing[0]}),
            translate(message, "zh", {"status": solicitation.status, "doing": doing[1]}),
            code="wrong_status",
            details={"status": solicitation.status, "expected": status},
        )


def responses_of(session: Session, solicitation: Solicitation) -> list[AgreementResponse]:
    return list(
        session.scalars(
            select(AgreementResponse)
            .where(AgreementResponse.solicitation_id == solicitation.id)
            .order_by(AgreementResponse.id)
        )
    )


def open_responses(session: Session, actor: Actor, solicitation_id: int) -> Solicitation:
    """开启响应: once the deadline has passed; each response's content goes on the ledger."""
    solicitation = locked(session, actor, solicitation_id)
    require_solicitor(actor, solicitation)
    if solicitation.status == "published" and clock.now() < solicitation.response_deadline:
        raise Conflict(
            "Responses are sealed until the deadline.",
            code="before_deadline",
            details={"response_deadline": solicitation.response_deadline.isoformat()},
        )
    require_status(solicitation, "published", en_zh("opened"))
    responses = responses_of(session, solicitation)
    solicitation.status = "opened"
    solicitation.opened_at = solicitation.updated_at = clock.now()
    session.flush()
    subject = ("agreement_solicitation", solicitation.id)
    record_many(
        session,
        [
            Entry(
                actor,
                "agreement.responses_opened",
                subject,
                {"status": solicitation.status, "responses": len(responses)},
                solicitation.region_id,
            ),
            *(
                Entry(
                    actor,
                    "agreement.response_opened",
                    subject,
                    {
                        "status": solicitation.status,
                        "response_id": r.id,
                        "content_hash": r.content_hash,
                        "content": content(r),
                    },
                    solicitation.region_id,
                )
                for r in responses
            ),
        ],
    )
    return solicitation


def _weighted(solicitation: Solicitation, scores: dict[str, int]) -> int:
    """The weighted score × 100 (weights sum to 100, so Σ weight × score is it exactly)."""
    return sum(c["weight"] * scores[c["name"]] for c in solicitation.criteria)


def evaluate(
    session: Session, actor: Actor, solicitation_id: int, data: dict[str, Any]
) -> list[AgreementResponse]:
    """评审: rank the opened responses by the solicitation's method; the ranking goes on the
    ledger."""
    solicitation = locked(session, actor, solicitation_id)
    require_solicitor(actor, solicitation)
    require_status(solicitation, "opened", en_zh("evaluated"))
    responses = responses_of(session, solicitation)
    if solicitation.evaluation == "quality_priority":
        given = {s["response_id"]: s["scores"] for s in data.get("scores") or []}
        names = {c["name"] for c in solicitation.criteria}
        if set(given) != {r.id for r in responses} or any(
            set(scores) != names for scores in given.values()
        ):
            raise invalid(
                "scores",
                "a score on each criterion for each response",
                "Score each response on each criterion.",
                code="scores_incomplete",
            )
        for r in responses:
            r.scores = dict(given[r.id])
            r.score_x100 = _weighted(solicitation, r.scores)
        ranked = sorted(responses, key=lambda r: (-(r.score_x100 or 0), r.total, r.submitted_at))
    else:
        ranked = sorted(responses, key=lambda r: (r.total, r.submitted_at, r.id))
    for rank, r in enumerate(ranked, start=1):
        r.rank = rank
    solicitation.status = "evaluated"
    solicitation.evaluated_at = solicitation.updated_at = clock.now()
    session.flush()
    record_step(
        session,
        actor,
        "agreement.evaluated",
        solicitation,
        evaluation=solicitation.evaluation,
        ranking=[
            {
                "response_id": r.id,
                "supplier_id": r.supplier_id,
                "rank": r.rank,
                "total": r.total,
                "scores": r.scores,
                "score": r.score,
            }
            for r in ranked
        ],
    )
    return ranked


def eliminated_count(responders: int, percent: int) -> int:
    """ceil(percent × responders / 100), at least one."""
    return max(1, -(-percent * responders // 100))


def select_entrants(session: Session, actor: Actor, solicitation_id: int) -> Solicitation:
    """确定入围: the lowest-ranked share is eliminated; a closed agreement keeps at least three."""
    solicitation = locked(session, actor, solicitation_id)
    require_solicitor(actor, solicitation)
    require_status(solicitation, "evaluated", en_zh("selected"))
    responses = sorted(responses_of(session, solicitation), key=lambda r: r.rank or 0)
    out = eliminated_count(len(responses), solicitation.elimination_percent)
    kept = len(responses) - out
    least = MIN_CLOSED_ENTRANTS if solicitation.kind == "closed" else 1
    if kept < least:
        message = N_(
            "After eliminating %(out)s of %(responders)s responders %(kept)s would enter; "
            "%(kind)s needs at least %(least)s."
        )
        values = {"out": out, "responders": len(responses), "kept": max(kept, 0), "least": least}
        en, zh = en_zh(KIND_NAMES[solicitation.kind])
        raise Conflict(
            translate(message, "en", {**values, "kind": en}),
            translate(message, "zh", {**values, "kind": zh}),
            code="too_few_entrants",
            details={"responders": len(responses), "eliminated": out, "least": least},
        )
    for r in responses:
        r.status = "selected" if (r.rank or 0) <= kept else "eliminated"
    solicitation.status = "selected"
    solicitation.selected_at = solicitation.updated_at = clock.now()
    session.flush()
    record_step(
        session,
        actor,
        "agreement.entrants_selected",
        solicitation,
        elimination_percent=solicitation.elimination_percent,
        selected=[r.supplier_id for r in responses if r.status == "selected"],
        eliminated=[r.supplier_id for r in responses if r.status == "eliminated"],
    )
    return solicitation
