"""Changes to a framework agreement over HTTP (协议变更, MALL-8), on the ``/api/agreements``
blueprint: whoever sees an agreement lists its changes; its solicitor proposes a price variation,
activates (signs) or cancels it, and terminates an entrant; an entrant lowers its own prices.
Refusal codes: ``mall.agreements.changes``."""

from __future__ import annotations

from typing import Any

from core.accounts.auth import require_actor
from core.db import db
from mall.agreements import changes, queries
from mall.agreements.blueprint import blp
from mall.agreements.change_schemas import (
    ChangeSchema,
    ReductionArgs,
    TerminationArgs,
    VariationArgs,
)


@blp.route("/<int:agreement_id>/changes", methods=["GET"])
@blp.response(200, ChangeSchema(many=True))
def list_changes(agreement_id: int):  # type: ignore[no-untyped-def]
    """协议变更: the agreement's changes, oldest first, for whoever sees the agreement."""
    found = queries.get_agreement(db.session, require_actor(), agreement_id)
    return changes.changes_of(db.session, found)


@blp.route("/<int:agreement_id>/changes", methods=["POST"])
@blp.arguments(VariationArgs)
@blp.response(201, ChangeSchema)
def propose(args: dict[str, Any], agreement_id: int):  # type: ignore[no-untyped-def]
    """价格调整: the solicitor proposes new agreed prices; call-offs wait until it activates or
    cancels the change (``change_pending``)."""
    return changes.propose_variation(db.session, require_actor(), agreement_id, args)


@blp.route("/changes/<int:change_id>/activate", methods=["POST"])
@blp.response(200, ChangeSchema)
def activate(change_id: int):  # type: ignore[no-untyped-def]
    """生效: the solicitor signs the pending change; its prices apply to later call-offs."""
    return changes.activate(db.session, require_actor(), change_id)


@blp.route("/changes/<int:change_id>/cancel", methods=["POST"])
@blp.response(200, ChangeSchema)
def cancel(change_id: int):  # type: ignore[no-untyped-def]
    """撤销: the solicitor withdraws the pending change."""
    return changes.cancel(db.session, require_actor(), change_id)


@blp.route("/<int:agreement_id>/price-reductions", methods=["POST"])
@blp.arguments(ReductionArgs)
@blp.response(201, ChangeSchema)
def reduce(args: dict[str, Any], agreement_id: int):  # type: ignore[no-untyped-def]
    """降价: an entrant lowers its own agreed prices, at once."""
    return changes.reduce_prices(db.session, require_actor(), agreement_id, args)


@blp.route("/<int:agreement_id>/entrants/<int:entrant_id>/terminate", methods=["POST"])
@blp.arguments(TerminationArgs)
@blp.response(200, ChangeSchema)
def terminate(args: dict[str, Any], agreement_id: int, entrant_id: int):  # type: ignore[no-untyped-def]
    """终止: the solicitor ends an entrant's place, at once."""
    return changes.terminate(db.session, require_actor(), agreement_id, entrant_id, args)
