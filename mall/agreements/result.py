"""入围结果 (MALL-8): the solicitor publishes the result — the agreement, for the term, with its
entrants in rank order, each at the unit prices it responded with. The result, prices included,
goes on the ledger with the SHA-256 of the agreement's content, which the solicitor and each
entrant then sign (``signing``); stage two calls off from it, never above those prices, from the
entrants that signed with the solicitor."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.messages import en_zh
from core.notifications.service import Message, notify
from mall.agreements.access import locked, record_step, require_solicitor
from mall.agreements.evaluation import require_status, responses_of
from mall.agreements.models import Agreement, AgreementEntrant, EntrantPrice
from mall.agreements.signing import seal


def publish_result(session: Session, actor: Actor, solicitation_id: int) -> Agreement:
    """公布入围结果: the agreement and its entrants (status active)."""
    solicitation = locked(session, actor, solicitation_id)
    require_solicitor(actor, solicitation)
    require_status(solicitation, "selected", en_zh("concluded"))
    now = clock.now()
    agreement = Agreement(
        solicitation_id=solicitation.id,
        solicitor_id=solicitation.solicitor_id,
        region_id=solicitation.region_id,
        status="active",
        title=solicitation.title,
        kind=solicitation.kind,
        call_off_methods=list(solicitation.call_off_methods),
        term_starts=solicitation.term_starts,
        term_ends=solicitation.term_ends,
        published_at=now,
    )
    session.add(agreement)
    session.flush()
    selected = [r for r in responses_of(session, solicitation) if r.status == "selected"]
    for rank, response in enumerate(sorted(selected, key=lambda r: r.rank or 0), start=1):
        session.add(
            AgreementEntrant(
                agreement_id=agreement.id,
                supplier_id=response.supplier_id,
                response_id=response.id,
                rank=rank,
                status="active",
                region_ids=list(response.region_ids),
                prices=[
                    EntrantPrice(item_id=p.item_id, unit_price=p.unit_price)
                    for p in response.prices
                ],
            )
        )
    solicitation.status = "concluded"
    solicitation.updated_at = now
    session.flush()
    session.refresh(agreement, ["entrants"])
    seal(session, agreement)
    session.flush()
    record_step(
        session,
        actor,
        "agreement.result_published",
        solicitation,
        agreement_id=agreement.id,
        number=agreement.number,
        term_starts=agreement.term_starts,
        term_ends=agreement.term_ends,
        call_off_methods=agreement.call_off_methods,
        sha256=agreement.sha256,
        entrants=[
            {
                "supplier_id": e.supplier_id,
                "rank": e.rank,
                "region_ids": e.region_ids,
                "prices": {str(p.item_id): p.unit_price for p in e.prices},
            }
            for e in agreement.entrants
        ],
    )
    title_en, title_zh = en_zh(
        "Sign the framework agreement: %(number)s %(title)s",
        number=agreement.number,
        title=agreement.title,
    )
    notify(
        session,
        [agreement.solicitor_id] + [e.supplier_id for e in agreement.entrants],
        Message(
            kind="agreement.sign_requested",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/agreements/{agreement.id}",
            subject=("agreement", agreement.id),
        ),
    )
    return agreement
